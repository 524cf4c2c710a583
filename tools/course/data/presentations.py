"""The records of readings/presentations.yml: rules, slots, the papers open for presentation, and claims."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from course.data.fields import BibKey, Date, Line, Paragraphs, Record, Slug, Time, in_years

NAME_LIMIT = 100
_EMAIL_LIKE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def _name(value: str) -> str:
    """A display name: one plain line (``Line`` already refused control and direction characters)."""
    for ch in value:
        if unicodedata.category(ch) in ("Zl", "Zp"):
            raise ValueError(f"contains the line separator U+{ord(ch):04X}; a name is one line")
    if len(value) > NAME_LIMIT:
        raise ValueError(f"is {len(value)} characters long; the limit for a name is {NAME_LIMIT}")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in value):
        raise ValueError("must contain letters (write the name to show on the site)")
    if _EMAIL_LIKE.search(value):
        raise ValueError("looks like an e-mail address; give the name to show on the site instead (e-mail addresses are never published)")
    return value


Name = Annotated[Line, AfterValidator(_name)]
"""A student's display name, as shown on the site."""

# GitHub: letters, digits and single hyphens, not at either end, at most 39 characters.
_HANDLE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


def _handle(value: str) -> str:
    value = value.removeprefix("@")
    if not _HANDLE.match(value):
        raise ValueError(f"{value!r} is not a GitHub user name (letters, digits and single hyphens, at most 39 characters)")
    return value


Handle = Annotated[str, AfterValidator(_handle)]


def _datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a time stamp; write it as YYYY-MM-DDTHH:MM:SS+HH:MM, e.g. 2027-03-01T09:30:00-07:00") from None
    else:
        raise ValueError("expected a time stamp such as 2027-03-01T09:30:00-07:00")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{value!r} has no UTC offset; add one, e.g. 2027-03-01T09:30:00-07:00 (or Z for UTC)")
    return in_years(moment, value)


Moment = Annotated[dt.datetime, BeforeValidator(_datetime)]
"""A point in time with its UTC offset (ISO 8601)."""


class Rules(Record):
    presenters_per_paper: int = Field(default=1, ge=1, le=20)  # 1: a paper is presented at most once
    # What the site and the (public) sign-up issue show of a student: the name as given, or its initials.
    publish_names: Literal["full", "initials"] = "full"
    minutes: int = Field(default=15, ge=1, le=600)  # per talk, unless a slot says otherwise


class Slot(Record):
    """Places for talks: on a session of the schedule, or on a date."""

    id: Slug
    session: Slug | None = None
    date: Date | None = None
    time: Time | None = None  # with `date`; default: the course's meeting time
    capacity: int = Field(ge=1, le=100)
    minutes: int | None = Field(default=None, ge=1, le=600)
    title: Line | None = None

    @model_validator(mode="after")
    def _one_place(self):
        if self.session and self.date:
            raise ValueError("give either 'session' or 'date', not both")
        if not self.session and not self.date:
            raise ValueError("give the slot a 'session' (an id from schedule.yml) or a 'date' (YYYY-MM-DD)")
        if self.time and not self.date:
            raise ValueError("'time' goes with 'date'; a session's slot starts when the session does")
        return self


class OpenPapers(Record):
    """The papers students may claim: these keys, and every paper with one of these BibTeX keywords."""

    keys: tuple[BibKey, ...] = ()
    topics: tuple[Slug, ...] = ()
    exclude: tuple[BibKey, ...] = ()


class Claim(Record):
    name: Name
    github: Handle | None = None
    paper: BibKey
    slot: Slug
    claimed: Moment | None = None
    issue: int | None = Field(default=None, ge=1)  # the sign-up issue it came from (makes re-runs idempotent)
    pinned: bool = False  # set by the instructor: the tools never release or move it
    presented: bool = False  # set by the instructor after the talk
    note: Paragraphs | None = None  # private: never published


def _none_is_empty(value: object) -> object:
    return () if value is None else value  # `claims:` with nothing under it: no claims yet


class PresentationsFile(Record):
    rules: Rules = Rules()
    slots: tuple[Slot, ...] = Field(min_length=1)
    papers: OpenPapers | None = None  # omitted: every paper in papers.bib is open
    claims: Annotated[tuple[Claim, ...], BeforeValidator(_none_is_empty)] = ()
