"""The session schedule (readings/schedule.yml) and how sessions get their dates.

Instructors list sessions in teaching order; dates are laid onto the meeting
pattern (e.g. Tue/Thu) from the start of term, skipping holidays and breaks.
A session may pin a date (a make-up class) and may be cancelled (it keeps its
date, so later sessions do not shift when a class is called off).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from .course import Course
from .fields import WEEKDAYS, BibKey, Date, Line, Link, Paragraphs, Record, Slug, Url


class SessionEntry(Record):
    """A session as written in schedule.yml."""

    id: Slug
    title: Line
    part: Slug | None = None  # an outline id from course.yml
    summary: Paragraphs | None = None
    readings: tuple[BibKey, ...] = ()
    further_reading: tuple[BibKey, ...] = ()
    slides: Url | None = None
    notebooks: tuple[Slug, ...] = ()  # content/notebooks/<name>.py, shown on the page in this order
    notebook: SkipJsonSchema[str | None] = None  # the old single-notebook key: only read to say how to write it
    links: tuple[Link, ...] = ()
    date: Date | None = None  # pin this session to a date instead of the next meeting day
    cancelled: bool = False
    note: Line | None = None  # e.g. "Guest lecture" or why a class is cancelled

    @field_validator("notebook")
    @classmethod
    def _one_notebook_is_a_list(cls, name):
        if name is not None:
            raise ValueError(f"the key is now 'notebooks', a list (a session may show several): write notebooks: [{name}]")
        return name


class ScheduleFile(Record):
    sessions: tuple[SessionEntry, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data):
        moved = [key for key in ("homework", "deadlines") if isinstance(data, dict) and key in data]
        if moved:
            raise ValueError(f"{' and '.join(repr(k) for k in moved)} are now assignments, in readings/assignments.yml "
                             "(see the README's 'Add an assignment'); move them there")
        return data


class FromEntry:
    """A record worked out from an entry of a data file: its id and title are the entry's."""

    entry: SessionEntry

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def title(self) -> str:
        return self.entry.title


@dataclass(frozen=True)
class Session(FromEntry):
    """A session with its place in the term worked out."""

    entry: SessionEntry
    index: int  # position in schedule.yml (0-based), for error messages
    number: int  # 1-based lecture number
    date: dt.date
    week: int  # 1-based week of term
    start: dt.datetime  # aware, in the course time zone
    end: dt.datetime

    @property
    def cancelled(self) -> bool:
        return self.entry.cancelled


@dataclass(frozen=True)
class Slip:
    """A session that could not be placed: its index and why."""

    index: int
    field: str
    message: str


def meeting_days(course: Course) -> list[dt.date]:
    """Every meeting day of the term, holidays and breaks left out."""
    term, weekdays = course.term, {WEEKDAYS.index(day) for day in course.meetings.days}
    days, day = [], term.start
    while day <= term.end:
        if day.weekday() in weekdays and term.day_off(day) is None:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def week_of_term(course: Course, day: dt.date) -> int:
    first_monday = course.term.start - dt.timedelta(days=course.term.start.weekday())
    return (day - first_monday).days // 7 + 1


def lay_out(course: Course, entries: tuple[SessionEntry, ...]) -> tuple[list[Session], list[Slip]]:
    """Give each session its date: pinned, or the next free meeting day after the previous session."""
    free = meeting_days(course)
    zone = ZoneInfo(course.term.timezone)
    sessions: list[Session] = []
    slips: list[Slip] = []
    taken: dict[dt.date, str] = {}
    previous: dt.date | None = None
    number = 0
    for index, entry in enumerate(entries):
        if entry.date is not None:
            day = entry.date
            problem = _pinned_problem(course, day, previous, taken)
            if problem:
                slips.append(Slip(index, "date", problem))
                continue
        else:
            later = [d for d in free if (previous is None or d > previous) and d not in taken]
            if not later:
                slips.append(Slip(index, "id", (
                    f"session {entry.id!r} does not fit in the term: no meeting day is left after "
                    f"{previous or course.term.start}; remove a session, or move the term's end ({course.term.end})"
                )))
                continue
            day = later[0]
        taken[day] = entry.id
        previous = day
        number += 1
        start = dt.datetime.combine(day, course.meetings.start, zone)
        end = dt.datetime.combine(day, course.meetings.end, zone)
        sessions.append(Session(entry, index, number, day, week_of_term(course, day), start, end))
    return sessions, slips


def notebook_sessions(sessions: list[Session]) -> dict[str, Session]:
    """The session that shows each notebook (the first, if several do): where a link to it goes."""
    found: dict[str, Session] = {}
    for session in sessions:
        for name in session.entry.notebooks:
            found.setdefault(name, session)
    return found


def _pinned_problem(course: Course, day: dt.date, previous: dt.date | None, taken: dict[dt.date, str]) -> str | None:
    term = course.term
    if not term.start <= day <= term.end:
        return f"{day} is outside the term ({term.start} to {term.end}); pick a date inside it or remove 'date'"
    if day in taken:
        return f"two sessions on {day}: {taken[day]!r} is already on that date; pick another date or remove 'date'"
    off = term.day_off(day)
    if off:
        return f"{day} is a day off ({off}); pick another date"
    if previous is not None and day < previous:
        return (f"{day} comes before the previous session ({previous}); sessions are listed in teaching order, "
                "so move this session up the list or change its date")
    return None
