"""The syllabus: outcomes, prerequisites, materials, grading, outline."""

from __future__ import annotations

from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.render.env import GeneratedFile, SiteContext, render_page

NAV_TITLE = "Syllabus"


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.SYLLABUS,)


def exists(data: CourseData) -> bool:
    return True


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    return [render_page("syllabus.md.j2", urls.SYLLABUS, title="Syllabus", course=data.course, bib=data.bibliography)]
