"""Bring every notebook up to date: reuse the cache where the key matches, execute the rest in parallel.

Used by the build (``NotebookStage``) and by ``course notebooks run``.  A failure
is data: its result carries the problem, which the cache records beside the
notebook's last good run; the successful notebooks of the same run are stored,
and ``raise_failures`` then raises one ``CourseDataError`` naming every failure.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from course.ground.errors import CourseDataError, Problem
from course.ground.layout import Layout
from course.notebooks.cache import CacheRecord, NotebookCache, merge_outputs
from course.notebooks.execute import NotebookFailure, execute_notebook
from course.notebooks.inputs import Dependencies, Inputs, describe_change, inputs_of
from course.notebooks.kept_inputs import kept_inputs_of
from course.notebooks import cache as cache_module, source as source_module
from course.notebooks.versions import installed_version, refresh_versions
from course.notebooks.source import SourceNotebook, read_notebook

if TYPE_CHECKING:  # nbformat (with jsonschema) is imported where a notebook is read or written: a warm build does neither
    from nbformat import NotebookNode

log = logging.getLogger("mkdocs.plugins.course.notebooks")


@dataclass(frozen=True)
class NotebookResult:
    name: str
    status: str  # 'executed' | 'cached' | 'not-run' (execution off, nothing cached) | 'failed'
    seconds: float | None  # wall time of the run that produced the outputs
    peak_mb: float | None  # peak memory of its kernel
    path: Path | None  # the executed notebook in the cache
    executed_at: str | None = None  # ISO 8601 UTC date of that run
    reason: str = ""  # why it was executed ("code cell 3 changed", "forced")
    nb: NotebookNode | None = field(default=None, repr=False, compare=False)  # outputs on the current prose
    deps: Dependencies | None = field(default=None, repr=False, compare=False)
    problem: Problem | None = None  # why a failed run failed
    # What ``nb`` is made of, where that is cheaper to name than the notebook itself (a warm build keys the
    # notebook's copies on it, instead of serialising megabytes of outputs): the cached run and the source's text.
    made_of: str | None = field(default=None, repr=False, compare=False)


class Notebooks:
    """A project's notebooks, as its layout places them: read them, and bring them up to date."""

    def __init__(self, layout: Layout, *, execute: bool | None = None, timeout: int | None = None, jobs: int | None = None):
        self.layout = layout
        self.folder = layout.notebooks
        self.cache = NotebookCache(layout.cache / "notebooks")
        self.execute = layout.execute_notebooks if execute is None else execute
        self.timeout = timeout or layout.notebook_timeout
        self.jobs = jobs

    def sources(self, names: list[str] | None = None) -> list[SourceNotebook]:
        """Read the notebooks (all, or those named); an unknown name is a ``CourseDataError``."""
        available = {path.stem: path for path in self.layout.notebook_files()}
        unknown = [name for name in names or [] if name not in available]
        if unknown:
            where = self.layout.show(self.folder)
            listed = ", ".join(sorted(available)) or "none"
            raise CourseDataError([Problem(where, 0, 0, f"no notebook named '{name}' in {where}; available: {listed}") for name in unknown])
        problems, sources = [], []
        for name in list(dict.fromkeys(names)) if names else sorted(available):
            try:
                sources.append(read_notebook(available[name], self.layout.root, parsed=self.cache.root / "parsed"))
            except CourseDataError as error:
                problems.extend(error.problems)
        if problems:
            raise CourseDataError(problems)
        return sources

    def run(self, sources: list[SourceNotebook] | None = None, *, force: bool = False, on_result=None) -> list[NotebookResult]:
        """Bring the notebooks (all, or ``sources``) up to date: every result, failures included
        (``raise_failures`` raises them)."""
        return run_notebooks(self.sources() if sources is None else sources, cache=self.cache, base_dir=self.folder, timeout=self.timeout,
                             jobs=self.jobs, force=force, execute=self.execute, on_result=on_result)

    def status(self, source: SourceNotebook) -> str:
        """'fresh', or why the notebook would be executed."""
        plan = inputs_of(source, self.folder)
        record = self.cache.record(source.name)
        if record is not None and record.key == plan.key:
            return "fresh"
        return describe_change(record.inputs if record else None, plan.inputs)


def shard(sources: list[SourceNotebook], index: int, count: int) -> list[SourceNotebook]:
    """The notebooks of shard ``index`` (1-based) of ``count``: a notebook's shard depends on its name only, so
    adding or removing one moves no other."""
    return [s for s in sources if int(hashlib.sha256(s.name.encode("utf-8")).hexdigest(), 16) % count == index - 1]


def raise_failures(results: list[NotebookResult]) -> None:
    problems = [result.problem for result in results if result.problem is not None]
    if problems:
        raise CourseDataError(problems)


def run_notebooks(
    sources: list[SourceNotebook],
    *,
    cache: NotebookCache,
    base_dir: Path,
    timeout: int,
    jobs: int | None = None,
    force: bool = False,
    execute: bool = True,
    on_result: Callable[[NotebookResult], None] | None = None,
) -> list[NotebookResult]:
    refresh_versions()
    report = on_result or (lambda result: None)
    results: dict[str, NotebookResult] = {}
    pending: list[tuple[Inputs, str]] = []
    for plan in (kept_inputs_of(source, base_dir, cache.root / "inputs") for source in sources):
        hit = None if force else _from_cache(plan, cache)
        if hit is not None:
            results[plan.source.name] = hit
            report(hit)
            continue
        record = cache.record(plan.source.name)
        reason = "forced" if force else describe_change(record.inputs if record else None, plan.inputs)
        if execute:
            pending.append((plan, reason))
        else:
            results[plan.source.name] = NotebookResult(plan.source.name, "not-run", None, None, None, reason=reason, nb=plan.source.nb, deps=plan.deps)
            report(results[plan.source.name])

    if pending:
        before = _snapshot(base_dir)
        workers = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notebook") as pool:
            futures = {pool.submit(_execute, plan, reason, cache, timeout): (plan, reason) for plan, reason in pending}
            try:
                for future in as_completed(futures):
                    plan, reason = futures[future]
                    try:
                        result = future.result()
                    except NotebookFailure as failure:
                        cache.record_failure(plan.source.name, plan.key, str(failure.problem))
                        result = NotebookResult(plan.source.name, "failed", None, None, None, reason=reason,
                                                deps=plan.deps, problem=failure.problem)
                    results[plan.source.name] = result
                    report(result)
            except BaseException:  # Ctrl-C: do not start the notebooks still queued
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        _warn_about_writes(base_dir, before, _snapshot(base_dir))
    return [results[source.name] for source in sources]


def _warn_about_writes(base_dir: Path, before: dict, after: dict) -> None:
    changed = sorted(path for path in set(before) | set(after) if before.get(path) != after.get(path))
    if changed:
        log.warning(
            "notebooks wrote into %s (inside docs_dir, `mkdocs serve` would rebuild): %s; "
            "write to os.environ['COURSE_ARTIFACTS_DIR'] instead",
            base_dir, ", ".join(changed[:10]),
        )


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its modification time and size."""
    state = {}
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                stat = path.stat()
                state[path.relative_to(folder).as_posix()] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            pass
    return state


def _from_cache(plan: Inputs, cache: NotebookCache) -> NotebookResult | None:
    found = cache.lookup(plan.source.name, plan.key)
    if found is None:
        return None
    record, executed = found
    merged = merge_outputs(plan.source.nb, executed)
    if merged is None:
        return None
    path = cache.notebook_path(record)
    return NotebookResult(
        record.name, "cached", record.seconds, record.peak_mb, path, record.executed_at, nb=merged, deps=plan.deps,
        made_of=_made_of(path, plan.source),
    )


def _made_of(executed: Path, source: SourceNotebook) -> str | None:
    """The executed notebook's file (written once under its key; its stat says it is the same) and the source's
    text, with the versions of what parses the text and merges the two."""
    try:
        stat = executed.stat()
    except OSError:
        return None
    made_of = f"{executed.resolve()} {stat.st_mtime_ns} {stat.st_size} {_merging_code()}\n" + "\n".join(source.lines)
    return hashlib.sha256(made_of.encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=1)
def _merging_code() -> str:
    code = "".join(Path(module.__file__).read_text(encoding="utf-8") for module in (cache_module, source_module))
    return hashlib.sha256(f"{installed_version('jupytext')} {installed_version('nbformat')}\n{code}".encode()).hexdigest()


def _execute(plan: Inputs, reason: str, cache: NotebookCache, default_timeout: int) -> NotebookResult:
    name = plan.source.name
    log.info("notebook %s: executing (%s)", name, reason)
    execution = execute_notebook(
        plan.source,
        timeout=plan.source.timeout or default_timeout,
        artifacts_dir=cache.artifacts_dir,
        log_path=cache.kernel_log(name),
        packages=plan.deps.packages,
    )
    record = CacheRecord(
        name=name,
        key=plan.key,
        inputs=plan.inputs,
        seconds=execution.seconds,
        peak_mb=execution.peak_mb,
        executed_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    path = cache.store(record, execution.nb)
    log.info("notebook %s: executed in %.1f s, peak %.0f MB", name, execution.seconds, execution.peak_mb)
    return NotebookResult(name, "executed", execution.seconds, execution.peak_mb, path, record.executed_at, reason, execution.nb, plan.deps)
