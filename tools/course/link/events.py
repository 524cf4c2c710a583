"""Every dated thing in the course as a calendar event: the term's sessions, assignments and presentations, and
each talk series' talks (in a feed of their own).

UIDs come from record ids, never from dates or the clock, so a calendar
client updates an event when its date moves instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from course.data.load import CourseData
from course.data.talks import talk_datetimes
from course.ground import urls
from course.ground.words import slug, term_id

DUE_SPAN = dt.timedelta(minutes=30)  # how long before its deadline an assignment's event starts


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
    # How often the event was revised: a build keeps no history, so the revisions are the ones the data shows
    # (a session moved to a pinned date, a session cancelled); each only ever adds 1 during a term.
    sequence: int = 0
    categories: tuple[str, ...] = ()


def events(data: CourseData, site_url: str | None = None) -> list[Event]:
    """Every dated thing in the course, as calendar events (``site_url`` makes their links absolute)."""
    course = data.course
    # The term is part of every UID: after a rollover, last term's events are not this term's, moved.
    domain = f"{term_id(course.term.name, course.term.start)}.{slug(f'{course.code} {course.title}')}"

    def page(src: str) -> str | None:
        return _absolute(site_url, src)

    result: list[Event] = []
    for s in data.sessions:
        result.append(Event(
            uid=f"session-{s.id}@{domain}",
            summary=f"{course.code}: {s.number}. {s.title}",
            start=s.start, end=s.end, description=s.entry.summary, location=course.meetings.location,
            url=page(urls.session_page(s.id)), cancelled=s.cancelled, categories=("Lecture",),
            sequence=int(s.entry.date is not None) + int(s.cancelled),
        ))
    for work in data.assignments:
        # A deadline is a moment; a calendar shows a span: the half hour before it, ending when it is due.
        description = work.entry.summary or ("Due at the beginning of class." if work.due_session else None)
        result.append(Event(
            uid=f"assignment-{work.id}@{domain}", summary=f"{course.code}: due: {work.title}",
            start=work.due - DUE_SPAN, end=work.due, description=description,
            url=page(urls.assignment_page(work.id)), categories=("Deadline",),
        ))
    result += _presentation_events(data, domain)
    return result


def series_events(data: CourseData, ts, site_url: str | None = None) -> list[Event]:
    """A talk series' own feed: a series has its own dates (CS25 V4 took place in 2024), not the term's."""
    domain = slug(f"{data.course.code} {data.course.title}")
    result = []
    for talk in ts.talks:
        start, end = talk_datetimes(ts.series, talk)
        speakers = ", ".join(s.name for s in talk.speakers)
        result.append(Event(
            uid=f"talk-{ts.series.id}-{talk.id}@{domain}",
            summary=f"{ts.series.title}: {talk.heading}" + (f" ({speakers})" if speakers and not talk.tbd else ""),
            start=start or talk.date, end=end if start else talk.date + dt.timedelta(days=1),
            description=talk.abstract, location="Zoom" if talk.format == "zoom" else ts.series.place,
            url=_absolute(site_url, urls.talk_page(ts.series.id, talk.id)), categories=("Talk",),
        ))
    return result


def _absolute(site_url: str | None, src: str) -> str | None:
    return site_url.rstrip("/") + "/" + urls.page_url(src) if site_url else None


def _presentation_events(data: CourseData, domain: str) -> list[Event]:
    if data.presentations is None:
        return []
    course, bib = data.course, data.bibliography
    found, seen = [], set()
    for talk in data.presentations.talks:
        paper = bib.get(talk.key) if bib else None
        title = paper.title if paper else talk.key
        uid = f"presentation-{talk.slot}-{urls.paper_slug(talk.key)}"
        n = 1
        while f"{uid}-{n}" in seen:  # several presenters of one paper in one slot
            n += 1
        seen.add(f"{uid}-{n}")
        found.append(Event(
            uid=f"{uid}{'' if n == 1 else f'-{n}'}@{domain}",
            summary=f"{course.code}: {talk.presenter} presents \u201c{title}\u201d",
            start=talk.start, end=talk.end,
            description=f"Paper presentation ({paper.label if paper else talk.key}).",
            location=course.meetings.location,
            categories=("Presentation",),
        ))
    return found
