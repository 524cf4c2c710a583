"""The syllabus: outcomes, prerequisites, materials, grading, outline."""

from __future__ import annotations

from ..data.load import CourseData
from . import urls
from .env import GeneratedFile, SiteContext, render_page


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    return [render_page("syllabus.md.j2", urls.SYLLABUS, title="Syllabus", course=data.course, bib=data.bibliography)]
