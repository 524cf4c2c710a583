"""Citations checked against the bibliography: every ``[@key]`` in a hand-written page or paper note must exist.

``course check`` and the build report the same ``path:line:col`` (of the key) for an unknown key.
"""

from __future__ import annotations

from pathlib import Path

from course.data.bibliography import Bibliography
from course.ground.citation_syntax import find_citations, line_col
from course.ground.errors import Problem
from course.ground.layout import Layout
from course.ground.words import did_you_mean


def citation_problems(text: str, display: str, bib: Bibliography | None, layout: Layout) -> list[Problem]:
    """A problem for each cited key of ``text`` that is not in the bibliography."""
    problems = []
    for citation in find_citations(text):
        for item in citation.items:
            if bib is None or item.key not in bib:
                line, col = line_col(text, item.start)
                problems.append(Problem(display, line, col, _unknown(item.key, bib, layout)))
    return problems


def _unknown(key: str, bib: Bibliography | None, layout: Layout) -> str:
    name = bib.display if bib is not None else layout.bibliography
    hint = did_you_mean(key, bib.keys(), 0.7) if bib is not None else ""
    return f"unknown paper key {key!r} in citation; {hint}add it to {name} or fix the key"


def check_citations(pages: dict[str, str], bib: Bibliography | None, layout: Layout) -> list[Problem]:
    """Problems for unknown keys cited in hand-written pages (by path in docs_dir) and in paper notes."""
    docs = layout.show(layout.docs)
    problems = []
    for src, text in sorted(pages.items()):
        problems += citation_problems(text, f"{docs}/{src}", bib, layout)
    for path in notes_files(layout):
        problems += citation_problems(path.read_text(encoding="utf-8"), layout.show(path), bib, layout)
        key = path.relative_to(layout.notes_dir).with_suffix("").as_posix()
        if bib is not None and key not in bib:
            hint = did_you_mean(key, bib.keys(), 0.7, "did you mean {}.md? ")
            problems.append(Problem(layout.show(path), 0, 0, f"notes for an unknown paper key {key!r}; {hint}"
                                                             f"name the file after a key in {bib.display}"))
    return problems


def notes_files(layout: Layout) -> list[Path]:
    return sorted(layout.notes_dir.rglob("*.md")) if layout.notes_dir.is_dir() else []
