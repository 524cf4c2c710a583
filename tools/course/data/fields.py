"""Field types shared by every data kind.

Values arrive from YAML as strings (see ``course.yamlsource``); these types
parse them strictly and say what is wrong in words an instructor can act on.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, WithJsonSchema

from course.ground.words import did_you_mean


class Record(BaseModel):
    """Base of every record: immutable, and a key it does not know is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


# --- text -------------------------------------------------------------------

# Bidirectional overrides and isolates can make a name display as something else.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def _clean_text(value: str, *, multiline: bool, limit: int) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    for ch in value:
        if ch in _BIDI_CONTROLS:
            raise ValueError(f"contains the invisible direction control U+{ord(ch):04X}; remove it")
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in "\n\t"):
            raise ValueError(f"contains the control character U+{ord(ch):04X}; remove it")
    if len(value) > limit:
        raise ValueError(f"is {len(value)} characters long; the limit is {limit}")
    return value


def _line(value: str) -> str:
    value = _clean_text(value, multiline=False, limit=500)
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _paragraphs(value: str) -> str:
    return _clean_text(value, multiline=True, limit=20_000).strip()


Line = Annotated[str, AfterValidator(_line)]
"""One line of plain text (a title, a name): no control characters, at most 500 characters."""

Paragraphs = Annotated[str, AfterValidator(_paragraphs)]
"""Plain text that may span lines (a summary, an abstract, a bio)."""


# --- identifiers ----------------------------------------------------------------

def matching(pattern: str, problem: str):
    """Text that must match ``pattern``; ``problem`` says why it does not (``{value!r}`` is the text)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise ValueError(problem.format(value=value))
        return value

    return Annotated[str, AfterValidator(check)]


Slug = matching(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$",
                "{value!r} is not a valid id: use lower-case letters, digits and '-' (e.g. 'attention-heads')")
"""A stable id used in URLs and calendar UIDs."""

BibKey = matching(r"^[A-Za-z0-9_:.+/-]+$", "{value!r} is not a BibTeX key (letters, digits and _ : . - + / only)")


# --- links ----------------------------------------------------------------------

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def check_url(value: str) -> str:
    """Allow http, https and mailto links, and relative links inside the site."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a link")
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in value) or "\\" in value:
        raise ValueError("a link must not contain spaces, control characters or backslashes")
    if len(value) > 2000:
        raise ValueError("a link must be at most 2000 characters long")
    match = _SCHEME.match(value)
    if match:
        scheme = match.group(1).lower()
        if scheme not in SAFE_SCHEMES:
            raise ValueError(f"links must start with http://, https:// or mailto: (not {scheme}:)")
        if scheme in ("http", "https") and not value.lower().startswith(f"{scheme}://"):
            raise ValueError(f"write the link as {scheme}://host/path")
    elif value.startswith("//"):
        raise ValueError("write the full link with https://")
    elif ":" in value.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        raise ValueError("links must start with http://, https:// or mailto:")
    return value


Url = Annotated[str, AfterValidator(check_url)]


def _email(value: str) -> str:
    if not re.match(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$", value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


Email = Annotated[str, AfterValidator(_email)]


# --- dates, times, zones ---------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return in_years(value, value.isoformat())
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-01-12")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date (check the month and day)") from None
    return in_years(day, value)


YEARS = (1900, 2200)  # dates a course can have; the calendar and time zones work far beyond, not to year 9999


def in_years(moment: dt.date, written: object) -> dt.date:
    """``moment`` if its year is one a course can have, else the problem (for dates and time stamps alike)."""
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise ValueError(f"{written!r} is outside the years {YEARS[0]} to {YEARS[1]}; check the year")
    return moment


def _time(value: object) -> dt.time:
    if isinstance(value, dt.time):
        return value
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a time; write it as HH:MM on a 24-hour clock, in quotes, e.g. \"15:30\"")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"{value!r} is not a time of day (00:00 to 23:59)")
    return dt.time(hour, minute)


Date = Annotated[dt.date, BeforeValidator(_date),
                 WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "a date, YYYY-MM-DD"})]
Time = Annotated[dt.time, BeforeValidator(_time),
                 WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}$", "description": "a time, \"HH:MM\" (24-hour clock, in quotes)"})]


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(value, sorted(available_timezones()), template="; did you mean {!r}?",
                            otherwise=" (an IANA name such as 'America/Denver')")
        raise ValueError(f"unknown time zone {value!r}{hint}") from None
    return value


TimeZone = Annotated[str, AfterValidator(_zone)]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _weekday(value: str) -> str:
    normal = value[:3].title() if isinstance(value, str) else value
    if normal not in WEEKDAYS or not str(value).title().startswith(normal):
        raise ValueError(f"{value!r} is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat or Sun")
    return normal


Weekday = Annotated[str, AfterValidator(_weekday)]


class Link(Record):
    title: Line
    url: Url
