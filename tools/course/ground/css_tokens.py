"""The class names and ids that can occur on a built site's pages, for ``css_purge``.

Two sources, read generously (a name kept for nothing costs a few bytes; a name missed unstyles a page):

- the pages' HTML: every ``class`` and ``id`` attribute, the values of Material's palette attributes
  (``data-md-color-primary="indigo"``), and every word of their inline scripts;
- the scripts the site ships: every identifier-like word of their text, since Material's bundle adds
  classes at run time (the search results, the copy button, the back-to-top button) from string
  literals.  Where it builds a class from a prefix and a value instead (``md-source__fact--${key}`` for
  the repository's stars and forks, ``tabbed-control--${direction}``), the prefix is kept as one:
  any class that starts with it can occur.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

from course.ground.css_purge import PALETTE, Tokens

# An attribute's value, quoted or not.  Each pattern starts with its name, lower case as every generator
# of the site writes it: a pattern that starts with a literal is searched for fast (a site's HTML is
# megabytes), and one that also matches ``data-id=`` or ``valid=`` keeps a few names more, no harm.
_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
_ATTRIBUTES = (re.compile("class" + _VALUE), re.compile("id" + _VALUE))
_PALETTE = re.compile(PALETTE + "[a-z]+" + _VALUE)
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script\s*>", re.S | re.I)
_WORD = re.compile(r"[A-Za-z_-][\w-]*")
# A template literal's text before a substitution, or a string that a `+` continues: a class prefix
# when it ends in a separator (`-`, `_`).  Found from the `${` or `"+` back (few, and fast to find).
_CONTINUED = re.compile(r"""\$\{|["']\s*\+""")
_PREFIX_BEFORE = re.compile(r"[A-Za-z_][\w-]*[-_]\Z")


def markup_names(html: str) -> set[str]:
    """The classes and ids of ``html``'s elements, and the words of its inline scripts."""
    values = {value for pattern in _ATTRIBUTES for value in pattern.findall(html)}  # ("x y", "", ""): one group matched
    names = {name for value in values for name in "".join(value).split()}
    for script in _INLINE_SCRIPT.finditer(html):
        names.update(_WORD.findall(script[1]))
    return names


def palette_values(html: str) -> set[str]:
    """The values of ``html``'s palette attributes (``data-md-color-primary="deep-purple"``)."""
    return {"".join(value) for value in _PALETTE.findall(html)}


def script_names(js: str) -> set[str]:
    return set(_WORD.findall(js))


def script_prefixes(js: str) -> set[str]:
    found = (_PREFIX_BEFORE.search(js, max(0, m.start() - 80), m.start()) for m in _CONTINUED.finditer(js))
    return {match[0] for match in found if match}


def page_tokens(html: str) -> Tokens:
    """What one HTML page lets occur."""
    return Tokens(_interned(markup_names(html)), frozenset(), _interned(palette_values(html)))


def script_tokens(js: str) -> Tokens:
    """What one script lets occur."""
    return Tokens(_interned(script_names(js)), _interned(script_prefixes(js)))


def union(parts: Iterable[Tokens]) -> Tokens:
    names: set[str] = set()
    prefixes: set[str] = set()
    palette: set[str] = set()
    for part in parts:
        names |= part.names
        prefixes |= part.prefixes
        palette |= part.palette
    return Tokens(frozenset(names), frozenset(prefixes), frozenset(palette))


def site_tokens(pages: Iterable[str], scripts: Iterable[str]) -> Tokens:
    """The tokens of a site whose HTML pages and scripts are ``pages`` and ``scripts`` (their texts)."""
    return union([*map(page_tokens, pages), *map(script_tokens, scripts)])


def _interned(names: set[str]) -> frozenset[str]:
    """One string object per name, however many pages have it: the per-page tokens kept between builds
    (``theme_css``) are then stored once per name."""
    return frozenset(map(sys.intern, names))
