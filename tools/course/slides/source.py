"""The Markdown Marp is given for a deck, made from its source; the source file itself is never changed.

Citations become links to the paper pages ("([Vaswani et al. 2017](../papers/...))"), so the
deck links into the knowledge base as a page does.  For the PDF and the thumbnails (made by
Chromium from a temporary file) the images are named by their absolute paths; for the HTML
deck they keep their relative paths, which hold in the site because the deck is published
beside its source.
"""

from __future__ import annotations

import re

from course.data.decks import Deck
from course.data.load import CourseData
from course.ground import urls
from course.ground.citation_syntax import find_citations, find_images
from course.ground.keyed_files import sha_text

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def marp_markdown(deck: Deck, data: CourseData, *, for_browser: bool, site_url: str | None = None) -> str:
    """The deck for Marp.  ``for_browser``: images as absolute paths (PDF and PNG); papers then link to
    ``site_url`` when it is known, since a PDF has no site around it."""
    text = deck.text
    edits: list[tuple[int, int, str]] = []
    for citation in find_citations(text):
        links = []
        for item in citation.items:
            paper = data.bibliography[item.key]
            target = urls.relative(deck.html_src, urls.paper_page(item.key))
            if for_browser and site_url:
                target = site_url.rstrip("/") + "/" + urls.page_url(urls.paper_page(item.key))
            label = _escape(paper.label) + (f", {_escape(item.locator)}" if item.locator else "")
            links.append(f"[{label}]({target} \"{_escape(paper.title)}\")")
        edits.append((citation.start, citation.end, "(" + "; ".join(links) + ")"))
    if for_browser:
        for url, offset in find_images(text):
            path = (deck.path.parent / url).resolve()
            edits.append((offset, offset + len(url), path.as_posix()))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def cited_labels(deck: Deck, data: CourseData) -> dict[str, str]:
    """What the deck shows of each paper it cites (a new label or title must re-render it)."""
    keys = {item.key for citation in find_citations(deck.text) for item in citation.items}
    return {key: sha_text(data.bibliography[key].label + "\n" + data.bibliography[key].title) for key in sorted(keys)}


def _escape(text: str) -> str:
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.split())).replace('"', "&quot;")
