"""A notebook's inputs kept between builds: ``mkdocs build`` is a new process each time, and finding a
notebook's dependencies and hashing its modules (a syntax tree of each) is most of a warm build's notebook stage.

The inputs are reused only when none of what they were found from changed: the notebook's code cells and
kernel, the stat (mtime_ns, size) of every module and data file they name, and the stat of every folder
under the notebooks folder (a file added or removed there may be a new dependency: a module an import now
finds, a data file a string literal now names).  The versions of Python, ipykernel and the packages are
looked up again in every build.  A file changed in the last seconds before a build is not trusted to its
stat (it could change again within the same clock tick): such inputs are found again next time.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

from course.ground.keyed_files import atomic_write, sha_text
from course.notebooks.inputs import ENGINE_VERSION, Dependencies, Inputs, cache_key, inputs_of
from course.notebooks.source import SourceNotebook
from course.notebooks.versions import installed_version, package_version

KEPT_VERSION = "1"  # bump when find_dependencies or key_inputs change what they make of the same files
_RECENT_NS = 2_000_000_000


def kept_inputs_of(source: SourceNotebook, base_dir: Path, folder: Path) -> Inputs:
    """``inputs_of(source, base_dir)``, reused from ``folder`` where nothing it was found from changed."""
    base_dir = base_dir.resolve()
    path = folder / f"{source.name}.json"
    code = _code_digest(source)
    folders = _folder_stats(base_dir)
    kept = _read(path)
    if kept is not None and kept.get("code") == code and kept.get("folders") == folders \
            and all(_stat(base_dir / rel) == stat for rel, stat in kept["files"].items()):
        deps = Dependencies(tuple(base_dir / rel for rel in kept["local"]), tuple(base_dir / rel for rel in kept["data"]),
                            tuple(kept["packages"]))
        return Inputs(source, deps, *_with_versions(kept["inputs"], deps))
    started = time.time_ns()
    plan = inputs_of(source, base_dir)
    files = {p.relative_to(base_dir).as_posix(): _stat(p) for p in plan.deps.local_files + plan.deps.data_files}
    stamps = [stat[0] for stat in list(files.values()) + list(folders.values()) if stat]
    if all(stamp < started - _RECENT_NS for stamp in stamps) and folders == _folder_stats(base_dir):
        atomic_write(path, json.dumps({
            "code": code, "folders": folders, "files": files, "inputs": plan.inputs, "packages": list(plan.deps.packages),
            "local": [p.relative_to(base_dir).as_posix() for p in plan.deps.local_files],
            "data": [p.relative_to(base_dir).as_posix() for p in plan.deps.data_files],
        }))
    return plan


def _with_versions(inputs: dict, deps: Dependencies) -> tuple[dict, str]:
    fresh = dict(inputs, python=platform.python_version(), ipykernel=installed_version("ipykernel"),
                 packages={name: package_version(name) for name in deps.packages})
    return fresh, cache_key(fresh)


def _code_digest(source: SourceNotebook) -> str:
    cells = [[cell.source, sorted(cell.metadata.get("tags", []))] for cell in source.nb.cells if cell.cell_type == "code"]
    return sha_text(json.dumps([KEPT_VERSION, ENGINE_VERSION, source.kernel, cells]))


def _folder_stats(base_dir: Path) -> dict[str, list[int]]:
    return {Path(top).relative_to(base_dir).as_posix(): _stat(Path(top)) for top, _, _ in os.walk(base_dir)}


def _stat(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_mtime_ns, stat.st_size]


def _read(path: Path) -> dict | None:
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept if isinstance(kept, dict) and isinstance(kept.get("files"), dict) else None
