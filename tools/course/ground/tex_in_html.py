"""The maths in a page's HTML, found as KaTeX's auto-render finds it in the browser, so that the build can
typeset it instead (a page then ships no KaTeX script: 276 kB, and no flash of TeX source on a slow phone).

Auto-render's rules: only the text of the page's content (Material's ``<article>``), never inside ``pre``,
``code``, ``script``, ``style``, ``textarea``, ``option``, ``noscript``, ``svg`` or an element of the ignored
classes (a BibTeX block, the hidden copy of a code cell that its copy button copies, a notebook's text and
HTML outputs; its Markdown and LaTeX outputs, which say what the code computed, are typeset); the delimiters ``$$ $$`` and ``\\[ \\]`` (display)
and ``$ $`` and ``\\( \\)`` (inline), the first to open wins; a closing delimiter counts only outside braces,
and a backslash escapes the character after it.  A delimiter that is never closed is text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

DELIMITERS = (("$$", "$$", True), ("$", "$", False), ("\\(", "\\)", False), ("\\[", "\\]", True))
IGNORED_TAGS = frozenset({"pre", "code", "script", "style", "textarea", "option", "noscript", "svg", "math"})
IGNORED_CLASSES = frozenset({"cs-bibtex", "clipboard-copy-txt", "jp-RenderedText", "jp-RenderedHTML", "katex"})

_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>", re.S)
_CLASS = re.compile(r"""(?:^|\s)class\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_FLAT = frozenset({"pre", "code", "script", "style", "textarea"})  # elements that hold no other element of their kind
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_CONTENT = re.compile(r"<article\b[^>]*>")
_OPENING = re.compile("|".join(re.escape(left) for left, _, _ in DELIMITERS))

Render = Callable[[str, bool], "str | None"]  # (TeX, display) -> HTML, or None to leave the source


def may_have_maths(page: str) -> bool:
    """A quick test that passes every page with maths (and some without)."""
    return "$" in page or "\\(" in page or "\\[" in page


def typeset(page: str, render: Render) -> str:
    """``page`` with the maths of its content replaced by what ``render`` makes of it."""
    start = _CONTENT.search(page)
    end = page.rfind("</article>")
    if start is None or end < start.end() or not may_have_maths(page[start.end():end]):
        return page
    return page[:start.end()] + _typeset_region(page[start.end():end], render) + page[end:]


Delimiter = tuple[str, str, bool]  # left, right, display


def pieces(text: str) -> list[tuple[str, Delimiter | None]]:
    """``text`` (plain, not HTML) split into (text, None) and (TeX, its delimiters) pieces."""
    out: list[tuple[str, Delimiter | None]] = []
    position = 0
    while True:
        match = _OPENING.search(text, position)
        if match is None:
            break
        delimiter = next(d for d in DELIMITERS if d[0] == match[0])
        right = delimiter[1]
        close = _closing(text, right, match.end())
        if close < 0:
            break
        if match.start() > position:
            out.append((text[position:match.start()], None))
        out.append((text[match.end():close], delimiter))
        position = close + len(right)
    if position < len(text):
        out.append((text[position:], None))
    return out


def _closing(text: str, right: str, start: int) -> int:
    """Where ``right`` closes the maths that starts at ``start``, or -1 (auto-render's findEndOfMath)."""
    depth, index = 0, start
    while index < len(text):
        character = text[index]
        if depth <= 0 and text.startswith(right, index):
            return index
        if character == "\\":
            index += 1
        elif character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
        index += 1
    return -1


def _typeset_region(region: str, render: Render) -> str:
    out, position, search_from = [], 0, 0
    skipping: list[str] = []  # the tag that began the ignored element, once per level of its own nesting
    while (tag := _TAG.search(region, search_from)) is not None:
        if tag.start() > position:
            text = region[position:tag.start()]
            out.append(text if skipping else _typeset_text(text, render))
        position = search_from = tag.end()
        out.append(tag[0])
        closing, name, attributes = tag[1], (tag[2] or "").lower(), tag[3] or ""
        if not name or name in _VOID or attributes.rstrip().endswith("/"):
            continue
        if skipping:
            if name == skipping[0]:
                if closing:
                    skipping.pop()
                else:
                    skipping.append(name)
        elif not closing and name in _FLAT:  # code, a script: straight to its end (not tag by tag: a notebook's
            end = _closing_tag(region, name, tag.end())  # highlighted code is thousands of spans)
            out.append(region[tag.end():end])
            position = search_from = end
        elif not closing and (name in IGNORED_TAGS or _ignored_class(attributes)):
            skipping.append(name)
    if position < len(region):
        out.append(region[position:] if skipping else _typeset_text(region[position:], render))
    return "".join(out)


def _closing_tag(region: str, name: str, start: int) -> int:
    """Where the element ``name`` that opened before ``start`` closes (its closing tag is left to the loop)."""
    match = re.compile(rf"</{name}\s*>", re.I).search(region, start)
    return match.start() if match else len(region)


def _ignored_class(attributes: str) -> bool:
    match = _CLASS.search(attributes)
    return match is not None and not IGNORED_CLASSES.isdisjoint((match[1] or match[2] or match[3] or "").split())


def _typeset_text(escaped: str, render: Render) -> str:
    """One run of text between tags (HTML-escaped), its maths typeset; untouched where it has none."""
    if not may_have_maths(escaped):
        return escaped
    split = pieces(html.unescape(escaped))
    if all(delimiter is None for _, delimiter in split):
        return escaped
    out = []
    for text, delimiter in split:
        typeset_html = render(text, delimiter[2]) if delimiter is not None else None
        if typeset_html is not None:
            out.append(typeset_html)
        else:  # text, or maths the renderer left for the browser's KaTeX: as it was
            out.append(html.escape(text if delimiter is None else delimiter[0] + text + delimiter[1], quote=False))
    return "".join(out)
