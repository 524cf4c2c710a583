"""Small words every layer needs, written once: slugs, dates and times as the site shows them,
and the "did you mean" hint of an error message."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)  # a bibliography uses a few dozen keywords, thousands of times
def slug(text: str, fallback: str = "") -> str:
    """"Induction heads" -> "induction-heads", "Évaluation" -> "evaluation": for anchors, ids and file names."""
    ascii_only = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_only).strip("-") or fallback


def day(value: dt.date) -> str:
    """"Thu 28 Jan"."""
    return f"{value:%a} {value.day} {value:%b}"


def long_day(value: dt.date) -> str:
    """"Thursday 28 January 2027"."""
    return f"{value:%A} {value.day} {value:%B} {value.year}"


def clock(value: dt.time | dt.datetime | None) -> str:
    """"15:30" (24-hour clock); empty for no time."""
    if value is None:
        return ""
    return f"{value:%H:%M}"


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice most like ``word`` (a likely typo of it), if any is close enough."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6, template: str = "did you mean {!r}? ",
                 otherwise: str = "") -> str:
    """The hint of an error message: ``template`` filled with the closest choice, else ``otherwise``."""
    match = closest(word, choices, cutoff)
    return template.format(match) if match is not None else otherwise


def now() -> dt.datetime:
    """The current time (aware), for the checks that depend on it, or the time ``COURSE_NOW`` names (ISO 8601
    with its offset): the tests use it, and an instructor can check the data as it will be on a later date."""
    pretend = os.environ.get("COURSE_NOW")
    if not pretend:
        return dt.datetime.now(dt.timezone.utc)
    try:
        moment = dt.datetime.fromisoformat(pretend)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise SystemExit(f"COURSE_NOW={pretend!r} is not a time with its UTC offset, e.g. 2027-05-01T09:00:00-06:00")
    return moment


def initials(name: str) -> str:
    """"Ada Lovelace" -> "A. L.", "Jean-Luc Picard" -> "J.-L. P.", "A. L." -> "A. L.": a name as a public page
    may show it when the course publishes initials only."""
    words = []
    for word in name.split():
        parts = [next((ch for ch in part if ch.isalnum()), "") for part in word.split("-")]
        parts = [p.upper() + "." for p in parts if p]
        if parts:
            words.append("-".join(parts))
    return " ".join(words)


def person(text: str) -> str:
    """A name or handle compared loosely: case, width, spacing and invisible characters ignored."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.casefold().split())


def term_id(name: str, start: dt.date) -> str:
    """A term's archive folder and URL segment, year first: "Spring 2027" -> "2027-spring",
    "Winter 2027/28" -> "2027-winter"; the start's year when the name has none."""
    years = re.findall(r"\b\d{4}\b", name)
    words = slug(re.sub(r"\d+", " ", name))
    return f"{years[0] if years else start.year}-{words or f'{start:%m}'}"
