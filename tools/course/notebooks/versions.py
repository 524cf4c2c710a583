"""The installed versions of the packages a notebook imports, and of the tools that render it.

Looked up once per build: ``refresh_versions`` forgets them at the start of each (a long ``mkdocs serve``
may outlive a ``pip install``), and every lookup of the build after it is answered from memory.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata


def package_version(import_name: str) -> str:
    """Installed version(s) of the distribution(s) providing a top-level import name."""
    dists = _distributions_of(import_name)
    if not dists:
        return "not installed"
    return ", ".join(sorted(f"{dist}=={installed_version(dist)}" for dist in dists))


def refresh_versions() -> None:
    """Forget the installed versions looked up so far (a long ``mkdocs serve`` may outlive a pip install)."""
    _distributions_of.cache_clear()
    _declared_top_levels.cache_clear()
    _inferred_top_levels.cache_clear()
    installed_version.cache_clear()


@lru_cache(maxsize=256)
def _distributions_of(import_name: str) -> tuple[str, ...]:
    # Cheapest first: most distributions are named like their package (torch, numpy, matplotlib);
    # then the top_level.txt files; scanning every RECORD (seconds) only as a last resort.
    for candidate in (import_name, import_name.replace("_", "-")):
        if installed_version(candidate) != "not installed":
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
def installed_version(dist: str) -> str:
    """A distribution's installed version, looked up once per build (``refresh_versions``)."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"
