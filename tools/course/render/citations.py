"""Citations in a page's Markdown become linked author-year labels ("(Vaswani et al. 2017)") and the page
gets a reference list at its end, or where ``<!-- course:references -->`` stands (template ``citations.md.j2``)."""

from __future__ import annotations


from markupsafe import Markup

from course.data.pages import citation_problems
from course.data.load import CourseData
from course.ground import urls
from course.ground.citation_syntax import REFERENCES_MARKER, find_citations
from course.ground.errors import CourseDataError, Problem
from course.render.env import environment


def render_citations(markdown: str, page_src: str, data: CourseData, *, display: str | None = None) -> str:
    """Replace citations with linked labels and add the reference list.

    ``display``: the page's file as messages name it, so an unknown key is reported where the
    instructor typed it (MkDocs hands us the text without front matter).
    """
    citations = find_citations(markdown)
    if not citations:
        return markdown
    bib = data.bibliography
    if bib is None or any(item.key not in bib for c in citations for item in c.items):
        raise CourseDataError(_problems(markdown, page_src, data, display))
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


def render_notebook_citations(body: str, page_src: str, data: CourseData, name: str) -> str:
    """The citations in the notebook ``name``'s HTML (its Markdown cells, converted: ``[@key]`` is left as
    text there) as linked labels, and its reference list at its end, under an ``<h3>`` (the notebook is a
    section of ``page_src``). Its keys were checked when the data was read (``content/notebooks/<name>.py``
    line and column)."""
    bib = data.bibliography
    if bib is None:
        return body
    macros = environment().get_template("citations.md.j2").module
    out, last, seen = [], 0, []
    for citation in find_citations(body, markdown=False):
        if not all(item.key in bib for item in citation.items):
            continue  # not a citation of this bibliography (the data's check reports unknown keys in notebooks)
        ids = []
        for item in citation.items:
            ids.append("" if item.key in seen else urls.notebook_cite_anchor(name, item.key))
            seen += [] if item.key in seen else [item.key]
        out += [body[last:citation.start], str(macros.cite(citation.items, ids, bib, page_src, html=True)).strip()]
        last = citation.end
    if not seen:
        return body
    keys = sorted(seen, key=lambda k: (bib[k].label.lower(), k))
    heading = Markup(f'<h3 id="nb-{name}-references">References</h3>')
    return "".join(out) + body[last:] + str(macros.references(keys, bib, page_src, heading, f"nb-{name}-")).strip() + "\n"


def _problems(markdown: str, page_src: str, data: CourseData, display: str | None) -> list[Problem]:
    """The unknown keys, where they were typed: the hand-written page, the paper's notes, or the page itself.
    (The data's own checks find the first two before any page is built; this is the last line.)"""
    bib, layout = data.bibliography, data.layout
    if page_src in data.pages:
        problems = citation_problems(data.pages[page_src], display or page_src, bib, layout)
        if problems:
            return problems
    for key, text in data.notes.items():
        if urls.paper_page(key) == page_src:
            problems = citation_problems(text, layout.show(layout.notes_file(key)), bib, layout)
            if problems:
                return problems
    return citation_problems(markdown, display or page_src, bib, layout)
