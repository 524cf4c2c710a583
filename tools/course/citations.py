"""Citations in hand-written pages: ``[@key]``, ``[@a; @b]`` and ``[@key, p. 3]``.

Each becomes a linked author-year citation ("(Vaswani et al. 2017)") and the
page gets a reference list at its end, or where ``<!-- course:references -->``
stands.  Text that Markdown does not read as Markdown is left alone, as
Markdown would: fenced code, inline code, raw HTML blocks and tags (so e-mail
autolinks and generated HTML are untouched), and a ``[@name](link)`` link.  An
unknown key is a problem at its line and column (of the key), for
``course check`` and for the build.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from markdown.util import BLOCK_LEVEL_ELEMENTS

from .data.load import CourseData
from .errors import CourseDataError, Problem
from .render import urls

_KEY = r"[A-Za-z0-9_][A-Za-z0-9_:.+/-]*(?<![.:])"
_ITEM = rf"@{_KEY}(?:\s*,[^;\[\]\n]*)?"
CITATION = re.compile(rf"(?<![\\!])\[\s*{_ITEM}(?:\s*;\s*{_ITEM})*\s*\](?![(\[])")
_PART = re.compile(rf"@({_KEY})(?:\s*,\s*([^;\]]*?))?\s*(?:;|\]$)")

REFERENCES_MARKER = "<!-- course:references -->"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.M)
_BLOCK_TAG = re.compile(r"^ {0,3}<(%s)(?=[\s/>])([^>]*)>?" % "|".join(BLOCK_LEVEL_ELEMENTS), re.M | re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<[a-z][a-z0-9+.-]*:[^<>\s]*>", re.I)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.M)


@dataclass(frozen=True)
class Cited:
    """One key in one citation, with where it stands in the text."""

    key: str
    locator: str
    start: int  # offset of the key in the text


@dataclass(frozen=True)
class Citation:
    start: int
    end: int
    items: tuple[Cited, ...]


def find_citations(text: str) -> list[Citation]:
    """Every citation Markdown would see in ``text`` (a page, with or without front matter)."""
    spans = _protected(text)
    starts = [s for s, _ in spans]
    found = []
    for match in CITATION.finditer(text):
        i = bisect.bisect_right(starts, match.start()) - 1
        if i >= 0 and spans[i][1] > match.start():
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        if not text[line_start:match.start()].strip() and text[match.end():match.end() + 1] == ":":
            continue  # "[@x]: https://..." is a link reference definition
        inner = match.group(0)
        items = tuple(Cited(m.group(1), " ".join((m.group(2) or "").split()), match.start() + m.start(1))
                      for m in _PART.finditer(inner))
        found.append(Citation(match.start(), match.end(), items))
    return found


def _protected(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans that are not Markdown text."""
    spans: list[tuple[int, int]] = []
    front = _FRONT_MATTER.match(text)
    pos = front.end() if front else 0
    if front:
        spans.append((0, pos))
    while True:  # blocks: fences, raw HTML, comments
        found = [m for m in (_FENCE.search(text, pos), _BLOCK_TAG.search(text, pos), _COMMENT.search(text, pos)) if m]
        first = min(found, key=lambda m: m.start()) if found else None
        gap_end = first.start() if first else len(text)
        spans += _inline_spans(text, pos, gap_end)
        if first is None:
            break
        end = _block_end(text, first)
        if end is None:  # e.g. <div markdown>: its content is Markdown; only the tag is not
            end = first.end()
        spans.append((first.start(), end))
        pos = max(end, first.start() + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inline_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Code spans and HTML tags between ``start`` and ``end``; code spans never cross a blank line."""
    spans = []
    bounds = [start] + [x for m in _PARAGRAPH_BREAK.finditer(text, start, end) for x in (m.start(), m.end())] + [end]
    for para_start, para_end in zip(bounds[::2], bounds[1::2]):
        for pattern in (_INLINE_CODE, _TAG):
            spans += [m.span() for m in pattern.finditer(text, para_start, para_end)]
    return spans


def _block_end(text: str, match: re.Match) -> int | None:
    """Where a fenced block, raw HTML block or comment that starts at ``match`` ends."""
    if match.re is _COMMENT:
        return match.end()
    if match.re is _FENCE:
        fence = match.group(1)
        close = re.compile(rf"^[ \t]*{fence[0]}{{{len(fence)},}}[ \t]*$", re.M)
        line_end = text.find("\n", match.end())
        found = close.search(text, line_end + 1) if line_end >= 0 else None
        return found.end() if found else len(text)
    tag, attributes = match.group(1).lower(), match.group(2) or ""
    if re.search(r"(^|\s)markdown(\s*=|\s|$)", attributes):
        return None
    if tag == "hr":
        return match.end()
    depth = 0
    for m in re.finditer(rf"<(/?){tag}(?=[\s/>])[^>]*>", text[match.start():], re.I):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return match.start() + m.end()
    return len(text)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _unknown(key: str, data: CourseData) -> str:
    bib = data.bibliography
    name = bib.display if bib is not None else data.layout.bibliography
    close = difflib.get_close_matches(key, bib.keys(), n=1, cutoff=0.7) if bib is not None else []
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown paper key {key!r} in citation; {hint}add it to {name} or fix the key"


def _problems(text: str, display: str, data: CourseData) -> list[Problem]:
    bib = data.bibliography
    problems = []
    for citation in find_citations(text):
        for item in citation.items:
            if bib is None or item.key not in bib:
                line, col = _line_col(text, item.start)
                problems.append(Problem(display, line, col, _unknown(item.key, data)))
    return problems


# --- build -------------------------------------------------------------------------------


def render_citations(markdown: str, page_src: str, data: CourseData, *, source: Path | None = None,
                     display: str | None = None) -> str:
    """Replace citations with linked author-year labels and append a reference list.

    ``source``/``display``: the page's file in docs_dir (if it is one) and its name, so an unknown
    key is reported where the instructor typed it (MkDocs hands us the text without front matter).
    """
    citations = find_citations(markdown)
    if not citations:
        return markdown
    bib = data.bibliography
    if bib is None or any(item.key not in bib for c in citations for item in c.items):
        raise CourseDataError(_build_problems(markdown, page_src, data, source, display))
    from .render.env import environment

    macros = environment().get_template("paper_citations.md.j2").module
    out, last, seen = [], 0, set()
    for citation in citations:
        ids = []
        for item in citation.items:
            ids.append("" if item.key in seen else cite_anchor(item.key))
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


def cite_anchor(key: str) -> str:
    """The id of a page's first citation of ``key`` (paper pages link back to it)."""
    return "cite-" + urls.paper_slug(key)


def _build_problems(markdown, page_src, data, source, display) -> list[Problem]:
    if source is not None and source.is_file():
        problems = _problems(source.read_text(encoding="utf-8"), display or page_src, data)
        if problems:
            return problems
    notes = _notes_file(page_src, data)
    if notes is not None:
        problems = _problems(notes.read_text(encoding="utf-8"), _show(notes, data), data)
        if problems:
            return problems
    return _problems(markdown, display or page_src, data)


def _notes_file(page_src: str, data: CourseData) -> Path | None:
    """The instructor notes file shown on a paper page, if ``page_src`` is one."""
    if data.bibliography is None or not page_src.startswith("papers/"):
        return None
    for key in data.bibliography.keys():
        if urls.paper_page(key) == page_src:
            path = notes_path(data, key)
            return path if path.is_file() else None
    return None


def notes_path(data: CourseData, key: str) -> Path:
    return data.layout.data / "notes" / f"{key}.md"


def _show(path: Path, data: CourseData) -> str:
    try:
        return path.relative_to(data.layout.root).as_posix()
    except ValueError:
        return path.as_posix()


# --- course check ------------------------------------------------------------------------------


def check_citations(pages: dict[str, str], data: CourseData, docs_display: str) -> list[Problem]:
    """Problems for unknown keys cited in hand-written pages and paper notes (``path:line:col``)."""
    problems = []
    for src, text in sorted(pages.items()):
        problems += _problems(text, f"{docs_display}/{src}", data)
    notes_dir = data.layout.data / "notes"
    bib = data.bibliography
    for path in sorted(notes_dir.rglob("*.md")) if notes_dir.is_dir() else []:
        problems += _problems(path.read_text(encoding="utf-8"), _show(path, data), data)
        key = path.relative_to(notes_dir).with_suffix("").as_posix()
        if bib is not None and key not in bib:
            close = difflib.get_close_matches(key, bib.keys(), n=1, cutoff=0.7)
            hint = f"did you mean {close[0]}.md? " if close else ""
            problems.append(Problem(_show(path, data), 0, 0, f"notes for an unknown paper key {key!r}; {hint}"
                                                             f"name the file after a key in {bib.display}"))
    return problems


# --- backlinks --------------------------------------------------------------------------------


def citation_backlinks(hand_written: dict[str, str], data: CourseData) -> list:
    """A "citation" backlink for each paper cited on a hand-written page (to its first citation)."""
    from .graph import Backlink

    bib = data.bibliography
    if bib is None:
        return []
    sessions = {urls.session_page(s.id): s for s in data.sessions}
    links = []
    for src, text in sorted(hand_written.items()):
        keys = list(dict.fromkeys(i.key for c in find_citations(text) for i in c.items if i.key in bib))
        if not keys:
            continue
        session = sessions.get(src)
        where = (f"Cited in the notes for session {session.number}: {session.title}" if session
                 else f"Cited on the page \u201c{page_title(src, text)}\u201d")
        for key in keys:
            if urls.paper_page(key) != src:
                links.append(Backlink(key, "citation", where, src, cite_anchor(key), (src,)))
    return links


def page_title(src: str, text: str) -> str:
    """What a reader sees as the page's title: front matter title, first heading, or the file name."""
    front = _FRONT_MATTER.match(text)
    if front:
        title = _TITLE.search(front.group(0))
        if title:
            return title.group(1).strip("\"'")
    body = text[front.end():] if front else text
    spans = _protected(body)
    for heading in _HEADING.finditer(body):
        if not any(s <= heading.start() < e for s, e in spans):
            return re.sub(r"\s*\{[^}]*\}\s*$", "", heading.group(1))
    stem = Path(src).stem if Path(src).stem != "index" else (Path(src).parent.name or "Home")
    return stem.replace("-", " ").replace("_", " ").capitalize()
