"""The raw HTML blocks of a page's Markdown, set aside so that Markdown need not parse them.

A generated page is mostly HTML blocks between a few Markdown headings, and Python-Markdown reads each of
them with its HTML parser (twice, with MkDocs' own pass for anchors) only to copy it to the output
unchanged.  ``set_aside`` puts a short comment in the place of each block and ``put_back`` puts the block
back in the converted page: the same page, for a fraction of the work.

Only what Markdown would certainly copy as it is is set aside: a block that opens with a block-level tag
at the start of a line, after a blank line, and closes (every tag it opened closed, as Python-Markdown
counts them) at the end of a line, before a blank line.  Anything this scanner cannot read as Markdown
would (a fence, a ``<script>``, a ``markdown`` attribute, a tag it does not recognise, text after a
closing tag) ends the scan: the rest of the page is left to Markdown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markdown.util import BLOCK_LEVEL_ELEMENTS

_BLOCK = frozenset(BLOCK_LEVEL_ELEMENTS)
_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
_TOKEN = re.compile(  # groups: close, tag, attributes, empty; comment; anything else a parser may read as markup
    r"""<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-\w:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(/?)>"""
    r"|(<!--(?:(?!--!?>).)*?-->)"
    r"|(<(?=[a-zA-Z/!?])|^[ \t]*(?:`{3,}|~{3,}))",  # or a fence
    re.S | re.M,
)
_ANCHOR = re.compile(rf"(?:^|\s)(id|name){_VALUE}", re.I)  # in a tag's attributes
_STOP = frozenset({"script", "style", "textarea", "title"})  # content not read as tags
_BLANK_AFTER = re.compile(r"[ ]*(?:\n[ ]*\n|\n?[ ]*\Z)")  # a blank line, or the end of the page
_NEXT_LINE = re.compile(r"[ ]*\n<")
_EMPTY = frozenset({"hr"})  # Python-Markdown's tags that never open a block

MARK = "<!--course:raw {}-->"
_MARK = re.compile(r"<!--course:raw (\d+)-->")


@dataclass(frozen=True)
class Block:
    html: str
    element: bool  # one element (what its first tag says holds for all of it), not lines of several
    ids: frozenset[str] = frozenset()  # its ids (an ``id``, or an ``<a name>``): places a link may point to


def set_aside(markdown: str) -> tuple[str, list[Block]]:
    """``markdown`` with its raw HTML blocks each replaced by ``MARK``, and the blocks, in order."""
    if "<!--course:raw" in markdown:
        return markdown, []
    blocks: list[Block] = []
    elements = 0  # in the block being read
    ids: set[str] = set()  # of the block being read
    out: list[str] = []
    last = 0  # the end of what is copied to ``out``
    stack: list[str] = []
    start = -1  # where the raw block being read began, -1 outside one
    follows = False  # a block ended at the end of a line, and the next line must open the next block
    for match in _TOKEN.finditer(markdown):
        close, tag, attrs, empty, _, other = match.groups()
        if tag is None:
            if other is not None:
                break  # a fence, or markup this scanner does not read
            if not stack and _opens_block(markdown, match.start()) is not None:
                if follows or not _BLANK_AFTER.match(markdown, match.end()):
                    break  # a comment that makes a block of its own, with text after it
            continue
        tag = tag.lower()
        if tag in _STOP or attrs and "markdown" in attrs and re.search(r"(?:^|\s)markdown\b", attrs):
            break
        empty = empty or tag in _EMPTY
        if stack:  # inside a block, only the tags count
            if not close:
                if attrs and ("id" in attrs or "ID" in attrs or "name" in attrs):
                    ids.update(_anchors(tag, attrs))
                if not empty:
                    stack.append(tag)
                continue
            if tag in stack:
                while stack.pop() != tag:
                    pass
            if stack:
                continue
            elements += 1
            if _BLANK_AFTER.match(markdown, match.end()):
                if start >= 0:
                    blocks.append(Block(markdown[start:match.end()], elements == 1, frozenset(ids)))
                    out += [markdown[last:start], MARK.format(len(blocks) - 1)]
                    last = match.end()
                start = -1
            elif _NEXT_LINE.match(markdown, match.end()):
                follows = True  # Markdown copies the next block right after this one
            else:
                break  # text after the block's last tag, on its line
            continue
        indent = _opens_block(markdown, match.start()) if not close and tag in _BLOCK else None
        if indent is None:  # an inline tag
            if follows:
                break
            continue
        if empty or follows and indent or markdown[match.end(2)] not in " >":
            break  # a block of one tag, or one that Python-Markdown reads otherwise
        if not follows:
            start = match.start() if not indent and _after_blank(markdown, match.start()) else -1
            elements = 0
            ids = set()
        follows = False
        if attrs and ("id" in attrs or "ID" in attrs or "name" in attrs):
            ids.update(_anchors(tag, attrs))
        stack.append(tag)
    if not blocks:
        return markdown, []
    out.append(markdown[last:])
    return "".join(out), blocks


def _anchors(tag: str, attrs: str) -> list[str]:
    """The ids a tag gives: its ``id``, or an ``<a>``'s ``name`` (as MkDocs counts them)."""
    return [html.unescape(next((v for v in values if v), "")) for name, *values in _ANCHOR.findall(attrs)
            if name.lower() == "id" or tag == "a"]


def _opens_block(text: str, at: int) -> str | None:
    """The spaces before ``at`` where it may open a block (at most three from the start of its line), else None."""
    line_start = text.rfind("\n", 0, at) + 1
    indent = text[line_start:at]
    if len(indent) > 3 or indent.strip(" "):
        return None
    return indent


def _after_blank(text: str, line_start: int) -> bool:
    """Whether the line that starts at ``line_start`` is the first of the text or follows a blank line."""
    if line_start == 0:
        return True
    previous = text.rfind("\n", 0, line_start - 1) + 1
    return not text[previous:line_start - 1].strip(" ")


def put_back(converted: str, blocks: list[Block], *, leave: frozenset[int] = frozenset()) -> str:
    """The page Markdown made of ``set_aside``'s text, with the blocks in their places again (but the
    marks of those whose index is in ``leave``)."""
    if not blocks:
        return converted
    return _MARK.sub(lambda m: m[0] if int(m[1]) in leave else blocks[int(m[1])].html, converted)


def anchor_ids(blocks: list[Block]) -> set[str]:
    """The ids the blocks give: places a link may point to."""
    return set().union(*(block.ids for block in blocks))


_UNSEARCHED = re.compile(r"<[a-zA-Z][a-zA-Z0-9-]*\s(?:[^>]*?\s)?data-search-exclude[\s=>]")
_HEADING_ID = re.compile(r"<h[1-6]\s[^>]*?\bid\s*=", re.I)


def unsearched(block: Block) -> bool:
    """Whether the block is one element marked ``data-search-exclude`` (Material's search skips what is in it),
    with no heading a search would list by its id."""
    return block.element and _UNSEARCHED.match(block.html) is not None and not _HEADING_ID.search(block.html)
