"""The site navigation, generated from the data so a new session needs no mkdocs.yml edit."""

from __future__ import annotations

from course.data.load import CourseData
from course.render.env import safe_title
from course.render.registry import folder_pages, is_generated, nav_entries


def build_nav(data: CourseData, hand_written: list[str]) -> list:
    """MkDocs ``nav``: the page kinds (sessions grouped by part), then the hand-written pages of docs_dir
    that no generated page absorbs, by folder."""
    return nav_entries(data) + _by_folder([src for src in hand_written if not is_generated(src, data.layout)]
                                          + folder_pages(data))


def _by_folder(pages: list[str]) -> list:
    """Hand-written pages as MkDocs lists them when there is no nav: a page of docs_dir itself as an entry
    (MkDocs titles it from the page), the pages of a folder under a section named after it, as MkDocs
    names it (``about/`` is "About"), each folder's index.md first (navigation.indexes makes it the
    section's page)."""
    nav: list = []
    for src in sorted(pages, key=lambda src: [("" if part == "index.md" else part) for part in src.split("/")]):
        branch = nav
        for folder in src.split("/")[:-1]:
            title = safe_title(_folder_title(folder))  # a folder name is a title Material prints as it is
            section = next((entry[title] for entry in branch if isinstance(entry, dict) and title in entry), None)
            if section is None:
                section = []
                branch.append({title: section})
            branch = section
        branch.append(src)
    return nav


def _folder_title(folder: str) -> str:
    """A section title from a folder name, as MkDocs makes it: "about" -> "About", "my-notes" -> "My notes"."""
    title = folder.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title
