"""Assignments (readings/assignments.yml): homework, project milestones, any graded item, each with its dates.

``released`` and ``due`` name a session of schedule.yml (the start of that class, as the syllabus says:
"due at the beginning of class") or a date, with a time for ``due`` ("2027-02-26 23:59"; a bare date is due
at 23:59).  Times are in the course's time zone.  Instructions go in ``content/assignments/<id>.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from course.data.fields import BibKey, Line, Paragraphs, Record, Slug, Url, in_years, matching
from course.data.schedule import FromEntry, Session

_DAY_AND_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?$")
DUE_TIME = dt.time(23, 59)  # a bare date is due at the end of that day

When = matching(r"^(?:[a-z0-9]+(?:[-_][a-z0-9]+)*|\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2})?)$",
                "{value!r} is neither a session id (e.g. 'attention-heads') nor a date (2027-02-26, or "
                "\"2027-02-26 23:59\" with a time, in quotes)")
"""A session id, or a date with an optional time."""


class AssignmentEntry(Record):
    """An assignment as written in assignments.yml."""

    id: Slug
    title: Line
    kind: Literal["homework", "project", "quiz", "exam", "other"] = "homework"
    released: When | None = None  # handed out at this session, or on this date
    due: When
    points: int | None = Field(default=None, ge=0, le=10_000)
    weight: int | None = Field(default=None, ge=0, le=100)  # percent of the final grade
    submit: Url | None = None  # where to hand it in (http or https)
    summary: Paragraphs | None = None
    notebooks: tuple[Slug, ...] = ()
    readings: tuple[BibKey, ...] = ()


class AssignmentsFile(Record):
    assignments: tuple[AssignmentEntry, ...] = ()


@dataclass(frozen=True)
class Assignment(FromEntry):
    """An assignment with its dates worked out."""

    entry: AssignmentEntry
    released: dt.datetime | None  # aware, in the course time zone
    due: dt.datetime
    released_session: Session | None
    due_session: Session | None


def moment(value: str, sessions: dict[str, Session], zone, *, default_time: dt.time) -> tuple[dt.datetime, Session | None] | str:
    """The time ``value`` (a session id or a date) names, and its session; or why it names none."""
    match = _DAY_AND_TIME.match(value)
    if match is None:
        session = sessions.get(value)
        if session is None:
            return "no session"
        return session.start, session
    try:
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        return f"{value!r} is not a real date (check the month and day)"
    try:
        in_years(day, value)
    except ValueError as error:
        return str(error)
    if match.group(2) is not None:
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            return f"{value!r}: the time is not a time of day (00:00 to 23:59)"
        return dt.datetime.combine(day, dt.time(hour, minute), zone), None
    return dt.datetime.combine(day, default_time, zone), None
