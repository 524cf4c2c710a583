"""The Notebooks page: every notebook under its own title, in course order, with its session, its
download, and how its outputs were made in this build (cache status, time, peak memory)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import datetime, timezone

from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.render.env import GeneratedFile, NotebookRun, SiteContext, render_page

NAV_TITLE = "Notebooks"
CACHE_STATUS = {"cached": "hit", "executed": "miss", "not-run": "not run (execution off)", "failed": "failed"}


@dataclass(frozen=True)
class Row:
    """One notebook in the table, every figure already in words."""

    run: NotebookRun
    session: str  # "6. Attention heads", or "–"
    session_link: str  # a Markdown link target (the session page's source), or ""
    cache: str
    time: str
    memory: str
    executed: str


def paths(layout: Layout) -> tuple[str, ...]:
    folder = layout.notebooks_site_dir
    return (f"{folder}/index.md", f"{folder}/")


def exists(data: CourseData) -> bool:
    return any(s.entry.notebook for s in data.sessions)


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    src = paths(data.layout)[0]
    sessions = {s.entry.notebook: s for s in data.sessions if s.entry.notebook}
    course_order = {name: i for i, name in enumerate(sessions)}  # the schedule's order, unlinked ones last
    runs = sorted(ctx.notebooks, key=lambda run: (course_order.get(run.name, len(course_order)), run.name))
    rows = [_row(run, sessions.get(run.name), src) for run in runs]
    executed = [run for run in ctx.notebooks if run.status == "executed"]
    built_at = ctx.built_at or datetime.now(timezone.utc)
    return [render_page("notebooks.md.j2", src, title="Notebooks", rows=rows, built_at=built_at,
                        executed=len(executed), kernel_seconds=f"{sum(run.seconds or 0 for run in executed):.1f}")]


def _row(run: NotebookRun, session, page_src: str) -> Row:
    status = CACHE_STATUS.get(run.status, run.status)
    if run.status == "executed" and run.reason:
        status += f" ({run.reason})"
    # A Markdown link to the page's source, which MkDocs checks and turns into the page's URL.
    link = posixpath.relpath(urls.session_page(session.id), posixpath.dirname(page_src)) if session else ""
    return Row(
        run, f"{session.number}. {session.title}" if session else "–", link, status,
        f"{run.seconds:.1f} s" if run.seconds is not None else "–",
        f"{run.peak_mb:.0f} MB" if run.peak_mb else "–",
        run.executed_at.replace("T", " ")[:16] if run.executed_at else "–",
    )
