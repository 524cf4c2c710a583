"""Less of a rendered notebook for the reader to fetch and for the search to parse.

``used_css``: mkdocs-jupyter's notebook stylesheet (about 590 kB, JupyterLab's whole style sheet) cut to
the rules whose class names all occur in the rendered notebooks (the PurgeCSS rule: a selector stays
when every class it names is used; tags, ids and pseudo-classes are not judged) and the custom
properties those rules reach.  ``searchable``: what of a notebook the search indexes, its headings and
prose (Markdown cells), without the code and outputs.
"""

from __future__ import annotations

import re

import tinycss2

_CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_FUNCTIONAL = re.compile(r":[\w-]+\([^()]*\)")  # :not(.x), :is(.a, .b): not judged (kept)
_NESTED = ("media", "supports", "layer", "container")


def used_classes(bodies) -> frozenset[str]:
    return frozenset(name for body in bodies for m in _CLASS_ATTR.finditer(body) for name in m[1].split())


def used_css(css: str, classes: frozenset[str]) -> str:
    """``css`` without the rules no element of the notebooks can match, nor custom properties no kept rule reads."""
    rules = _keep_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), classes)
    return _drop_unread_properties(rules)


def _keep_rules(nodes, classes) -> list:
    kept = []
    for node in nodes:
        if node.type == "qualified-rule":
            selectors = _split_selectors(tinycss2.serialize(node.prelude))
            alive = [s for s in selectors if all(c in classes for c in _CLASS.findall(_FUNCTIONAL.sub("", s)))]
            if alive:
                kept.append((", ".join(alive), tinycss2.serialize(node.content).strip()))
        elif node.type == "at-rule" and node.lower_at_keyword in _NESTED and node.content is not None:
            inner = _keep_rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True), classes)
            if inner:
                kept.append((f"@{node.at_keyword} {tinycss2.serialize(node.prelude).strip()}", inner))
        elif node.type == "at-rule" and node.lower_at_keyword != "charset":  # @charset is only valid first
            kept.append((None, node.serialize()))
    return kept


def _split_selectors(prelude: str) -> list[str]:
    """``a, b:is(c, d)`` -> ``["a", "b:is(c, d)"]``: commas inside parentheses do not separate selectors."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(prelude[start:i].strip())
            start = i + 1
    return parts + [prelude[start:].strip()]


def _declarations(body: str) -> list[tuple[str, str]]:
    parsed = tinycss2.parse_blocks_contents(body, skip_comments=True, skip_whitespace=True)
    return [(d.name if d.name.startswith("--") else d.lower_name, tinycss2.serialize(d.value).strip() + (" !important" if d.important else ""))
            for d in parsed if d.type == "declaration"]


def _drop_unread_properties(rules) -> str:
    flat: list[tuple[str, list[tuple[str, str]]]] = []

    def walk(items):
        for prelude, body in items:
            if isinstance(body, list):
                walk(body)
            elif prelude is not None:
                flat.append((prelude, _declarations(body)))

    walk(rules)
    defined: dict[str, str] = {}  # every value each property is given (the dark scheme gives others)
    for _, decls in flat:
        for name, value in decls:
            if name.startswith("--"):
                defined[name] = defined.get(name, "") + " " + value
    read = {v for _, decls in flat for name, value in decls if not name.startswith("--") for v in _VAR.findall(value)}
    todo = list(read)
    while todo:  # a property read through another property's value
        for name in _VAR.findall(defined.get(todo.pop(), "")):
            if name not in read:
                read.add(name)
                todo.append(name)

    def write(items) -> list[str]:
        out = []
        for prelude, body in items:
            if prelude is None:
                out.append(body)
            elif isinstance(body, list):
                inner = write(body)
                if inner:
                    out.append(prelude + "{" + "".join(inner) + "}")
            else:
                decls = [f"{n}:{v}" for n, v in _declarations(body) if not n.startswith("--") or n in read]
                if decls:
                    out.append(prelude + "{" + ";".join(decls) + "}")
        return out

    return "\n".join(write(rules)) + "\n"


_CELL_START = '<div class="jp-Cell '  # a cell's outer element (the inner one has an id)
_CELL = re.compile(re.escape(_CELL_START))
_TAG_DIV = re.compile(r'</?div\b[^>]*>|<a class="anchor-link"[^>]*>[^<]*</a>')


def searchable(body: str) -> str:
    """The notebook's Markdown cells (headings and prose), for the search index; code and outputs left out."""
    chunks = _CELL.split(body)[1:]
    return "\n".join(_TAG_DIV.sub("", chunk.partition(">")[2]) for chunk in chunks
                     if "jp-MarkdownCell" in chunk.partition('"')[0].split())  # its classes


# Figures: the outputs' base64 images become files the page loads lazily (an image below the fold is not
# fetched on a first visit), with their size given so the layout does not move when they arrive.
_DATA_IMAGE = re.compile(r'<img([^>]*?) src="data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=\s]+)"([^>]*?)/?>')
_SIZED = re.compile(r'\b(width|height)="')


def figures(body: str) -> dict[str, bytes]:
    """``digest.ext`` -> bytes of each inline image of ``body``."""
    return {_figure_name(m[2], data): data for m in _DATA_IMAGE.finditer(body) for data in [_decode(m[3])]}


_CODE_BLOCK = re.compile(r'(<div class="highlight-ipynb[^"]*"><pre)>')


def focusable_code(body: str) -> str:
    """Code cells scroll sideways (a long line is not broken mid-identifier), so each is reachable by keyboard
    (WCAG: a scrollable region must be focusable)."""
    return _CODE_BLOCK.sub(r'\1 tabindex="0">', body)


# Pygments wraps every name (n) and every run of spaces (w) of the code in a span of its own. Neither has a
# colour of its own here (no stylesheet colours a notebook's .n; .w is blank), so they can be plain text:
# a tenth of a notebook page's HTML, the same to see and to copy.
_PLAIN_TOKEN = re.compile(r'<span class="[nw]">([^<]*)</span>')


def plain_tokens(body: str) -> str:
    return _PLAIN_TOKEN.sub(r"\1", body)


# A notebook's cells are laid out as they near the screen (course.css: content-visibility), except a cell with a
# heading: the table of contents reads each heading's position at start-up and whenever the page's height
# changes, and reading it inside a cell not laid out yet lays that whole cell out there and then (on a phone,
# a tenth of a second each time, blocking the page).
_HEADING = re.compile(r'<h[1-6] id="')


def mark_heading_cells(body: str) -> str:
    first, *cells = body.split(_CELL_START)
    return first + "".join(_CELL_START + ("nb-heading-cell " if _HEADING.search(cell) else "") + cell for cell in cells)


def link_figures(body: str, href) -> str:
    """``body`` with each inline image replaced by ``href(name)`` (a name from ``figures``), loaded lazily and
    linked to itself: a tap opens it full size, to zoom on a phone. Its size is the one the notebook gave
    (a 2x "retina" figure says its display size) or else its pixels'."""

    def replace(match: re.Match) -> str:
        data = _decode(match[3])
        url = href(_figure_name(match[2], data))
        size = _png_size(data) if match[2] == "png" and not _SIZED.search(match[1] + match[4]) else None
        dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
        image = f'<img{match[1]} src="{url}"{match[4]}{dims} loading="lazy" decoding="async"/>'
        return f'<a class="nb-figure" href="{url}">{image}</a>'

    return _DATA_IMAGE.sub(replace, body)


def _decode(text: str) -> bytes:
    import base64

    return base64.b64decode("".join(text.split()))


def _figure_name(kind: str, data: bytes) -> str:
    import hashlib

    return f"{hashlib.sha256(data).hexdigest()[:20]}.{'jpg' if kind == 'jpeg' else kind}"


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
