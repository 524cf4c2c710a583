"""About > Notebook runs: how this build made each notebook's outputs (cache hit or run, and why; time,
peak memory, when), for instructors and the curious; students find the notebooks on the Notebooks tab."""

from __future__ import annotations

from datetime import datetime, timezone

from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.render import notebooks
from course.render.env import GeneratedFile, NotebookRun, SiteContext, render_page

NAV_TITLE = None
IN_FOLDER_NAV = True  # listed in its folder's section (About), beside the hand-written pages there
CACHE_STATUS = {"cached": "hit", "executed": "miss", "not-run": "not run (execution off)", "failed": "failed"}


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.NOTEBOOK_RUNS,)


def exists(data: CourseData) -> bool:
    return notebooks.exists(data)


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    executed = [run for run in ctx.notebooks if run.status == "executed"]
    return [render_page(
        "notebook_runs.md.j2", urls.NOTEBOOK_RUNS, title="Notebook runs", entries=notebooks.entries(data, ctx),
        folder=notebooks.paths(data.layout)[1], cache=cache_status, built_at=ctx.built_at or datetime.now(timezone.utc),
        executed=len(executed), kernel_seconds=f"{sum(run.seconds or 0 for run in executed):.1f}",
    )]


def cache_status(run: NotebookRun) -> str:
    status = CACHE_STATUS.get(run.status, run.status)
    return f"{status} ({run.reason})" if run.status == "executed" and run.reason else status
