"""The on-disk cache of the notebooks: every folder the engine writes, and nothing else writes there.

Layout under the cache directory (never inside docs_dir)::

    entries/<name>/record.json     key, key inputs, time, peak memory, date of the last successful run
    entries/<name>/<key>.ipynb     the executed notebook
    entries/<name>/failure.json    the last failed run: its key and its problem (as jupyter-cache keeps tracebacks)
    entries/<name>/kernel.log      the kernel's own stderr from the last run
    artifacts/                     COURSE_ARTIFACTS_DIR for the notebooks (trained models)
    render/<name>.ipynb            the outputs on the current prose, as the page shows them
    render/<name>.made             what the copies were made from, and their stat (unchanged: not made again)
    download/<name>.ipynb          the student's download, with its Colab setup cell
    html/<name>-<hash>.html        the page's HTML of it; html/notebook-*.css the shared stylesheet
    parsed/<name>.json             the notebook's parse, by its text (kept_parse in source.py)
    inputs/<name>.json             its dependencies and their hashes, by their stat (kept_inputs.py)

Every write goes to a temporary file first and is renamed into place, and an
entry is only ever replaced by a successful run of the same notebook, so a
failing or interrupted run never damages another notebook's entry.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from course.ground.keyed_files import atomic_write, write_if_changed

if TYPE_CHECKING:  # nbformat (with jsonschema) is imported where a notebook is read or written: a warm build does neither
    from nbformat import NotebookNode

__all__ = ["CacheRecord", "NotebookCache", "merge_outputs", "atomic_write", "write_if_changed"]


@dataclass(frozen=True)
class CacheRecord:
    name: str
    key: str
    inputs: dict
    seconds: float
    peak_mb: float
    executed_at: str  # ISO 8601, UTC


class NotebookCache:
    def __init__(self, cache_dir: Path):
        self.root = Path(cache_dir)

    @property
    def artifacts_dir(self) -> Path:
        return self.root / "artifacts"

    def entry_dir(self, name: str) -> Path:
        return self.root / "entries" / name

    def kernel_log(self, name: str) -> Path:
        return self.entry_dir(name) / "kernel.log"

    def render_path(self, name: str) -> Path:
        return self.root / "render" / f"{name}.ipynb"

    def download_path(self, name: str) -> Path:
        return self.root / "download" / f"{name}.ipynb"

    def exercises_path(self, name: str) -> Path:
        """The student copy: solutions left out (see ``exercises``)."""
        return self.root / "download" / f"{name}-exercises.ipynb"

    def copies(self, name: str) -> list[Path]:
        """The copies a build makes of a notebook: the page's, the download, the student copy (may be absent)."""
        return [self.render_path(name), self.download_path(name), self.exercises_path(name)]

    def copies_made_from(self, name: str, key: str) -> bool:
        """Whether the copies on disk are those made under ``key``, untouched since (their stat says so)."""
        try:
            return (self.root / "render" / f"{name}.made").read_text(encoding="utf-8") == f"{key} {_stats(self.copies(name))}"
        except OSError:
            return False

    def record_copies(self, name: str, key: str) -> None:
        atomic_write(self.root / "render" / f"{name}.made", f"{key} {_stats(self.copies(name))}")

    def cells_path(self, name: str) -> Path:
        """The notebook's last render, cut into cells (``cells``)."""
        return self.root / "html" / f"{name}.cells.json"

    def html_path(self, name: str, digest: str) -> Path:
        return self.root / "html" / f"{name}-{digest}.html"

    def stylesheet_path(self, theme: str, digest: str) -> Path:
        return self.root / "html" / f"notebook-{theme}-{digest}.css"

    def keep_only_html(self, name: str, current: Path) -> None:
        """Remove the older HTML renderings of a notebook (same name, another hash)."""
        for old in current.parent.glob(f"{name}-*.html"):
            if old != current and old.name[len(name) + 1:-5].isalnum() and len(old.name) == len(current.name):
                old.unlink(missing_ok=True)

    def record_failure(self, name: str, key: str, problem: str) -> None:
        """Keep the failure beside the entry (the last good run stays usable for its own key)."""
        failure = {"key": key, "problem": problem, "failed_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        atomic_write(self.entry_dir(name) / "failure.json", json.dumps(failure, indent=1, sort_keys=True))

    def failure(self, name: str) -> dict | None:
        """The last failed run of a notebook, if it failed after its last success."""
        try:
            return json.loads((self.entry_dir(name) / "failure.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def record(self, name: str) -> CacheRecord | None:
        """The last successful run of a notebook, whatever its key."""
        try:
            data = json.loads((self.entry_dir(name) / "record.json").read_text(encoding="utf-8"))
            return CacheRecord(**data)
        except (OSError, ValueError, TypeError):
            return None

    def notebook_path(self, record: CacheRecord) -> Path:
        return self.entry_dir(record.name) / f"{record.key[:20]}.ipynb"

    def lookup(self, name: str, key: str) -> tuple[CacheRecord, NotebookNode] | None:
        """The executed notebook stored under exactly this key, or None."""
        import nbformat
        record = self.record(name)
        if record is None or record.key != key:
            return None
        try:  # written by ``store``, checked then: read back without nbformat's schema check (most of the read)
            nb = nbformat.v4.reads(self.notebook_path(record).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, AttributeError, KeyError):  # missing, cut short, not a notebook
            return None
        return (record, nb) if isinstance(nb, dict) and nb.get("nbformat") == 4 and isinstance(nb.get("cells"), list) else None

    def store(self, record: CacheRecord, nb: NotebookNode) -> Path:
        """Store a successful run: notebook first, then the record that points at it."""
        import nbformat
        path = self.notebook_path(record)
        atomic_write(path, nbformat.writes(nb))
        atomic_write(self.entry_dir(record.name) / "record.json", json.dumps(asdict(record), indent=1, sort_keys=True))
        for old in path.parent.glob("*.ipynb"):
            if old != path:
                old.unlink(missing_ok=True)
        (self.entry_dir(record.name) / "failure.json").unlink(missing_ok=True)
        return path


def _stats(paths: list[Path]) -> str:
    """Each file's modification time (ns) and size, or - where it is missing."""
    stats = []
    for path in paths:
        try:
            stat = path.stat()
            stats.append(f"{stat.st_mtime_ns}:{stat.st_size}:{stat.st_ino}")
        except OSError:
            stats.append("-")
    return ",".join(stats)


def merge_caches(target: NotebookCache, others: list[NotebookCache]) -> list[str]:
    """Copy the successful runs of ``others`` (the caches of shard jobs) into ``target``; where two hold the same
    notebook, the newer run wins.  Returns the names merged."""
    merged: dict[str, CacheRecord] = {}
    for other in others:
        for entry in sorted((other.root / "entries").glob("*/record.json")):
            record = other.record(entry.parent.name)
            found = other.lookup(record.name, record.key) if record else None
            if found is None or (record.name in merged and merged[record.name].executed_at >= record.executed_at):
                continue
            target.store(*found)
            merged[record.name] = record
    return sorted(merged)


def merge_outputs(current: NotebookNode, executed: NotebookNode) -> NotebookNode | None:
    """The current notebook (its prose) with the outputs of an executed one with the same code cells."""
    merged = copy.deepcopy(current)
    new_code = [cell for cell in merged.cells if cell.cell_type == "code"]
    old_code = [cell for cell in executed.cells if cell.cell_type == "code"]
    if len(new_code) != len(old_code) or any(a.source != b.source for a, b in zip(new_code, old_code)):
        return None
    for new, old in zip(new_code, old_code):
        new.outputs = copy.deepcopy(old.get("outputs", []))
        new.execution_count = old.get("execution_count")
    for field in ("language_info", "widgets"):
        if field in executed.metadata:
            merged.metadata[field] = copy.deepcopy(executed.metadata[field])
    return merged
