"""Where a BibTeX value's braces and quotes close: the small scanners ``bibtex_source`` resolves values with."""

from __future__ import annotations

import re

_BRACE = re.compile(r"[{}]")


def one_group(value: str) -> bool:
    """Whether ``value`` is one ``{...}`` group: its first brace closes at its end."""
    if value[:1] != "{" or value[-1:] != "}":
        return False
    if value.count("{") == 1 or ("#" not in value and "=" not in value):
        return True  # a second group needs "#" before it; "} name =" is a missing comma
    depth = 0
    for match in _BRACE.finditer(value):
        depth += 1 if match.group(0) == "{" else -1
        if depth == 0:
            return match.end() == len(value)
    return False


def closing(text: str, start: int) -> int:
    """Index of the delimiter that closes the brace or quote at ``start`` (the end when unbalanced)."""
    depth = 0
    quote = text[start] == '"'
    for pos in range(start + 1, len(text)):
        ch = text[pos]
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0 and not quote:
                return pos
            depth -= 1
        elif ch == '"' and quote and depth == 0:
            return pos
    return len(text)
