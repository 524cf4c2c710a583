"""papers.bib: the course's literature, parsed with bibtexparser v2.

This module is the narrow interface the rest of the generator uses: a
``Bibliography`` that knows its keys and the line each entry starts on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser

from .errors import Problem


@dataclass(frozen=True)
class Bibliography:
    path: Path
    display: str
    lines: dict[str, int] = field(default_factory=dict)  # key -> line of its entry

    def __contains__(self, key: str) -> bool:
        return key in self.lines

    def keys(self) -> list[str]:
        return list(self.lines)


def load_bibliography(path: Path, display: str) -> tuple[Bibliography | None, list[Problem]]:
    if not path.exists():
        return None, []
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    problems = [
        Problem(display, block.start_line + 1, 0, f"could not parse this entry: {getattr(block, 'error', 'invalid BibTeX')}")
        for block in library.failed_blocks
    ]
    lines = {entry.key: entry.start_line + 1 for entry in library.entries}
    return Bibliography(path, display, lines), problems
