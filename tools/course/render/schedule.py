"""The schedule page (grouped by week) and one page per session."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from markupsafe import Markup

from course.data.fields import WEEKDAYS
from course.data.load import CourseData
from course.data.schedule import week_of_term
from course.ground import urls
from course.ground.layout import Layout
from course.render.env import GeneratedFile, SiteContext, render_page, safe_title

NAV_TITLE = "Schedule"


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.SCHEDULE, "schedule/")


def exists(data: CourseData) -> bool:
    return True


def nav(data: CourseData) -> dict:
    """The schedule's overview, then its sessions grouped by part of the outline (a long part in runs of
    ``NAV_GROUP`` sessions, so that each page's navigation stays short)."""
    loose = [s for s in data.sessions if s.entry.part is None]
    # Runs are sections of a section (the tab's sections are always open): loose sessions get one.
    schedule: list = [urls.SCHEDULE] + (_in_groups(loose) if len(loose) <= NAV_GROUP else [{"Sessions": _in_groups(loose)}])
    for part in data.course.outline:
        sessions = [s for s in data.sessions if s.entry.part == part.id]
        if sessions:
            # Material prints navigation titles without escaping them.
            schedule.append({safe_title(part.title): _in_groups(sessions)})
    return {NAV_TITLE: schedule}


NAV_GROUP = 20  # with navigation.prune, a page's navigation lists the sessions of its own run only


def _in_groups(sessions: list) -> list:
    """The sessions' entries, or runs of them ("Sessions 21\u201340") when there are more than ``NAV_GROUP``."""
    entries = [{safe_title(f"{s.number}. {s.title}"): urls.session_page(s.id)} for s in sessions]
    if len(entries) <= NAV_GROUP:
        return entries
    runs = [(sessions[i:i + NAV_GROUP], entries[i:i + NAV_GROUP]) for i in range(0, len(entries), NAV_GROUP)]
    return [{f"Sessions {run[0].number}\u2013{run[-1].number}": listed} for run, listed in runs]


@dataclass
class Week:
    number: int
    monday: dt.date
    items: list[dict] = field(default_factory=list)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


def assignments_by_session(data: CourseData) -> tuple[dict, dict]:
    """The assignments released, and those due, at each session (by session id)."""
    out, due = defaultdict(list), defaultdict(list)
    for work in data.assignments:
        if work.released_session:
            out[work.released_session.id].append(work)
        if work.due_session:
            due[work.due_session.id].append(work)
    return out, due


def weeks(data: CourseData) -> list[Week]:
    """Sessions, days off and assignments due on a date of their own, in date order, grouped into weeks of term."""
    course = data.course
    items: list[tuple[dt.date, int, dict]] = []
    seen_parts: set[str] = set()
    part_index = {part.id: i + 1 for i, part in enumerate(course.outline)}
    for session in data.sessions:
        part = session.entry.part
        if part is not None and part not in seen_parts:
            seen_parts.add(part)
            items.append((session.date, 0, {"kind": "part", "part": course.part(part), "index": part_index[part]}))
        items.append((session.date, 1, {"kind": "session", "session": session}))
    weekdays = {WEEKDAYS.index(d) for d in course.meetings.days}
    day = course.term.start
    while day <= course.term.end:
        off = course.term.day_off(day)
        if off and day.weekday() in weekdays:
            items.append((day, 1, {"kind": "off", "date": day, "name": off}))
        day += dt.timedelta(days=1)
    for work in data.assignments:
        if work.due_session is None:
            items.append((work.due.date(), 2, {"kind": "due", "assignment": work, "at": work.due}))
    items.sort(key=lambda item: (item[0], item[1]))
    by_week: dict[int, Week] = {}
    for day, _, item in items:
        number = week_of_term(course, day)
        if number not in by_week:
            by_week[number] = Week(number, day - dt.timedelta(days=day.weekday()))
        by_week[number].items.append(item)
    return [by_week[n] for n in sorted(by_week)]


def subscribe_links(site_url: str | None, feed_src: str = urls.CALENDAR) -> tuple[str | None, str | None]:
    """webcal:// and Google Calendar links for a feed, when the site's address is known."""
    if not site_url or not site_url.startswith(("http://", "https://")):
        return None, None
    feed = site_url.rstrip("/") + "/" + feed_src
    webcal = "webcal://" + feed.split("://", 1)[1]
    return webcal, "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe="")


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    notes = {s.id: ctx.hand_written_body(urls.session_page(s.id)) for s in data.sessions}
    notes = {k: v for k, v in notes.items() if v is not None}
    site_url = ctx.site_url
    hw_out, hw_due = assignments_by_session(data)
    presentations = data.presentations.by_session if data.presentations else {}
    webcal, google = subscribe_links(site_url)
    result = [render_page(
        "schedule.md.j2", urls.SCHEDULE, title="Schedule",
        course=data.course, weeks=weeks(data), hw_out=hw_out, hw_due=hw_due, bib=data.bibliography,
        presentations=presentations, webcal=webcal, google=google, has_talks=bool(data.talk_series),
        decks={deck.session_id: deck for deck in ctx.decks},
    )]
    sessions = data.sessions
    for i, session in enumerate(sessions):
        result.append(render_page(
            "session.md.j2", urls.session_page(session.id),
            title=f"{session.number}. {session.title}",
            session=session, course=data.course, part=data.course.part(session.entry.part),
            hw_out=hw_out.get(session.id, []), hw_due=hw_due.get(session.id, []),
            bib=data.bibliography, presentations=presentations.get(session.id, []),
            notes=Markup(notes[session.id]) if session.id in notes else None, deck=ctx.deck(session.id),
            notebook_titles={run.name: run.title for run in ctx.notebooks},
            prev=sessions[i - 1] if i else None, next=sessions[i + 1] if i + 1 < len(sessions) else None,
        ))
    return result
