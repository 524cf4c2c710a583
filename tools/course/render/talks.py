"""The talks index and one page per talk."""

from __future__ import annotations

from course.data.load import CourseData
from course.data.talks import talk_datetimes
from course.ground import urls
from course.ground.layout import Layout
from course.render.env import GeneratedFile, SiteContext, render_page
from course.render.schedule import subscribe_links

NAV_TITLE = "Talks"


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.TALKS, "talks/")


def exists(data: CourseData) -> bool:
    return bool(data.talk_series)


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    feeds = {ts.series.id: subscribe_links(ctx.site_url, urls.talk_calendar(ts.series.id)) for ts in data.talk_series}
    result = [render_page("talks_index.md.j2", urls.TALKS, title="Talks", all_series=data.talk_series, feeds=feeds)]
    for ts in data.talk_series:
        for talk in ts.talks:
            start, end = talk_datetimes(ts.series, talk)
            result.append(render_page(
                "talk.md.j2", urls.talk_page(ts.series.id, talk.id),
                title=talk.heading, heading=talk.heading,
                talk_series=ts, talk=talk, start=start, end=end, bib=data.bibliography,
            ))
    return result
