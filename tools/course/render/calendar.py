"""calendar.ics: every session, talk and deadline as one iCalendar feed.

The bytes are reproducible (same data, same file): UIDs come from record ids,
never from dates or the clock, DTSTAMP is fixed by the data, and events are
written in a stable order.  Times carry their time zone (with VTIMEZONE
definitions); a talk whose time is unknown is an all-day event.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import icalendar

from ..data.load import CourseData
from . import urls
from .talks import talk_datetimes, talk_heading


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date | None = None
    description: str | None = None
    location: str | None = None
    url: str | None = None
    cancelled: bool = False
    categories: tuple[str, ...] = ()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def events(data: CourseData, site_url: str | None = None) -> list[Event]:
    """Every dated thing in the course, as calendar events."""
    course = data.course
    domain = _slug(f"{course.code} {course.title}")

    def page(src: str) -> str | None:
        return site_url.rstrip("/") + "/" + urls.page_url(src) if site_url else None

    result: list[Event] = []
    for s in data.sessions:
        result.append(Event(
            uid=f"session-{s.id}@{domain}",
            summary=f"{course.code}: {s.number}. {s.title}",
            start=s.start, end=s.end, description=s.entry.summary, location=course.meetings.location,
            url=page(urls.session_page(s.id)), cancelled=s.cancelled, categories=("Lecture",),
        ))
    by_id = {s.id: s for s in data.sessions}
    for work in data.homework:
        due = by_id.get(work.due)
        if due is not None:
            result.append(Event(
                uid=f"homework-{work.id}@{domain}", summary=f"{course.code}: due: {work.title}",
                start=due.start, description=work.description or "Due at the beginning of class.",
                url=page(urls.session_page(due.id)), categories=("Deadline",),
            ))
    for deadline in data.deadlines:
        at = dt.datetime.combine(deadline.date, deadline.time, data.course_zone)
        result.append(Event(
            uid=f"deadline-{deadline.id}@{domain}", summary=f"{course.code}: {deadline.title}",
            start=at, description=deadline.description, url=page(urls.SCHEDULE), categories=("Deadline",),
        ))
    for ts in data.talk_series:
        for talk in ts.talks:
            start, end = talk_datetimes(ts.series, talk)
            speakers = ", ".join(s.name for s in talk.speakers)
            result.append(Event(
                uid=f"talk-{ts.series.id}-{talk.id}@{domain}",
                summary=f"{ts.series.title}: {talk_heading(talk)}" + (f" ({speakers})" if speakers and not talk.tbd else ""),
                start=start or talk.date, end=end if start else talk.date + dt.timedelta(days=1),
                description=talk.abstract, location="Zoom" if talk.format == "zoom" else ts.series.location,
                url=page(urls.talk_page(ts.series.id, talk.id)), categories=("Talk",),
            ))
    for event in data.extras.get("calendar_events", ()):  # contributed by later stages (sign-ups)
        result.append(event)
    return result


def render(data: CourseData, site_url: str | None = None) -> bytes:
    course = data.course
    cal = icalendar.Calendar()
    cal.add("prodid", "-//course-site//Course calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{course.code}: {course.title}")
    cal.add("x-wr-timezone", course.term.timezone)
    # DTSTAMP must be present; a fixed value derived from the data keeps the bytes reproducible.
    stamp = dt.datetime.combine(course.term.start, dt.time(0, 0), dt.timezone.utc)
    all_events = sorted(events(data, site_url), key=lambda e: (_sort_key(e.start), e.uid))
    for event in all_events:
        item = icalendar.Event()
        item.add("uid", event.uid)
        item.add("dtstamp", stamp)
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
