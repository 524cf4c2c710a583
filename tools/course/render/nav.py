"""The site navigation, generated from the data so a new session needs no mkdocs.yml edit."""

from __future__ import annotations

from mkdocs.utils import dirname_to_title

from ..data.load import CourseData
from . import urls
from .env import safe_title


def build_nav(data: CourseData, extra_pages: list[str], has: set[str], notebooks: str | None = None) -> list:
    """MkDocs ``nav``: fixed sections, sessions grouped by part, then hand-written pages.
    ``notebooks`` is the notebooks page, where the notebook stage publishes it (if sessions use any)."""
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
    if notebooks:
        nav.insert(4 if urls.READINGS in has else 3, {"Notebooks": notebooks})
    nav += _by_folder(extra_pages)
    return nav


def _by_folder(pages: list[str]) -> list:
    """Hand-written pages as MkDocs lists them when there is no nav: a page of docs_dir itself as an entry
    (MkDocs titles it from the page), the pages of a folder under a section named after it, as MkDocs
    names it (``about/`` is "About"), each folder's index.md first (navigation.indexes makes it the
    section's page)."""
    nav: list = []
    for src in sorted(pages, key=lambda src: [("" if part == "index.md" else part) for part in src.split("/")]):
        branch = nav
        for folder in src.split("/")[:-1]:
            title = safe_title(dirname_to_title(folder))  # a folder name is a title Material prints as it is
            section = next((entry[title] for entry in branch if isinstance(entry, dict) and title in entry), None)
            if section is None:
                section = []
                branch.append({title: section})
            branch = section
        branch.append(src)
    return nav
