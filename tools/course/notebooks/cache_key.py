"""The cache key: a hash of everything that determines a notebook's outputs.

Counted: the code cells (source and tags), the kernel, the Python and ipykernel
versions, the content of the local modules and data files the code imports or
names, and the installed versions of the third-party packages it imports.
Not counted: prose (Markdown cells), cell ids, the notebook's timeout.
"""

from __future__ import annotations

import hashlib
import json
import platform
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from course.notebooks.deps import Dependencies
from course.notebooks.source import SourceNotebook

# Bump when the way notebooks are executed changes (seeds, environment).
ENGINE_VERSION = "1"


def key_inputs(notebook: SourceNotebook, deps: Dependencies, base_dir: Path) -> dict:
    """The inputs of the key, readable, so that a cache miss can say what changed."""
    base_dir = base_dir.resolve()
    code = [
        _sha(json.dumps([cell.source, sorted(cell.metadata.get("tags", []))]))
        for cell in notebook.nb.cells
        if cell.cell_type == "code"
    ]
    return {
        "engine": ENGINE_VERSION,
        "kernel": notebook.kernel,
        "python": platform.python_version(),
        "ipykernel": _version("ipykernel"),
        "code": code,
        "modules": {_rel(p, base_dir): _file_sha(p) for p in deps.local_files},
        "data": {_rel(p, base_dir): _file_sha(p) for p in deps.data_files},
        "packages": {name: package_version(name) for name in deps.packages},
    }


def cache_key(inputs: dict) -> str:
    return _sha(json.dumps(inputs, sort_keys=True))


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


def package_version(import_name: str) -> str:
    """Installed version(s) of the distribution(s) providing a top-level import name."""
    dists = _distributions_of(import_name)
    if not dists:
        return "not installed"
    return ", ".join(sorted(f"{dist}=={_version(dist)}" for dist in dists))


def refresh_versions() -> None:
    """Forget the installed versions looked up so far (a long ``mkdocs serve`` may outlive a pip install)."""
    _distributions_of.cache_clear()
    _declared_top_levels.cache_clear()
    _inferred_top_levels.cache_clear()
    _version.cache_clear()


@lru_cache(maxsize=256)
def _distributions_of(import_name: str) -> tuple[str, ...]:
    # Cheapest first: most distributions are named like their package (torch, numpy, matplotlib);
    # then the top_level.txt files; scanning every RECORD (seconds) only as a last resort.
    for candidate in (import_name, import_name.replace("_", "-")):
        if _version(candidate) != "not installed":
            return (candidate,)
    for table in (_declared_top_levels, _inferred_top_levels):
        if import_name in table():
            return tuple(table()[import_name])
    return ()


@lru_cache(maxsize=1)
def _declared_top_levels() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for dist in metadata.distributions():
        for name in (dist.read_text("top_level.txt") or "").split():
            table.setdefault(name, []).append(dist.metadata["Name"])
    return table


@lru_cache(maxsize=1)
def _inferred_top_levels() -> dict[str, list[str]]:
    return metadata.packages_distributions()


@lru_cache(maxsize=256)
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rel(path: Path, base_dir: Path) -> str:
    return path.resolve().relative_to(base_dir).as_posix()
