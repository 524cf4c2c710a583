"""The hand-written Markdown: pages in docs_dir, the instructor's notes on papers and the notebooks' Markdown
cells, read once and checked.

Each file is read through ``read_source`` (UTF-8, inside the project, not too big), every
``[@key]`` in it must be a paper of the bibliography, and a note must be named after one.
``course check`` and the build report the same ``path:line:col`` (of the key) for each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from course.data.bibliography import Bibliography
from course.ground.citation_syntax import find_citations, line_col, link_definition_lookalikes, percent_markdown
from course.ground.errors import Problem
from course.ground.layout import Layout
from course.ground.source_files import read_source
from course.ground.words import did_you_mean


@dataclass(frozen=True)
class Markdown:
    pages: dict[str, str] = field(default_factory=dict)  # docs_dir pages by their path there
    notes: dict[str, str] = field(default_factory=dict)  # notes by paper key
    notebooks: dict[str, str] = field(default_factory=dict)  # each notebook's Markdown cells (``percent_markdown``), by name


def read_markdown(layout: Layout, bib: Bibliography | None) -> tuple[Markdown, list[Problem]]:
    """Every hand-written page and note, and the problems in them."""
    problems: list[Problem] = []
    pages, notes = {}, {}
    for src in layout.page_sources():
        text = _read(layout.docs / src, layout, problems)
        if text is not None:
            pages[src] = text
            problems += citation_problems(text, layout.show(layout.docs / src), bib, layout)
    for path in notes_files(layout):
        key = path.relative_to(layout.notes_dir).with_suffix("").as_posix()
        text = _read(path, layout, problems)
        if text is None:
            continue
        problems += citation_problems(text, layout.show(path), bib, layout)
        if bib is not None and key not in bib:
            hint = did_you_mean(key, bib.keys(), 0.7, "did you mean {}.md? ")
            problems.append(Problem(layout.show(path), 0, 0, f"notes for an unknown paper key {key!r}; {hint}"
                                                             f"name the file after a key in {bib.display}"))
        else:
            notes[key] = text
    notebooks = {}
    for path in layout.notebook_files():
        text = _read(path, layout, problems)
        if text is not None:
            notebooks[path.stem] = percent_markdown(text)
            problems += citation_problems(notebooks[path.stem], layout.show(path), bib, layout)
    return Markdown(pages, notes, notebooks), problems


def _read(path: Path, layout: Layout, problems: list[Problem]) -> str | None:
    text, found = read_source(path, layout.show(path), layout.root)
    problems += found
    return text


def citation_problems(text: str, display: str, bib: Bibliography | None, layout: Layout) -> list[Problem]:
    """A problem for each cited key of ``text`` that is not in the bibliography (none without a bibliography:
    the loader then reports the missing file once)."""
    problems = []
    if bib is None:
        return problems
    for citation in find_citations(text):
        for item in citation.items:
            if bib is None or item.key not in bib:
                line, col = line_col(text, item.start)
                problems.append(Problem(display, line, col, _unknown(item.key, bib, layout)))
    for start in link_definition_lookalikes(text):
        line, col = line_col(text, start)
        problems.append(Problem(display, line, col, "a citation at the start of a line followed by ':' is read as a "
                                                    "Markdown link definition and vanishes with the word after it; "
                                                    "move it, or put a word before it"))
    return problems


def _unknown(key: str, bib: Bibliography | None, layout: Layout) -> str:
    name = bib.display if bib is not None else layout.bibliography
    hint = did_you_mean(key, bib.keys(), 0.7) if bib is not None else ""
    return f"unknown paper key {key!r} in citation; {hint}add it to {name} or fix the key"


def first_citation(markdown: Markdown, layout: Layout) -> tuple[str, str] | None:
    """The first key a page or note cites, and where (for "papers.bib: not found, but ...")."""
    for name, texts, folder in (("pages", markdown.pages, layout.docs), ("notes", markdown.notes, layout.notes_dir)):
        for src, text in sorted(texts.items()):
            found = find_citations(text)
            if found:
                item = found[0].items[0]
                line, col = line_col(text, item.start)
                path = folder / (src if name == "pages" else f"{src}.md")
                return item.key, f"{layout.show(path)}:{line}:{col}"
    return None


def notes_files(layout: Layout) -> list[Path]:
    return sorted(layout.notes_dir.rglob("*.md")) if layout.notes_dir.is_dir() else []
