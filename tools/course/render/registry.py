"""Every page kind of the site, in navigation order: one line each.

A page kind is a module with ``NAV_TITLE`` (its tab, or None), ``paths(layout)``
(its main page first, then any folder it writes pages into, ending in "/"),
``exists(data)`` and ``pages(data, ctx)``, and its template(s).  Generation,
the navigation and "is this page the generator's" all come from this list.
"""

from __future__ import annotations

from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.render import (assignments, authors, calendar, episodes, feed, home, notebook_runs, notebooks, papers,
                           presentations, project, readings, schedule, syllabus, syllabus_pdf, talks, terms)
from course.render.env import GeneratedFile, SiteContext

PAGE_KINDS = (
    home,
    syllabus,
    syllabus_pdf,
    schedule,
    assignments,
    readings,
    notebooks,
    notebook_runs,
    presentations,
    talks,
    episodes,
    project,
    terms,
    papers,
    authors,
    calendar,
    feed,
)


def generate(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    """Every generated file.  A hand-written page at a generated page's path is merged into it: session
    notes go under "Lecture notes" (the session template places them); other pages get the hand-written
    text after the generated part."""
    files = [file for kind in PAGE_KINDS if kind.exists(data) for file in kind.pages(data, ctx)]
    placed_by_template = {urls.session_page(s.id) for s in data.sessions}
    merged = []
    for file in files:
        body = ctx.hand_written_body(file.src)
        if body is not None and file.src not in placed_by_template and isinstance(file.content, str):
            file = GeneratedFile(file.src, file.content.rstrip() + "\n\n" + body)
        merged.append(file)
    return merged


def is_generated(src: str, layout: Layout) -> bool:
    """Whether the page ``src`` (a path in docs_dir) belongs to the generator rather than to its author:
    a hand-written page there is merged into a generated one, never listed in the navigation by itself."""
    for kind in PAGE_KINDS:
        for path in kind.paths(layout):
            if src == path or (path.endswith("/") and src.startswith(path)):
                return True
    return False


def folder_pages(data: CourseData) -> list[str]:
    """The generated pages listed in their folder's section of the navigation, with the hand-written pages
    there (``IN_FOLDER_NAV``: About > Notebook runs, beside About > Benchmarks)."""
    return [kind.paths(data.layout)[0] for kind in PAGE_KINDS if getattr(kind, "IN_FOLDER_NAV", False) and kind.exists(data)]


def nav_entries(data: CourseData) -> list:
    """The navigation's entries for the page kinds this course has, in order."""
    entries = []
    for kind in PAGE_KINDS:
        if kind.NAV_TITLE and kind.exists(data):
            custom = getattr(kind, "nav", None)
            entries.append(custom(data) if custom else {kind.NAV_TITLE: kind.paths(data.layout)[0]})
    return entries
