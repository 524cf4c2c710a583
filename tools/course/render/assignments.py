"""The assignments index (by due date: what is due next first, past ones marked in the reader's browser) and
one page per assignment, with the instructions from ``content/assignments/<id>.md`` after its facts."""

from __future__ import annotations

from course.data.load import CourseData
from course.data.schedule import notebook_sessions
from course.ground import urls
from course.ground.layout import Layout
from course.render.env import GeneratedFile, SiteContext, render_page

NAV_TITLE = "Assignments"
KINDS = {"homework": "Homework", "project": "Project", "quiz": "Quiz", "exam": "Exam", "other": "Assignment"}


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.ASSIGNMENTS, "assignments/")


def exists(data: CourseData) -> bool:
    return bool(data.assignments)


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    shared = dict(course=data.course, kinds=KINDS, bib=data.bibliography)
    result = [render_page("assignments_index.md.j2", urls.ASSIGNMENTS, title="Assignments",
                          assignments=data.assignments, **shared)]
    shows = notebook_sessions(data.sessions)  # an assignment links to each notebook where a session shows it
    for work in data.assignments:
        result.append(render_page(
            "assignment.md.j2", urls.assignment_page(work.id), title=work.title, work=work,
            notebooks=[(name, shows.get(name)) for name in work.entry.notebooks], **shared,
        ))
    return result
