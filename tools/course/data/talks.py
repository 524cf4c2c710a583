"""A seminar talk series (readings/talks/*.yml), e.g. Stanford CS25."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from .fields import BibKey, Date, Line, Link, Paragraphs, Record, Slug, Time, TimeZone, Url


class Speaker(Record):
    name: Line
    affiliation: Line | None = None
    bio: Paragraphs | None = None
    url: Url | None = None


class Talk(Record):
    id: Slug
    date: Date
    title: Line = "TBD"
    speakers: tuple[Speaker, ...] = ()
    abstract: Paragraphs | None = None
    format: Literal["in-person", "zoom", "hybrid", "unknown"] = "unknown"
    start: Time | None = None  # defaults to the series' time
    end: Time | None = None
    slides: Url | None = None
    recording: Url | None = None
    recommended: tuple[BibKey, ...] = ()  # what the series itself recommends for this talk
    related: tuple[BibKey, ...] = ()  # papers the course adds: its own choice, never presented as the series'
    links: tuple[Link, ...] = ()
    source: Url | None = None  # where this talk's details (times above all) come from

    @model_validator(mode="before")
    @classmethod
    def _no_readings(cls, data):
        if isinstance(data, dict) and "readings" in data:
            raise ValueError("a talk's 'readings' are now two lists: 'recommended' (only what the series itself "
                             "recommends) and 'related' (papers the course adds); rename 'readings' to one of them")
        return data

    @property
    def tbd(self) -> bool:
        return self.title.strip().upper() == "TBD"

    @property
    def heading(self) -> str:
        """The title, or who speaks while it is to be announced."""
        if self.tbd:
            names = ", ".join(s.name for s in self.speakers) or "speaker to be announced"
            return f"TBD ({names})"
        return self.title


class Series(Record):
    id: Slug
    title: Line
    organizer: Line | None = None
    term: Line | None = None
    description: Paragraphs | None = None
    url: Url | None = None
    recordings: Url | None = None
    timezone: TimeZone
    start: Time | None = None  # the usual time of a talk
    end: Time | None = None
    location: Line | None = None
    source: Url | None = None  # where the times and the place come from: they are shown only with one

    @property
    def place(self) -> str | None:
        """Where the talks take place, as the site shows it: only with a source."""
        return self.location if self.source else None


class TalkSeriesFile(Record):
    series: Series
    talks: tuple[Talk, ...] = Field(min_length=1)


def talk_times(series: Series, talk: Talk) -> tuple[dt.time | None, dt.time | None]:
    """A talk's own start and end, or the series' usual ones; none without a source (the talk's or the series')."""
    if not (talk.source or series.source):
        return None, None
    return talk.start or series.start, talk.end or series.end


def unsourced(series: Series, talk: Talk | None = None) -> list[str]:
    """The details of a series (or of one of its talks) that need a source and have none."""
    if talk is None:
        return [] if series.source else [name for name in ("start", "end", "location") if getattr(series, name)]
    return [] if talk.source or series.source else [name for name in ("start", "end") if getattr(talk, name)]


def talk_datetimes(series: Series, talk: Talk) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When a talk starts and ends, in the series' time zone (None where the time is not known)."""
    start, end = talk_times(series, talk)
    zone = ZoneInfo(series.timezone)
    return (dt.datetime.combine(talk.date, start, zone) if start else None,
            dt.datetime.combine(talk.date, end, zone) if start and end else None)
