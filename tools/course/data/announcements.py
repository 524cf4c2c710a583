"""Announcements (readings/announcements.yml): dated news for the home page and the feed."""

from __future__ import annotations


from .fields import Date, Line, Paragraphs, Record, Slug, Time, Url


class Announcement(Record):
    id: Slug
    date: Date
    time: Time | None = None
    title: Line
    body: Paragraphs
    url: Url | None = None


class AnnouncementsFile(Record):
    announcements: tuple[Announcement, ...] = ()
