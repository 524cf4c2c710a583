"""calendar.ics: every event of ``course.link.events`` as one iCalendar feed.

The bytes are reproducible (same data, same file): UIDs come from record ids,
never from dates or the clock, DTSTAMP is fixed by the data, and events are
written in a stable order.  Times carry their time zone (with VTIMEZONE
definitions); a talk whose time is unknown is an all-day event.
"""

from __future__ import annotations

import datetime as dt

import icalendar

from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.link.events import events, series_events
from course.render.env import GeneratedFile, SiteContext


NAV_TITLE = None


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.CALENDAR,)


def exists(data: CourseData) -> bool:
    return True


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    files = [GeneratedFile(urls.CALENDAR, render(data, ctx.site_url))]
    files += [GeneratedFile(urls.talk_calendar(ts.series.id), render_series(data, ts, ctx.site_url)) for ts in data.talk_series]
    return files


def render(data: CourseData, site_url: str | None = None) -> bytes:
    """The term's calendar: its sessions, assignments and presentations."""
    course = data.course
    return _calendar(f"{course.code}: {course.title}", course.term.timezone, events(data, site_url), data.data_time)


def render_series(data: CourseData, ts, site_url: str | None = None) -> bytes:
    """One talk series' calendar."""
    return _calendar(ts.series.title, ts.series.timezone, series_events(data, ts, site_url), data.data_time)


def _calendar(name: str, zone: str, found: list, stamp: dt.datetime) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//course-site//Course calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone)
    all_events = sorted(found, key=lambda e: (_sort_key(e.start), e.uid))
    for event in all_events:
        item = icalendar.Event()
        item.add("uid", event.uid)
        item.add("dtstamp", stamp)
        if event.sequence:
            item.add("sequence", event.sequence)
        item.add("summary", event.summary)
        item.add("dtstart", event.start)
        if event.end is not None:
            item.add("dtend", event.end)
        if event.description:
            item.add("description", " ".join(event.description.split()) + (f"\n\n{event.url}" if event.url else ""))
        elif event.url:
            item.add("description", event.url)
        if event.location:
            item.add("location", event.location)
        if event.url:
            item.add("url", event.url)
        if event.categories:
            item.add("categories", list(event.categories))
        item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        cal.add_component(item)
    if all_events:  # VTIMEZONE rules only for the years the events span, to keep the file small
        years = [_sort_key(e.start)[0].year for e in all_events]
        cal.add_missing_timezones(dt.date(min(years), 1, 1), dt.date(max(years) + 1, 1, 1))
        # icalendar adds them in set order, which changes with Python's hash seed: sort them by TZID
        zones = sorted((c for c in cal.subcomponents if c.name == "VTIMEZONE"), key=lambda zone: str(zone["TZID"]))
        cal.subcomponents[:] = zones + [c for c in cal.subcomponents if c.name != "VTIMEZONE"]
    return cal.to_ical()


def _sort_key(value: dt.datetime | dt.date) -> tuple:
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.timezone.utc).replace(tzinfo=None),)
    return (dt.datetime.combine(value, dt.time(0, 0)),)
