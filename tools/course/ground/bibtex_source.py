"""BibTeX read as text with positions: papers.bib into raw entries and ``Problem``s.

bibtexparser (v2) splits the file into blocks and never raises; its block
lines are 0-based, ours are the 1-based line of each ``@type{``.  Everything
BibTeX itself would resolve is done here, on the raw values: ``@string``
macros with ``#`` concatenation, the month macros, and ``crossref``
inheritance.  Every failed or duplicate block and every undefined macro or
crossref becomes a ``Problem``.  What the fields mean (title, authors, links)
is the data layer's business (``course.data.papers``).
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, String

from course.ground.errors import Problem
from course.ground.urls import paper_slug

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_MONTH_MACROS = {name[:3].lower(): name for name in MONTHS}
_TOKEN = re.compile(r"[^\s#{}\",=]+")
_BRACE = re.compile(r"[{}]")
# Fields a crossref child never takes from its parent (biblatex's defaults); the parent's
# title becomes the child's booktitle instead.
_NOT_INHERITED = {"crossref", "xref", "ids", "title", "subtitle", "titleaddon", "shorttitle", "sortkey"}


@dataclass(frozen=True)
class BibEntry:
    """One usable entry: its fields resolved (macros, ``#``, crossref) with the line of each."""

    key: str
    entry_type: str  # lower case
    fields: dict[str, tuple[str, int]]  # name (lower case) -> (raw LaTeX value, 1-based line)
    raw: str  # the entry exactly as in the file
    line: int  # 1-based line of its "@type{"
    slug: str  # its page's URL segment (unique: a clash is a problem)
    parent: str | None = None  # the key its crossref names, when that entry exists


@dataclass(frozen=True)
class BibSource:
    entries: tuple[BibEntry, ...]  # in file order
    strings: dict[str, tuple[str, tuple[str, ...]]]  # @string name -> (raw block, names it uses)
    uses: dict[str, tuple[str, ...]]  # entry key -> @string names its fields use
    problems: list[Problem] = field(default_factory=list)


def read_bibtex(text: str, display: str) -> BibSource:
    """Split and resolve BibTeX source; ``display`` names the file in problems."""
    loader = _BibReader(text, display)
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
    resolved = []
    for entry in entries:
        values = _inherit(entry, fields, by_lower, loader)
        crossref = values.get("crossref")
        parent = loader.keys.get(crossref[0].strip().lower()) if crossref else None
        resolved.append(BibEntry(entry.key, entry.entry_type.lower(), values, entry.raw.strip(), entry.start_line + 1,
                                 loader.slugs_by_key[entry.key], parent[0] if parent else None))
    uses = {e.key: tuple(sorted(loader.used.get(e.key, ()))) for e in entries}
    return BibSource(tuple(resolved), loader.strings, uses, loader.problems)


@contextmanager
def _quiet(name: str):
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


class _BibReader:
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


def _inherit(entry: Entry, fields: dict, by_lower: dict, loader: "_BibReader") -> dict[str, tuple[str, int]]:
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


