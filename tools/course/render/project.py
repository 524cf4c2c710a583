"""The final-project page, from the syllabus' project section and the project's milestones (its assignments)."""

from __future__ import annotations

from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.render.env import GeneratedFile, SiteContext, render_page

NAV_TITLE = "Final project"


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.PROJECT,)


def exists(data: CourseData) -> bool:
    return data.course.final_project is not None


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    project = data.course.final_project
    weight = next((g.weight for g in data.course.grading if "project" in g.component.lower()), None)
    milestones = [work for work in data.assignments if work.entry.kind == "project"]
    return [render_page("project.md.j2", urls.PROJECT, title="Final project", project=project,
                        weight=weight, milestones=milestones, bib=data.bibliography)]
