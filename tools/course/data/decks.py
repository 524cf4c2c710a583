"""Lecture decks: ``<slides_dir>/<session-id>.md`` in Marp Markdown, read once and checked.

A deck belongs to the session its file is named after.  Its front matter must be a YAML
mapping (Marp's global directives), every image it names must be a file of the project
inside docs_dir (the site publishes it beside the deck; nothing is fetched at view time),
and every ``[@key]`` must be a paper of the bibliography.  Each problem has its
``path:line:col``, as in the data files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from course.data.bibliography import Bibliography
from course.data.pages import citation_problems
from course.ground.citation_syntax import find_images, line_col
from course.ground.errors import Problem
from course.ground.layout import Layout
from course.ground.source_files import read_source
from course.ground.words import did_you_mean
from course.ground.yaml_source import parse_yaml

MARP_THEMES = ("default", "gaia", "uncover")  # Marp's built-in themes (a deck with its own CSS theme is not supported yet)
MATH = ("mathjax", "katex")
_OPENING = re.compile(r"\A---[ \t]*\n")
_CLOSING = re.compile(r"^---[ \t]*$", re.M)


@dataclass(frozen=True)
class Deck:
    session_id: str
    path: Path  # the Markdown source
    src: str  # its path in docs_dir (slides/<id>.md)
    text: str
    front_matter: dict
    images: tuple[Path, ...]  # the local files it shows, resolved, each once

    @property
    def html_src(self) -> str:
        """The deck in the site, beside its source, so that its relative image paths hold."""
        return self.src[: -len(".md")] + ".html"

    @property
    def pdf_src(self) -> str:
        return self.src[: -len(".md")] + ".pdf"

    def thumbnail_src(self, number: int) -> str:
        return self.src[: -len(".md")] + f".{number:03d}.png"


def read_decks(layout: Layout, session_ids: list[str], bib: Bibliography | None,
               slides_urls: dict[str, str] | None = None) -> tuple[tuple[Deck, ...], list[Problem]]:
    """Every deck and the problems in them.  ``slides_urls``: the sessions that already link slides elsewhere."""
    decks, problems = [], []
    for path in layout.deck_files():
        display = layout.show(path)
        text, found = read_source(path, display, layout.root)
        problems += found
        if text is None:
            continue
        session_id = path.stem
        if session_id not in session_ids:
            hint = did_you_mean(session_id, session_ids, 0.6, "did you mean {}.md? ")
            problems.append(Problem(display, 0, 0, f"a deck for an unknown session {session_id!r}; {hint}"
                                                   "name the file after a session id in the schedule"))
            continue
        if session_id in (slides_urls or {}):
            problems.append(Problem(display, 0, 0, f"session {session_id!r} also links slides elsewhere "
                                                   f"({slides_urls[session_id]}); remove its 'slides:' or this deck"))
        front, more = _front_matter(text, display)
        images, image_problems = _images(text, path, display, layout)
        problems += more + image_problems + citation_problems(text, display, bib, layout)
        if not more and not image_problems:
            decks.append(Deck(session_id, path, path.relative_to(layout.docs).as_posix(), text, front, images))
    return tuple(decks), problems


def _front_matter(text: str, display: str) -> tuple[dict, list[Problem]]:
    opening = _OPENING.match(text)
    if not opening:
        return {}, []
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        return {}, [Problem(display, 1, 1, "the front matter opened here is never closed; "
                                           "end it with a line '---' before the first slide")]
    document, problems = parse_yaml(text[opening.end():closing.start()], display)
    problems = [Problem(p.path, p.line + 1 if p.line else 1, p.col or 1, f"front matter: {p.message}") for p in problems]
    if problems or document is None or document.data is None:
        return {}, problems
    if not isinstance(document.data, dict):
        return {}, [Problem(display, 2, 1, "the front matter must be a mapping of Marp directives, "
                                           "such as 'marp: true' and 'paginate: true', one per line")]
    problems = []
    for name, allowed in (("theme", MARP_THEMES), ("math", MATH)):
        value = document.data.get(name)
        if value is not None and value not in allowed:
            line, col = document.positions.of_value((name,))
            hint = did_you_mean(str(value), allowed, 0.5, "did you mean {!r}? ")
            problems.append(Problem(display, line + 1, col, f"front matter: unknown {name} {value!r}; {hint}"
                                                            f"Marp knows {', '.join(allowed)}"))
    return document.data, problems


def _images(text: str, path: Path, display: str, layout: Layout) -> tuple[tuple[Path, ...], list[Problem]]:
    docs = layout.docs.resolve()
    images: list[Path] = []
    problems = []
    for url, offset in find_images(text):
        line, col = line_col(text, offset)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            problems.append(Problem(display, line, col, f"the image {url!r} is not a file of the project; "
                                                        "the deck must not fetch anything when it is shown: "
                                                        "save the image beside the deck and name it by its path"))
            continue
        target = (path.parent / unquote(parts.path)).resolve()
        if not target.is_relative_to(docs):
            problems.append(Problem(display, line, col, f"the image {url!r} is outside {layout.docs_dir}/, where the "
                                                        "site cannot publish it; move it beside the deck"))
        elif not target.is_file():
            near = did_you_mean(Path(parts.path).name, [p.name for p in target.parent.glob("*")] if target.parent.is_dir() else [],
                                0.6, "did you mean {!r}? ")
            problems.append(Problem(display, line, col, f"the image {url!r} is not in the repository; {near}"
                                                        "add the file or fix the path (relative to the deck)"))
        elif target not in images:
            images.append(target)
    return tuple(images), problems
