"""papers.bib: the course's literature, parsed with bibtexparser v2.

This module is the narrow interface the rest of the generator uses: a
``Bibliography`` of ``Paper`` records (display fields decoded from LaTeX,
the raw entry kept for export) and the line each entry starts on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from pylatexenc.latex2text import LatexNodes2Text

from .errors import Problem

_LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def to_text(value: str) -> str:
    """Decode LaTeX accents and commands to Unicode and drop case-protecting braces."""
    text = _LATEX.latex_to_text(value) if ("\\" in value or "{" in value or "--" in value) else value
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Paper:
    key: str
    entry_type: str
    title: str
    authors: tuple[str, ...]  # "First Last" display names; "et al." marks "and others"
    year: str
    venue: str | None
    url: str | None
    doi: str | None
    eprint: str | None
    abstract: str | None
    keywords: tuple[str, ...]
    raw: str
    line: int

    @property
    def short_authors(self) -> str:
        """"Vaswani et al." / "Elhage and Nanda" / "Karpathy"."""
        surnames = [_surname(a) for a in self.authors if a != "et al."]
        if not surnames:
            return "Anon."
        if len(surnames) == 1 and "et al." not in self.authors:
            return surnames[0]
        if len(surnames) == 2 and "et al." not in self.authors:
            return f"{surnames[0]} and {surnames[1]}"
        return f"{surnames[0]} et al."

    @property
    def label(self) -> str:
        return f"{self.short_authors} {self.year}"


def _surname(name: str) -> str:
    return name.split()[-1] if " " in name and not name.startswith("{") else name


def _person(raw: str) -> str:
    raw = raw.strip()
    if raw.lower() == "others":
        return "et al."
    if "," in raw:
        last, _, first = raw.partition(",")
        raw = f"{first.strip()} {last.strip()}".strip()
    return to_text(raw)


def _split_people(value: str) -> tuple[str, ...]:
    depth, parts, current = 0, [], []
    tokens = re.split(r"(\{|\}|\s+and\s+)", value)
    for token in tokens:
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        if depth == 0 and re.fullmatch(r"\s+and\s+", token or ""):
            parts.append("".join(current))
            current = []
        else:
            current.append(token)
    parts.append("".join(current))
    return tuple(_person(p) for p in parts if p.strip())


@dataclass(frozen=True)
class Bibliography:
    path: Path
    display: str
    papers: dict[str, Paper] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.papers

    def __getitem__(self, key: str) -> Paper:
        return self.papers[key]

    def get(self, key: str) -> Paper | None:
        return self.papers.get(key)

    def keys(self) -> list[str]:
        return list(self.papers)


def load_bibliography(path: Path, display: str) -> tuple[Bibliography | None, list[Problem]]:
    if not path.exists():
        return None, []
    text = path.read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text)
    problems = [
        Problem(display, block.start_line + 1, 0, f"could not parse this entry: {getattr(block, 'error', 'invalid BibTeX')}")
        for block in library.failed_blocks
    ]
    papers: dict[str, Paper] = {}
    for entry in library.entries:
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        people = fields.get("author") or fields.get("editor") or ""
        venue = fields.get("journal") or fields.get("booktitle") or fields.get("howpublished") or fields.get("publisher")
        papers[entry.key] = Paper(
            key=entry.key,
            entry_type=entry.entry_type.lower(),
            title=to_text(fields.get("title", "")),
            authors=_split_people(people),
            year=fields.get("year", "").strip(),
            venue=to_text(venue) if venue else None,
            url=fields.get("url"),
            doi=fields.get("doi"),
            eprint=fields.get("eprint"),
            abstract=to_text(fields["abstract"]) if fields.get("abstract") else None,
            keywords=tuple(k.strip() for k in fields.get("keywords", "").split(",") if k.strip()),
            raw=entry.raw,
            line=entry.start_line + 1,
        )
    return Bibliography(path, display, papers), problems
