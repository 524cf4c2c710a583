"""What a notebook's code depends on, found by reading it (never by running it).

Starting from the code cells, every import is resolved against the notebook
directory module by module: ``from lab.sae import X`` depends on
``lab/__init__.py`` and ``lab/sae.py`` (not on the rest of ``lab``), and each
local module found is followed into its own imports, relative ones included.  So
editing ``lab/sae.py`` re-executes only the notebooks that reach it.  A name
outside the standard library is a third-party package whose installed version
goes into the cache key.  String literals that name an existing file in the
notebook directory are data files.
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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
                candidate = _existing_file(literal, folder, base_dir)
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


def _existing_file(literal: str, folder: Path, base_dir: Path) -> Path | None:
    if literal.strip() != literal or literal.startswith(("/", "~")) or "\0" in literal:
        return None
    candidate = os.path.join(folder, literal)
    if not os.path.isfile(candidate):  # one stat for the many literals that are not paths
        return None
    resolved = Path(candidate).resolve()
    return resolved if resolved.is_relative_to(base_dir) else None
