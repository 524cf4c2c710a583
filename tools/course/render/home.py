"""The home page: course facts, the next session, announcements."""

from __future__ import annotations

from ..data.load import CourseData
from . import urls
from .env import GeneratedFile, SiteContext, render_page


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    course = data.course
    return [render_page(
        "home.md.j2", urls.HOME,
        title=f"{course.code}: {course.title}",
        course=course, sessions=data.sessions, announcements=data.announcements,
    )]
