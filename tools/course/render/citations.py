"""Citations in a page's Markdown become linked author-year labels ("(Vaswani et al. 2017)") and the page
gets a reference list at its end, or where ``<!-- course:references -->`` stands (template ``citations.md.j2``)."""

from __future__ import annotations

from pathlib import Path

from course.data.citations import citation_problems
from course.data.load import CourseData
from course.ground import urls
from course.ground.citation_syntax import REFERENCES_MARKER, find_citations
from course.ground.errors import CourseDataError, Problem
from course.render.env import environment


def render_citations(markdown: str, page_src: str, data: CourseData, *, source: Path | None = None,
                     display: str | None = None) -> str:
    """Replace citations with linked labels and add the reference list.

    ``source``/``display``: the page's file in docs_dir (if it is one) and its name, so an unknown
    key is reported where the instructor typed it (MkDocs hands us the text without front matter).
    """
    citations = find_citations(markdown)
    if not citations:
        return markdown
    bib = data.bibliography
    if bib is None or any(item.key not in bib for c in citations for item in c.items):
        raise CourseDataError(_problems(markdown, page_src, data, source, display))
    macros = environment().get_template("citations.md.j2").module
    out, last, seen = [], 0, set()
    for citation in citations:
        ids = []
        for item in citation.items:
            ids.append("" if item.key in seen else urls.cite_anchor(item.key))
            seen.add(item.key)
        out.append(markdown[last:citation.start])
        out.append(str(macros.cite(citation.items, ids, bib, page_src)).strip())
        last = citation.end
    out.append(markdown[last:])
    keys = sorted(seen, key=lambda k: (bib[k].label.lower(), k))
    references = "\n\n" + str(macros.references(keys, bib, page_src)).strip() + "\n\n"
    text = "".join(out)
    if REFERENCES_MARKER in text:  # a template may say where the list goes (e.g. before a pager)
        return text.replace(REFERENCES_MARKER, references, 1)
    return text.rstrip() + references.rstrip() + "\n"


def _problems(markdown: str, page_src: str, data: CourseData, source: Path | None, display: str | None) -> list[Problem]:
    """The unknown keys, where they were typed: the hand-written page, the paper's notes, or the page itself."""
    bib, layout = data.bibliography, data.layout
    if source is not None and source.is_file():
        problems = citation_problems(source.read_text(encoding="utf-8"), display or page_src, bib, layout)
        if problems:
            return problems
    notes = _notes_file(page_src, data)
    if notes is not None:
        problems = citation_problems(notes.read_text(encoding="utf-8"), layout.show(notes), bib, layout)
        if problems:
            return problems
    return citation_problems(markdown, display or page_src, bib, layout)


def _notes_file(page_src: str, data: CourseData) -> Path | None:
    """The instructor notes file shown on a paper page, if ``page_src`` is one."""
    if data.bibliography is None or not page_src.startswith("papers/"):
        return None
    for key in data.bibliography.keys():
        if urls.paper_page(key) == page_src:
            path = data.layout.notes_file(key)
            return path if path.is_file() else None
    return None
