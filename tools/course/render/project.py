"""The final-project page, from the syllabus' project section and the project deadlines."""

from __future__ import annotations

from ..data.load import CourseData
from . import urls
from .env import GeneratedFile, SiteContext, render_page


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    project = data.course.final_project
    if project is None:
        return []
    weight = next((g.weight for g in data.course.grading if "project" in g.component.lower()), None)
    deadlines = [d for d in data.deadlines if "project" in d.id]
    return [render_page("project.md.j2", urls.PROJECT, title="Final project", project=project,
                        weight=weight, deadlines=deadlines, bib=data.bibliography)]
