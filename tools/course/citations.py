"""Citations in hand-written pages: ``[@key]`` and ``[@a; @b]`` (to be completed by the knowledge base)."""

from __future__ import annotations

from .data.load import CourseData
from .errors import Problem


def render_citations(markdown: str, page_src: str, data: CourseData) -> str:
    """Replace citations with linked author-year labels and append a reference list."""
    return markdown


def check_citations(pages: dict[str, str], data: CourseData, docs_display: str) -> list[Problem]:
    """Problems for unknown keys cited in hand-written pages (``path:line``)."""
    return []
