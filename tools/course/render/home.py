"""The home page: course facts, the next session, announcements."""

from __future__ import annotations

from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.render.env import GeneratedFile, SiteContext, render_page

NAV_TITLE = "Home"


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.HOME,)


def exists(data: CourseData) -> bool:
    return True


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    course = data.course
    return [render_page(
        "home.md.j2", urls.HOME,
        title=None,  # the site's name is the home page's title: "<title> - <site name>" would say it twice
        course=course, sessions=data.sessions, announcements=data.announcements, assignments=data.assignments,
    )]
