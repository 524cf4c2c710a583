"""The talks index and one page per talk."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ..data.load import CourseData
from ..data.talks import talk_times
from . import urls
from .env import GeneratedFile, SiteContext, render_page


def talk_datetimes(series, talk) -> tuple[dt.datetime | None, dt.datetime | None]:
    start, end = talk_times(series, talk)
    zone = ZoneInfo(series.timezone)
    return (dt.datetime.combine(talk.date, start, zone) if start else None,
            dt.datetime.combine(talk.date, end, zone) if start and end else None)


def talk_heading(talk) -> str:
    if talk.tbd:
        names = ", ".join(s.name for s in talk.speakers) or "speaker to be announced"
        return f"TBD ({names})"
    return talk.title


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    if not data.talk_series:
        return []
    result = [render_page("talks_index.md.j2", urls.TALKS, title="Talks", series=data.talk_series)]
    for ts in data.talk_series:
        for talk in ts.talks:
            start, end = talk_datetimes(ts.series, talk)
            result.append(render_page(
                "talk.md.j2", urls.talk_page(ts.series.id, talk.id),
                title=talk_heading(talk), heading=talk_heading(talk),
                ts=ts, t=talk, start=start, end=end, bib=data.bibliography,
            ))
    return result
