"""Announcements (readings/announcements.yml): dated news for the home page and the feed."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from course.ground.inline_markdown import link_problem, links

from .fields import Date, Line, Paragraphs, Record, Slug, Time, Url


def _safe_links(value: str) -> str:
    for _, target in links(value):
        problem = link_problem(target)
        if problem:
            raise ValueError(problem)
    return value


MarkdownParagraphs = Annotated[Paragraphs, AfterValidator(_safe_links)]
"""Paragraphs with the little Markdown of ``course.ground.inline_markdown``: links, bold, emphasis, code."""


class Announcement(Record):
    id: Slug
    date: Date
    time: Time | None = None
    title: Line
    body: MarkdownParagraphs
    url: Url | None = None


class AnnouncementsFile(Record):
    announcements: tuple[Announcement, ...] = ()
