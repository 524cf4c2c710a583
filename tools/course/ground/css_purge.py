"""A stylesheet without the rules that can never match: Material's main CSS styles every feature of
the theme (about 138 kB), a course site uses a fraction of them, and every first visit fetches it all.

``purge(css, tokens)`` drops a style rule when none of its selectors can match, given the class names
and ids that can occur (``Tokens``).  A selector can match unless it names a class or id that cannot
occur; it is judged on what it requires and nothing else, so the cut errs on the side of keeping:

- every compound counts: ``.md-typeset .tabbed-set > input`` needs both classes;
- ``:is()``, ``:where()``, ``:matches()``, ``:-webkit-any()``, ``:-moz-any()`` and ``:has()`` need one
  of their alternatives; ``:not()`` and every other function (``:nth-child(2n of .x)``) are not judged;
- tags, attributes, ``:root`` and pseudo-classes are not judged, except the values of Material's palette
  (``[data-md-color-primary=indigo]``): its stylesheet styles every colour the theme offers, a site shows
  the few its configuration names, which its pages carry as those attributes' values;
- ``@media``, ``@supports``, ``@container`` and ``@layer`` blocks are cut inside and dropped when
  nothing is left; every other at-rule (``@font-face``, ``@keyframes``, ``@property``, ``@page``,
  ``@charset``) is kept as it is;
- a stylesheet that holds anything the parser cannot read (a bad string, a stray bracket) comes back
  unchanged: a cut that might break the CSS is not worth its bytes.

Kept rules are written back as tinycss2 serialises them: the same tokens, no whitespace added.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import tinycss2
from tinycss2.ast import FunctionBlock, HashToken, IdentToken, LiteralToken, ParseError, SquareBracketsBlock, StringToken

_NESTED = frozenset({"media", "supports", "container", "layer"})  # blocks of style rules
_ANY_OF = frozenset({"is", "where", "matches", "-webkit-any", "-moz-any", "has"})
PALETTE = "data-md-color-"  # the attributes whose values are judged (see the module's notes)


@dataclass(frozen=True)
class Tokens:
    """The class names and ids that can occur (one set: a name that occurs as either counts for both), the
    prefixes of classes a script builds at run time (``md-source__fact--`` + a key): any class that starts with
    one can occur; and the values of Material's palette attributes that the pages carry (``deep-purple``)."""

    names: frozenset[str]
    prefixes: frozenset[str] = frozenset()
    palette: frozenset[str] = frozenset()

    def can_occur(self, name: str) -> bool:
        return name in self.names or any(name.startswith(prefix) for prefix in self.prefixes)

    def digest(self) -> str:
        text = "\n\n".join("\n".join(sorted(part)) for part in (self.names, self.prefixes, self.palette))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def digest_for(self, judged: tuple[frozenset[str], frozenset[str]]) -> str:
        """A digest of what ``purge(css, self)`` reads of these tokens, given ``judged(css)``: whether each class or
        id the stylesheet names can occur, and which of the palette values it names the pages carry. Tokens that
        agree on these cut ``css`` alike: a page's new id that no rule names (a notebook cell's) leaves the cut as it
        was."""
        names, values = judged
        text = json.dumps([sorted(filter(self.can_occur, names)), sorted(values & self.palette)])
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def judged(css: str) -> tuple[frozenset[str], frozenset[str]]:
    """Every class or id and every palette value that the selectors of ``css`` name, read by the parser as ``purge``
    reads them (escapes, comments and all): a superset of what a cut of ``css`` looks up in the tokens."""
    names: set[str] = set()
    values: set[str] = set()

    def selectors(tokens) -> None:
        previous = None
        for value in tokens:
            looked_up = _looked_up(value, previous)
            if looked_up is not None:
                (names if looked_up[0] == "name" else values).add(looked_up[1])
            elif isinstance(value, FunctionBlock):  # every function, :not() too: a superset
                selectors(value.arguments)
            previous = value

    def rules(nodes) -> None:
        for node in nodes:
            if node.type == "qualified-rule":
                selectors(node.prelude)
            elif node.type == "at-rule" and node.lower_at_keyword in _NESTED and node.content is not None:
                rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True))

    rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return frozenset(names), frozenset(values)


def purge(css: str, tokens: Tokens) -> str:
    """``css`` without the style rules none of whose selectors can match (see the module's notes)."""
    nodes = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    if _unreadable(nodes):
        return css
    return "".join(_kept(nodes, tokens))


def _kept(nodes, tokens: Tokens) -> list[str]:
    out = []
    for node in nodes:
        if node.type == "qualified-rule":
            selectors = _split(node.prelude)
            alive = [s for s in selectors if _can_match(s, tokens)]
            dead = [s for s in selectors if not any(s is a for a in alive)]
            if alive:
                # A selector list loses its dead selectors, unless one of them has a vendor prefix: a browser
                # that cannot read it ignores the whole rule, and the cut must not change that.
                if dead and not any(_vendor(s) for s in dead):
                    prelude = ",".join(tinycss2.serialize(s).strip() for s in alive)
                else:
                    prelude = tinycss2.serialize(node.prelude).strip()
                out.append(prelude + "{" + tinycss2.serialize(node.content) + "}")
        elif node.type == "at-rule" and node.lower_at_keyword in _NESTED and node.content is not None:
            inner = _kept(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True), tokens)
            if inner:
                out.append("@" + node.at_keyword + tinycss2.serialize(node.prelude) + "{" + "".join(inner) + "}")
        else:
            out.append(node.serialize())
    return out


def _split(values) -> list[list]:
    """A selector list's selectors: its values split at the commas outside brackets and functions."""
    parts: list[list] = [[]]
    for value in values:
        if isinstance(value, LiteralToken) and value.value == ",":
            parts.append([])
        else:
            parts[-1].append(value)
    return parts


def _can_match(selector, tokens: Tokens) -> bool:
    after_colon = False
    previous = None
    for value in selector:
        looked_up = _looked_up(value, previous)
        if looked_up is not None and not (tokens.can_occur(looked_up[1]) if looked_up[0] == "name"
                                          else looked_up[1] in tokens.palette):
            return False
        if isinstance(value, FunctionBlock) and after_colon and value.lower_name in _ANY_OF:
            if not any(_can_match(alternative, tokens) for alternative in _split(value.arguments)):
                return False
        after_colon = _is_literal(value, ":")
        previous = value
    return True


def _looked_up(value, previous) -> tuple[str, str] | None:
    """What a selector's ``value`` (after ``previous``) needs of the tokens, the one reading of it that both the cut
    (``_can_match``) and its cache key (``judged``) use: ("name", a class or id) or ("palette", the value of
    ``[data-md-color-x=value]``, which a page must carry: a script's words do not count, Material's copies the
    pages' values); None when it needs nothing (any other attribute selector, a tag, a pseudo-class)."""
    if isinstance(value, IdentToken) and _is_literal(previous, "."):
        return "name", value.value
    if isinstance(value, HashToken) and value.is_identifier:
        return "name", value.value
    if isinstance(value, SquareBracketsBlock):
        parts = [v for v in value.content if v.type != "whitespace"]
        if (len(parts) == 3 and isinstance(parts[0], IdentToken) and parts[0].lower_value.startswith(PALETTE)
                and _is_literal(parts[1], "=") and isinstance(parts[2], (IdentToken, StringToken))):
            return "palette", parts[2].value
    return None


def _vendor(selector) -> bool:
    """Whether the selector has a vendor-prefixed pseudo-class or pseudo-element (``::-webkit-scrollbar``)."""
    return any(_is_literal(before, ":") and isinstance(value, (IdentToken, FunctionBlock))
               and (value.value if isinstance(value, IdentToken) else value.name).startswith("-")
               for before, value in zip(selector, selector[1:]))


def _is_literal(value, char: str) -> bool:
    return isinstance(value, LiteralToken) and value.value == char


def _unreadable(values) -> bool:
    """Whether a parse error stands anywhere in ``values``, however deep (a rule's prelude or block)."""
    for value in values:
        if isinstance(value, ParseError):
            return True
        for attribute in ("prelude", "content", "arguments"):
            children = getattr(value, attribute, None)
            if isinstance(children, list) and _unreadable(children):
                return True
    return False
