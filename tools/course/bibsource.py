"""BibTeX read as text with positions: papers.bib into ``Paper`` records and ``Problem``s.

bibtexparser (v2) splits the file into blocks and never raises; its block
lines are 0-based, ours are the 1-based line of each ``@type{``.  Everything
BibTeX itself would resolve is done here, on the raw values: ``@string``
macros with ``#`` concatenation, the month macros, and ``crossref``
inheritance.  Every failed or duplicate block, every entry without a title,
author/editor or year, and every undefined macro or crossref becomes a
``Problem``.  Displayed fields are decoded from LaTeX; the raw entry is kept.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, String

from .bibliography import Bibliography, Paper, topic_slug
from .data.fields import check_url
from .errors import Problem
from .latex import parse_names, to_text
from .render.urls import paper_slug

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_MONTH_MACROS = {name[:3].lower(): name for name in MONTHS}
_MONTH_NAMES = {**_MONTH_MACROS, **{name.lower(): name for name in MONTHS}, "sept": "September"}
_TOKEN = re.compile(r"[^\s#{}\",=]+")
_BRACE = re.compile(r"[{}]")
ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")
_ARXIV_IN_TEXT = re.compile(r"arxiv(?:\.org/(?:abs|pdf)/|:\s*)([^\s/]+/\d{7}|\d{4}\.\d{4,5})(v\d+)?", re.I)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_LIST_SEPARATOR = re.compile(r"\s*[,;]\s*")
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.I)
_WEB_LINK = re.compile(r"^https?://[^/?#\s]", re.I)
# Fields a crossref child never takes from its parent (biblatex's defaults); the parent's
# title becomes the child's booktitle instead.
_NOT_INHERITED = {"crossref", "xref", "ids", "title", "subtitle", "titleaddon", "shorttitle", "sortkey"}


def parse(text: str, display: str, path: Path | None = None) -> tuple[Bibliography, list[Problem]]:
    """Parse and check BibTeX source; ``display`` names the file in problems."""
    loader = _Loader(text, display)
    with _quiet("bibtexparser"):  # it logs each failed block with 0-based lines; we report them ourselves
        library = bibtexparser.parse_string(text, parse_stack=[])  # raw values: macros and # are resolved here
    for block in library.blocks:
        if isinstance(block, String):
            loader.string(block)
    for block in library.failed_blocks:
        loader.failed(block)
    repeated = [b.ignore_error_block for b in library.failed_blocks if isinstance(b, DuplicateFieldKeyBlock)]
    entries = sorted((e for e in library.entries + repeated if loader.usable(e)), key=lambda e: e.start_line)
    fields = {e.key: loader.fields(e) for e in entries}
    by_lower = {e.key.lower(): e.key for e in entries}
    papers = []
    for entry in entries:
        values = _inherit(entry, fields, by_lower, loader)
        papers.append(_paper(entry, values, loader))
    papers = _disambiguate(papers)
    bibliography = Bibliography(path or Path(display), display, {p.key: p for p in papers}, loader.strings,
                                {e.key: tuple(sorted(loader.used.get(e.key, ()))) for e in entries})
    return bibliography, sorted(loader.problems)


@contextmanager
def _quiet(name: str):
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Loader:
    def __init__(self, text: str, display: str):
        self.text = text
        self.display = display
        self.problems: list[Problem] = []
        self.macros: dict[str, str] = dict(_MONTH_MACROS)
        self.strings: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.used: dict[str, set[str]] = {}
        self.keys: dict[str, tuple[str, int]] = {}  # lower-case key -> (key, line)
        self.slugs: dict[str, tuple[str, int]] = {}  # page slug -> (key, line)
        self.slugs_by_key: dict[str, str] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.display, line, 0, message))

    def string(self, block: String) -> None:
        line = block.start_line + 1
        used: set[str] = set()
        value = self.resolve(block.value, used, line, f"@string {block.key!r}")
        name = block.key.lower()
        self.macros[name] = value
        self.strings[name] = (block.raw.strip(), tuple(sorted(used)))

    def failed(self, block) -> None:
        line = block.start_line + 1
        head = block.raw.split(",", 1)[0].split("\n", 1)[0].strip()[:60]
        if isinstance(block, DuplicateBlockKeyBlock):
            previous = block.previous_block.start_line + 1
            what = "@string" if isinstance(block.previous_block, String) else "key"
            self.problem(line, f"duplicate {what} {block.key!r}: it is already defined on line {previous}; rename or remove one")
        elif isinstance(block, DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            self.problem(line, f"{head}: the field {names} appears more than once; BibTeX uses the first; remove the other")
        else:
            self.problem(line, f"could not parse {head}: {self._reason(block)}")

    def _reason(self, block) -> str:
        reason = str(getattr(block.error, "abort_reason", block.error))
        if reason.startswith("Unexpectedly reached end of file"):
            return "the file ends before the entry is closed; check for a missing } or \""
        if reason.startswith("Unexpected block start"):
            end = getattr(block.error, "end_index", None)
            where = f" on line {self.text.count(chr(10), 0, end + 1) + 1}" if end is not None else ""
            return f"the entry is not closed before the next @ block{where}; check for a missing }}, \" or comma"
        found = re.search(r"found (?:a )?`?([^`\s]+)`?", reason)
        if reason.startswith("Expected comma after entry key"):
            return f"expected a comma after the entry key, found {found.group(1)!r}" if found else "expected a comma after the entry key"
        if reason.startswith("Expected a `=` after entry key `"):
            name = reason.split("`")[3]
            return f"the field {name!r} has no value; write {name} = {{...}}"
        if reason.startswith("Expected either a"):
            return "expected a comma or the closing } after a field value; is a comma missing?"
        if reason.startswith("Expected a `=`") or reason.startswith("Expected equals sign"):
            return "expected '=' after a field name; fields are written name = {value}"
        return reason.replace("`", "'").rstrip(".")

    def usable(self, entry: Entry) -> bool:
        line = entry.start_line + 1
        if not entry.key:
            self.problem(line, f"@{entry.entry_type}{{ has no key; write @{entry.entry_type}{{key, ...}}")
            return False
        slug = paper_slug(entry.key)
        for seen, name, why in ((self.keys, entry.key.lower(), "BibTeX keys are case-insensitive"),
                                (self.slugs, slug, f"both would get the page papers/{slug}/")):
            if name in seen:
                other, other_line = seen[name]
                self.problem(line, f"duplicate key {entry.key!r}: the entry on line {other_line} has the key {other!r} and {why}; rename one")
                return False
        self.keys[entry.key.lower()] = self.slugs[slug] = (entry.key, line)
        self.slugs_by_key[entry.key] = slug
        return True

    def fields(self, entry: Entry) -> dict[str, tuple[str, int]]:
        values: dict[str, tuple[str, int]] = {}
        used = self.used.setdefault(entry.key, set())
        for f in entry.fields:
            name, value, line = f.key.lower(), str(f.value).strip(), (f.start_line or entry.start_line) + 1
            if name in values:  # a repeated field (reported): BibTeX keeps the first
                continue
            if _one_group(value):  # the usual {value}: nothing to resolve
                values[name] = (value[1:-1], line)
            else:
                values[name] = (self.resolve(value, used, line, f"field {name!r} of {entry.key!r}"), line)
        return values

    def resolve(self, expression: str, used: set[str], line: int, where: str) -> str:
        """The value of ``{..}``, ``".."``, numbers and macros joined by ``#``."""
        pieces, pos, n = [], 0, len(expression)
        while True:
            while pos < n and expression[pos].isspace():
                pos += 1
            if pos < n and expression[pos] in "{\"":
                end = _closing(expression, pos)
                pieces.append(expression[pos + 1:end])
                pos = end + 1
            elif match := _TOKEN.match(expression, pos):
                pos = match.end()
                pieces.append(self._macro(match.group(0), used, line, where))
            else:
                self.problem(line, f"{where} has no value; write it in braces, e.g. {{...}}")
                break
            while pos < n and expression[pos].isspace():
                pos += 1
            if pos >= n:
                break
            if expression[pos] != "#":
                self.problem(line, f"{where}: the value ends before {expression[pos:pos + 30]!r}; "
                                   "is a comma missing after it?")
                break
            pos += 1
        return "".join(pieces)

    def _macro(self, token: str, used: set[str], line: int, where: str) -> str:
        name = token.lower()
        if token.isdigit():
            return token
        if name in self.macros:
            if name in self.strings:
                used.add(name)
            return self.macros[name]
        self.problem(line, f"undefined @string macro {token!r} in {where}; define it with "
                           f"@string{{{token} = {{...}}}} or put the value in braces")
        return ""


def _one_group(value: str) -> bool:
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


def _closing(text: str, start: int) -> int:
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


def _inherit(entry: Entry, fields: dict, by_lower: dict, loader: _Loader) -> dict[str, tuple[str, int]]:
    """The entry's fields plus what it inherits through crossref (chains followed, cycles cut)."""
    values = dict(fields[entry.key])
    seen = {entry.key}
    child = entry.key
    while "crossref" in fields[child]:
        target, line = fields[child]["crossref"]
        parent = by_lower.get(target.strip().lower())
        if parent is None:
            loader.problem(line, f"{child!r} has crossref = {{{target}}}, but there is no entry with that key; fix the key or add the entry")
            break
        if parent in seen:
            break
        seen.add(parent)
        for name, value in fields[parent].items():
            if name not in values and name not in _NOT_INHERITED:
                values[name] = value
        if "title" in fields[parent] and "booktitle" not in values:
            values["booktitle"] = fields[parent]["title"]
        child = parent
    return values


def _paper(entry: Entry, values: dict[str, tuple[str, int]], loader: _Loader) -> Paper:
    line = entry.start_line + 1
    get = {name: value for name, (value, _) in values.items()}.get
    authors, editors = parse_names(get("author", "")), parse_names(get("editor", ""))
    title = to_text(get("title", ""))
    year = to_text(get("year", "")) or to_text(get("date", ""))[:4]
    if not title:
        loader.problem(line, f"entry {entry.key!r} has no title; add title = {{...}}")
    if not authors and not editors:
        loader.problem(line, f"entry {entry.key!r} has no author or editor; add author = {{Last, First and Last, First}}")
    if not year:
        loader.problem(line, f"entry {entry.key!r} has no year; add year = {{YYYY}}")
    entry_type = entry.entry_type.lower()
    venue = next((get(n) for n in ("journal", "journaltitle", "booktitle", "howpublished", "publisher", "school",
                                   "institution", "organization") if get(n)), None)
    people = authors or editors
    edited = not authors and bool(editors)
    arxiv = _arxiv(get)
    url = _http(get("url"))
    pdf = _http(get("pdf")) or (f"https://arxiv.org/pdf/{arxiv}" if arxiv else None)
    doi = _DOI_PREFIX.sub("", (get("doi") or "").strip())
    details = tuple((name, to_text(get(name))) for name in ("volume", "number", "pages", "publisher") if get(name))
    month = _month(to_text(get("month", "")))
    keywords = tuple(dict.fromkeys(k for k in _LIST_SEPARATOR.split(to_text(get("keywords", ""))) if k))
    crossref = values.get("crossref")
    return Paper(
        key=entry.key, entry_type=entry_type, title=title or entry.key,
        authors=tuple(p.display for p in people), year=year, venue=to_text(venue) if venue else None,
        url=url, doi=doi if DOI.match(doi) else None, eprint=arxiv,
        abstract=to_text(get("abstract")) if get("abstract") else None, keywords=keywords,
        raw=entry.raw.strip(), line=line, people=people, editors=editors, month=month, pdf=pdf,
        note=to_text(get("note")) if get("note") else None, details=details,
        crossref=_parent_key(crossref[0], loader) if crossref else None, edited=edited,
        slug=loader.slugs_by_key[entry.key], topics=tuple((topic_slug(k), k) for k in keywords),
    )


def _parent_key(value: str, loader: _Loader) -> str | None:
    found = loader.keys.get(value.strip().lower())
    return found[0] if found else None


def _arxiv(get) -> str | None:
    eprint = (get("eprint") or "").strip()
    kind = (get("archiveprefix") or get("eprinttype") or "arxiv").strip().lower()
    if kind == "arxiv" and eprint:
        eprint = _ARXIV_PREFIX.sub("", eprint)
        return eprint if ARXIV_ID.match(eprint) else None
    for name in ("journal", "url", "note", "howpublished"):  # Google Scholar: journal = {arXiv preprint arXiv:1706.03762}
        match = _ARXIV_IN_TEXT.search(get(name) or "")
        if match and ARXIV_ID.match(match.group(1) + (match.group(2) or "")):
            return match.group(1) + (match.group(2) or "")
    return None


def _http(value: str | None) -> str | None:
    """A link from the .bib, kept only when it is a valid http(s) link."""
    if not value:
        return None
    value = value.strip().replace("\\_", "_").replace("\\%", "%").replace("\\&", "&").replace("\\#", "#")
    try:
        check_url(value)
    except ValueError:
        return None
    return value if _WEB_LINK.match(value) else None


def _month(value: str) -> str | None:
    """"jan", "Jan.", "1" and "January" all mean January; other text is kept as written."""
    if value.isdigit() and 1 <= int(value) <= 12:
        return MONTHS[int(value) - 1]
    return _MONTH_NAMES.get(value.lower().rstrip("."), value) or None


def _disambiguate(papers: list[Paper]) -> list[Paper]:
    """Give "Elhage et al. 2022a" and "...2022b" their letters, in file order."""
    groups: dict[str, list[int]] = {}
    for i, paper in enumerate(papers):
        groups.setdefault(paper.label, []).append(i)
    for indexes in groups.values():
        if len(indexes) > 1 and len(indexes) <= 26:
            for letter, i in zip("abcdefghijklmnopqrstuvwxyz", indexes):
                papers[i] = replace(papers[i], suffix=letter)
    return papers
