"""What a notebook's code depends on, found by reading it (never by running it).

Starting from the code cells, ``import x`` / ``from x import y`` are resolved
against the notebook directory: a local module (``x.py``) or package (``x/``) is
followed into its own imports; a name outside the standard library is a
third-party package whose installed version goes into the cache key.  String
literals that name an existing file in the notebook directory are data files.
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
    seen_names: set[str] = set()
    pending: list[tuple[ast.AST, Path]] = [(tree, base_dir) for tree in map(_parse, code_sources) if tree]
    while pending:
        tree, here = pending.pop()
        imported, literals = _scan(tree)
        for name in imported:
            if name in seen_names:
                continue
            seen_names.add(name)
            files = _local_module_files(name, base_dir)
            if files:
                for file in files:
                    local[file] = None
                    module_tree = _parse(file.read_text(encoding="utf-8", errors="replace"), ipython=False)
                    if module_tree:
                        pending.append((module_tree, file.parent))
            elif name not in _STDLIB:
                packages.add(name)
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


@lru_cache(maxsize=512)
def _scan(tree: ast.AST) -> tuple[frozenset[str], frozenset[str]]:
    """Top-level names of absolute imports, and short one-line string literals (one walk)."""
    names, strings = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str) and 0 < len(node.value) < 260 and "\n" not in node.value:
                strings.add(node.value)
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    names.discard("__future__")
    return frozenset(names), frozenset(strings)


def _local_module_files(name: str, base_dir: Path) -> list[Path]:
    module = base_dir / f"{name}.py"
    if module.is_file():
        return [module]
    package = base_dir / name
    if package.is_dir():
        return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    return []


def _existing_file(literal: str, folder: Path, base_dir: Path) -> Path | None:
    if literal.strip() != literal or literal.startswith(("/", "~")) or "\0" in literal:
        return None
    candidate = os.path.join(folder, literal)
    if not os.path.isfile(candidate):  # one stat for the many literals that are not paths
        return None
    resolved = Path(candidate).resolve()
    return resolved if resolved.is_relative_to(base_dir) else None
