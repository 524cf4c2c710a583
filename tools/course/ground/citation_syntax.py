"""Citation syntax in Markdown: ``[@key]``, ``[@a; @b]`` and ``[@key, p. 3]``, found where Markdown would see them.

Text that Markdown does not read as Markdown is left alone, as Markdown would:
fenced code, inline code, raw HTML blocks and tags (so e-mail autolinks and
generated HTML are untouched), and a ``[@name](link)`` link.  Each citation
keeps the offset of every key, so a problem can name its line and column.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from markdown.util import BLOCK_LEVEL_ELEMENTS

_KEY = r"[A-Za-z0-9_][A-Za-z0-9_:.+/-]*(?<![.:])"
_ITEM = rf"@{_KEY}(?:\s*,[^;\[\]\n]*)?"
CITATION = re.compile(rf"(?<![\\!])\[\s*{_ITEM}(?:\s*;\s*{_ITEM})*\s*\](?![(\[])")
_MAY_CITE = re.compile(r"\[\s*@")  # what every citation starts with: a quick test before the full search
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


_URL_LIKE = re.compile(r":[ \t]*(<|[a-z][a-z0-9+.-]*://|mailto:|/|#|\.\.?/)", re.I)


def link_definition_lookalikes(text: str) -> list[int]:
    """Offsets of citations Markdown drops by mistake: ``[@key]: text`` at the start of a line is a link
    reference definition (its "URL" the first word after the colon), so the citation and that word vanish.
    One whose target looks like an address (``[@ref]: https://...``) is meant as a link definition."""
    spans = _protected(text)
    found = []
    for match in CITATION.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if (not text[line_start:match.start()].strip() and text[match.end():match.end() + 1] == ":"
                and not _URL_LIKE.match(text, match.end()) and not any(s <= match.start() < e for s, e in spans)):
            found.append(match.start())
    return found


def find_citations(text: str, *, markdown: bool = True) -> list[Citation]:
    """Every citation Markdown would see in ``text`` (a page, with or without front matter); with
    ``markdown=False``, every citation in the text of HTML made from Markdown (a converted notebook)."""
    spans = _protected(text) if markdown else []
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


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1



_PERCENT_CELL = re.compile(r"^# %%(.*)$")


def percent_markdown(source: str) -> str:
    """The Markdown cells of a jupytext percent notebook (``# %% [markdown]``, each line ``# text``), every
    other line blank and each ``# `` kept as two spaces: citations found there have the line and column
    they have in the ``.py`` file."""
    out, in_markdown = [], False
    for line in source.split("\n"):
        cell = _PERCENT_CELL.match(line)
        if cell:
            in_markdown = "[markdown]" in cell.group(1) or "[md]" in cell.group(1)
            out.append("")
        elif in_markdown and (line == "#" or line.startswith("# ")):
            out.append("  " + line[2:])
        else:
            out.append("")
    return "\n".join(out)


def percent_title(markdown: str, name: str) -> str:
    """A notebook's title from its ``percent_markdown``: its first ``#`` heading, or its name."""
    heading = re.search(r"(?m)^ {0,3}# +(.+?)\s*#*\s*$", markdown)
    return heading.group(1) if heading else name


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


def cited_keys(text: str) -> list[str]:
    """The keys ``text`` cites, each once, in the order of their first citation."""
    return list(dict.fromkeys(item.key for citation in find_citations(text) for item in citation.items))


_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")


def find_images(text: str) -> list[tuple[str, int]]:
    """Every Markdown image ``![alt](url)`` Markdown would see in ``text``: its URL and the URL's offset."""
    spans = _protected(text)
    starts = [s for s, _ in spans]
    found = []
    for match in _IMAGE.finditer(text):
        i = bisect.bisect_right(starts, match.start()) - 1
        if i < 0 or spans[i][1] <= match.start():
            found.append((match.group(1), match.start(1)))
    return found


def may_cite(text: str) -> bool:
    """Whether ``text`` may hold a citation (a quick test: one that says no saves the full search)."""
    return _MAY_CITE.search(text) is not None
