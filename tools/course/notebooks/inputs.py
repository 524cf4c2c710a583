"""What determines a notebook's outputs (its dependencies, found by reading it) and the cache key they make.

Every import of the code cells is resolved against the notebook folder module by
module (``from lab.sae import X`` needs ``lab/__init__.py`` and ``lab/sae.py``),
local modules are followed into their own imports, string literals naming a file
in the folder are data files, and other names are third-party packages.  The key
hashes the code cells, the kernel, Python and ipykernel versions, the local files
and the package versions, never the prose: editing ``lab/sae.py`` re-executes only
the notebooks that reach it, and editing prose re-executes nothing.
"""

from __future__ import annotations

import ast
import json
import os
import platform
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course.ground.keyed_files import key_of, sha_code, sha_file, sha_text
from course.notebooks.versions import installed_version, package_version
from course.notebooks.source import SourceNotebook

_STDLIB = frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names)


@dataclass(frozen=True)
class Dependencies:
    local_files: tuple[Path, ...]  # every .py of the local modules and packages used
    data_files: tuple[Path, ...]  # existing files named by string literals
    packages: tuple[str, ...]  # third-party top-level import names

    def relative(self, base_dir: Path) -> list[str]:
        """Local modules and data files as posix paths relative to ``base_dir`` (for the Colab setup)."""
        return sorted({p.relative_to(base_dir).as_posix() for p in self.local_files + self.data_files})


def find_dependencies(code_sources: list[str], base_dir: Path) -> Dependencies:
    base_dir = base_dir.resolve()
    local: dict[Path, None] = {}
    data: dict[Path, None] = {}
    packages: set[str] = set()
    present = _files_under(base_dir)
    # (syntax tree, the file it came from: None for a notebook cell)
    pending: list[tuple[ast.AST, Path | None]] = [(tree, None) for tree in map(_parse, code_sources) if tree]
    while pending:
        tree, origin = pending.pop()
        imports, literals = _scan(tree)
        for module, level, names in imports:
            absolute = _absolute_name(module, level, origin, base_dir)
            if absolute is None:
                continue
            files = _local_module_files(absolute, names, base_dir)
            if files is None:
                if absolute.split(".")[0] not in _STDLIB:
                    packages.add(absolute.split(".")[0])
                continue
            for file in files:
                if file not in local:
                    local[file] = None
                    module_tree = _parse(file.read_text(encoding="utf-8", errors="replace"), ipython=False)
                    if module_tree:
                        pending.append((module_tree, file))
        here = origin.parent if origin else base_dir
        for literal in literals:
            for folder in {here, base_dir}:
                candidate = _existing_file(literal, folder, base_dir, present)
                if candidate:
                    data[candidate] = None
    data_files = sorted(p for p in data if p not in local)
    return Dependencies(tuple(sorted(local)), tuple(data_files), tuple(sorted(packages)))


@lru_cache(maxsize=512)
def _parse(source: str, ipython: bool = True) -> ast.AST | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        pass
    if ipython:  # a cell may use IPython syntax (%matplotlib, !pip): read it as IPython does
        try:
            return ast.parse(_to_python(source))
        except (SyntaxError, ValueError):
            pass
    return None  # the cell still counts in the key by its text


def _to_python(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


Import = tuple[str, int, frozenset[str]]  # (module, relative level, names imported from it)


@lru_cache(maxsize=512)
def _scan(tree: ast.AST) -> tuple[frozenset[Import], frozenset[str]]:
    """Every import, and short one-line string literals (one walk)."""
    imports, strings = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str) and 0 < len(node.value) < 260 and "\n" not in node.value:
                strings.add(node.value)
        elif isinstance(node, ast.Import):
            imports.update((alias.name, 0, frozenset()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            imports.add((node.module or "", node.level, frozenset(alias.name for alias in node.names)))
    return frozenset(imports), frozenset(strings)


def _absolute_name(module: str, level: int, origin: Path | None, base_dir: Path) -> str | None:
    """``from ..x import y`` in ``base/pkg/sub/mod.py`` is ``pkg.x``; None where it leaves base_dir."""
    if level == 0:
        return module
    if origin is None:  # a relative import in a notebook cell has no package to be relative to
        return None
    package = origin.parent
    for _ in range(level - 1):
        package = package.parent
    if not package.is_relative_to(base_dir) or package == base_dir:
        return None
    parts = list(package.relative_to(base_dir).parts) + ([module] if module else [])
    return ".".join(parts)


def _local_module_files(module: str, names: frozenset[str], base_dir: Path) -> list[Path] | None:
    """The files importing ``module`` (and ``from module import names``) runs, or None if it is not local.

    ``a.b.c`` runs ``a/__init__.py``, ``a/b/__init__.py`` and ``a/b/c.py`` (or ``a/b/c/__init__.py``);
    a name imported from a package may itself be a submodule (``from lab import gpt``).
    """
    parts = module.split(".")
    if not ((base_dir / f"{parts[0]}.py").is_file() or (base_dir / parts[0]).is_dir()):
        return None
    files: list[Path] = []
    folder = base_dir
    for part in parts:
        if (folder / part / "__init__.py").is_file():
            folder = folder / part
            files.append(folder / "__init__.py")
        elif (folder / f"{part}.py").is_file():
            files.append(folder / f"{part}.py")
            return files
        else:
            return files  # a namespace package, or a name that is not there: the import fails at run time
    for name in names:
        submodule = folder / f"{name}.py"
        if submodule.is_file():
            files.append(submodule)
        elif (folder / name / "__init__.py").is_file():
            files.append(folder / name / "__init__.py")
    return files


def _files_under(folder: Path) -> frozenset[str]:
    """Every file under ``folder`` (its path, normalised): a literal is looked up in it, not stat'ed (a notebook
    has thousands of string literals, and almost none is a path)."""
    return frozenset(os.path.normpath(os.path.join(top, name)) for top, _, names in os.walk(folder) for name in names)


def _existing_file(literal: str, folder: Path, base_dir: Path, present: frozenset[str]) -> Path | None:
    if literal.strip() != literal or literal.startswith(("/", "~")) or "\0" in literal:
        return None
    candidate = os.path.normpath(os.path.join(folder, literal))
    if candidate not in present or not os.path.isfile(candidate):
        return None
    resolved = Path(candidate).resolve()
    return resolved if resolved.is_relative_to(base_dir) else None


# Bump when the way notebooks are executed changes (seeds, environment), or the key does.
ENGINE_VERSION = "2"
# A code cell with one of these shows a module's source or docstrings (``lab.show_source`` is the course's
# highlighted getsource): such a notebook keys its modules as written, comments and all.
SOURCE_WORDS = ("getsource", "show_source", "__doc__", "help(")


def key_inputs(notebook: SourceNotebook, deps: Dependencies, base_dir: Path) -> dict:
    """The inputs of the key, readable, so that a cache miss can say what changed."""
    base_dir = base_dir.resolve()
    # A notebook that shows a module's source or docstrings needs the file as written; others only its code.
    shows_source = any(word in cell.source for cell in notebook.nb.cells for word in SOURCE_WORDS if cell.cell_type == "code")
    module_sha = sha_file if shows_source else sha_code
    code = [
        sha_text(json.dumps([cell.source, sorted(cell.metadata.get("tags", []))]))
        for cell in notebook.nb.cells
        if cell.cell_type == "code"
    ]
    return {
        "engine": ENGINE_VERSION,
        "kernel": notebook.kernel,
        "python": platform.python_version(),
        "ipykernel": installed_version("ipykernel"),
        "code": code,
        "modules": {_rel(p, base_dir): module_sha(p) for p in deps.local_files},
        "data": {_rel(p, base_dir): sha_file(p) for p in deps.data_files},
        "packages": {name: package_version(name) for name in deps.packages},
    }


def cache_key(inputs: dict) -> str:
    return key_of(inputs)


def describe_change(old: dict | None, new: dict) -> str:
    """Why the cached outputs cannot be used, in a few words."""
    if not old:
        return "not executed before"
    reasons = []
    old_code, new_code = old.get("code", []), new["code"]
    if old_code != new_code:
        changed = [str(i) for i, (a, b) in enumerate(zip(old_code, new_code), start=1) if a != b]
        if len(old_code) != len(new_code):
            reasons.append(f"{len(old_code)} -> {len(new_code)} code cells")
        elif changed:
            reasons.append(f"code cell {', '.join(changed)} changed")
    for section in ("modules", "data", "packages"):
        a, b = old.get(section, {}), new[section]
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                what = "added" if name not in a else "removed" if name not in b else "changed"
                detail = f" ({a[name]} -> {b[name]})" if section == "packages" and what == "changed" else ""
                reasons.append(f"{name} {what}{detail}")
    for field in ("engine", "kernel", "python", "ipykernel"):
        if old.get(field) != new[field]:
            reasons.append(f"{field} {old.get(field)} -> {new[field]}")
    return "; ".join(reasons) or "inputs changed"


def _rel(path: Path, base_dir: Path) -> str:
    return path.resolve().relative_to(base_dir).as_posix()


@dataclass(frozen=True)
class Inputs:
    """A notebook with what its outputs depend on, and their key."""

    source: SourceNotebook
    deps: Dependencies
    inputs: dict  # readable, so that a cache miss can say what changed
    key: str


def inputs_of(source: SourceNotebook, base_dir: Path) -> Inputs:
    deps = find_dependencies(source.code_sources(), base_dir)
    inputs = key_inputs(source, deps, base_dir)
    return Inputs(source, deps, inputs, cache_key(inputs))
