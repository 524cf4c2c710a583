"""The site navigation, generated from the data so a new session needs no mkdocs.yml edit."""

from __future__ import annotations

from ..data.load import CourseData
from . import urls
from .env import safe_title


def build_nav(data: CourseData, extra_pages: list[str], has: set[str]) -> list:
    """MkDocs ``nav``: fixed sections, sessions grouped by part, then hand-written pages."""
    nav: list = [{"Home": urls.HOME}, {"Syllabus": urls.SYLLABUS}]
    schedule: list = [urls.SCHEDULE]
    for part in data.course.outline:
        sessions = [s for s in data.sessions if s.entry.part == part.id]
        if sessions:
            # Material prints navigation titles without escaping them.
            schedule.append({safe_title(part.title): [{safe_title(f"{s.number}. {s.title}"): urls.session_page(s.id)} for s in sessions]})
    nav.append({"Schedule": schedule})
    optional = [
        ("Readings", urls.READINGS),
        ("Presentations", urls.PRESENTATIONS),
        ("Talks", urls.TALKS),
        ("Podcasts", urls.EPISODES),
        ("Final project", urls.PROJECT),
    ]
    nav += [{title: src} for title, src in optional if src in has]
    nav += sorted(extra_pages)
    return nav
