"""The Notebooks tab: a catalogue for students, every notebook in course order with what it does, the
session that shows it, its exercises, and where to open or download it (full or student copy)."""

from __future__ import annotations

from dataclasses import dataclass

from course.data.load import CourseData
from course.data.schedule import notebook_sessions
from course.ground import urls
from course.ground.layout import Layout
from course.render.env import GeneratedFile, NotebookRun, SiteContext, render_page

NAV_TITLE = "Notebooks"


@dataclass(frozen=True)
class Entry:
    """One notebook where the catalogue and the execution report list it."""

    run: NotebookRun
    session: str  # "6. Attention heads", or "–"
    session_src: str  # the source of the session page that shows it, or ""
    anchor: str  # its section there

    @property
    def session_link(self) -> bool:
        return bool(self.session_src)


def paths(layout: Layout) -> tuple[str, ...]:
    folder = layout.notebooks_site_dir
    return (f"{folder}/index.md", f"{folder}/")


def exists(data: CourseData) -> bool:
    return any(s.entry.notebooks for s in data.sessions)


def entries(data: CourseData, ctx: SiteContext) -> list[Entry]:
    """Every notebook run in this build, in the schedule's order (unshown ones last)."""
    sessions = notebook_sessions(data.sessions)
    order = {name: i for i, name in enumerate(sessions)}
    runs = sorted(ctx.notebooks, key=lambda run: (order.get(run.name, len(order)), run.name))
    return [_entry(run, sessions.get(run.name)) for run in runs]


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    return [render_page("notebooks.md.j2", paths(data.layout)[0], title="Notebooks", entries=entries(data, ctx),
                        folder=paths(data.layout)[1], runs_page=urls.NOTEBOOK_RUNS)]


def _entry(run: NotebookRun, session) -> Entry:
    if session is None:
        return Entry(run, "–", "", "")
    return Entry(run, f"{session.number}. {session.title}", urls.session_page(session.id), urls.notebook_anchor(run.name))
