"""A podcast (readings/podcasts/*.yml), e.g. AXRP, with timestamped topics and the papers discussed."""

from __future__ import annotations

import re

from pydantic import Field

from .fields import BibKey, Date, Line, Link, Paragraphs, Record, Slug, Url, matching

_STAMP = re.compile(r"^(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)$")
Timestamp = matching(_STAMP.pattern, '{value!r} is not a timestamp; write H:MM:SS or MM:SS, in quotes, e.g. "01:59:42"')


def seconds(stamp: str) -> int:
    hours, minutes, secs = _STAMP.match(stamp).groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)


def display_stamp(stamp: str) -> str:
    """01:59:42 -> 1:59:42, 00:24:16 -> 24:16 (as podcast players show them)."""
    total = seconds(stamp)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Topic(Record):
    at: Timestamp
    title: Line
    papers: tuple[BibKey, ...] = ()
    topics: tuple["Topic", ...] = ()


class Episode(Record):
    number: int = Field(ge=0)
    title: Line
    date: Date
    guests: tuple[Line, ...] = ()
    summary: Paragraphs | None = None
    url: Url | None = None
    transcript: Url | None = None
    topics: tuple[Topic, ...] = ()
    papers: tuple[BibKey, ...] = ()  # every writing discussed
    links: tuple[Link, ...] = ()


class Podcast(Record):
    id: Slug
    title: Line
    short_title: Line | None = None
    host: Line | None = None
    description: Paragraphs | None = None
    url: Url | None = None


class PodcastFile(Record):
    podcast: Podcast
    episodes: tuple[Episode, ...] = Field(min_length=1)


def flat_topics(topics: tuple[Topic, ...], depth: int = 0):
    """Yield (depth, topic) in reading order."""
    for topic in topics:
        yield depth, topic
        yield from flat_topics(topic.topics, depth + 1)
