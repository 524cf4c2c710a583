"""Bring every notebook up to date: reuse the cache where the key matches, execute the rest in parallel.

Used by the build (``NotebookStage``) and by ``course notebooks run``.  Failures
are collected; the successful notebooks of the same run are stored before the
single ``CourseDataError`` naming every failure is raised.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from nbformat import NotebookNode

from course.ground.errors import CourseDataError, Problem
from course.notebooks.cache import CacheRecord, NotebookCache, merge_outputs
from course.notebooks.cache_key import cache_key, describe_change, key_inputs, refresh_versions
from course.notebooks.deps import Dependencies, find_dependencies
from course.notebooks.execute import NotebookFailure, execute_notebook
from course.notebooks.source import SourceNotebook

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


@dataclass(frozen=True)
class _Plan:
    source: SourceNotebook
    deps: Dependencies
    inputs: dict
    key: str


def plan_notebook(source: SourceNotebook, base_dir: Path) -> _Plan:
    deps = find_dependencies(source.code_sources(), base_dir)
    inputs = key_inputs(source, deps, base_dir)
    return _Plan(source, deps, inputs, cache_key(inputs))


def cache_status(source: SourceNotebook, cache: NotebookCache, base_dir: Path) -> str:
    """'fresh', or why the notebook would be executed."""
    plan = plan_notebook(source, base_dir)
    record = cache.record(source.name)
    if record is not None and record.key == plan.key:
        return "fresh"
    return describe_change(record.inputs if record else None, plan.inputs)


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
    pending: list[tuple[_Plan, str]] = []
    for plan in (plan_notebook(source, base_dir) for source in sources):
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

    problems: list[Problem] = []
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
                        problems.append(failure.problem)
                        report(NotebookResult(plan.source.name, "failed", None, None, None, reason=reason))
                        continue
                    results[plan.source.name] = result
                    report(result)
            except BaseException:  # Ctrl-C: do not start the notebooks still queued
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        _warn_about_writes(base_dir, before, _snapshot(base_dir))
    if problems:
        raise CourseDataError(problems)
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


def _from_cache(plan: _Plan, cache: NotebookCache) -> NotebookResult | None:
    found = cache.lookup(plan.source.name, plan.key)
    if found is None:
        return None
    record, executed = found
    merged = merge_outputs(plan.source.nb, executed)
    if merged is None:
        return None
    return NotebookResult(
        record.name, "cached", record.seconds, record.peak_mb, cache.notebook_path(record), record.executed_at, nb=merged, deps=plan.deps
    )


def _execute(plan: _Plan, reason: str, cache: NotebookCache, default_timeout: int) -> NotebookResult:
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
