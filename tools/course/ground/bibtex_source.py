"""BibTeX read as text with positions: papers.bib into raw entries and ``Problem``s.

bibtexparser (v2) splits the file into blocks and never raises (its lines are 0-based, ours 1-based).
What BibTeX itself resolves is resolved here, on the raw values: ``@string`` macros joined by ``#``
(bounded in size), month macros, ``crossref``.  Every failed or duplicate block, undefined macro or
crossref is a ``Problem``; what the fields mean is ``course.data.papers``' business.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, String

from course.ground.bibtex_values import closing as _closing, one_group as _one_group
from course.ground.errors import Problem
from course.ground.urls import paper_slug

MONTHS = tuple("January February March April May June July August September October November December".split())
_MONTH_MACROS = {name[:3].lower(): name for name in MONTHS}
_TOKEN = re.compile(r"[^\s#{}\",=]+")
MAX_KEY = 120  # characters: a key is a file name (papers/<key>/index.html), and file names stop at 255 bytes
MAX_VALUE = 100_000  # characters of one value with its macros expanded (an abstract is a few thousand)
MAX_EXPANSION = 10_000_000  # characters all macro uses of a file may add
# Fields a crossref child never takes from its parent (biblatex's defaults); the parent's
# title becomes the child's booktitle instead.
_NOT_INHERITED = {"crossref", "xref", "ids", "title", "subtitle", "titleaddon", "shorttitle", "sortkey", "related",
                  "relatedtype", "relatedstring", "relatedoptions", "entryset", "label", "shorthand"}


@dataclass(frozen=True)
class BibEntry:
    """One usable entry: its fields resolved (macros, ``#``, crossref) with the line of each."""

    key: str
    entry_type: str  # lower case
    fields: dict[str, tuple[str, int]]  # name (lower case) -> (raw LaTeX value, 1-based line)
    raw: str  # the entry exactly as in the file
    line: int  # 1-based line of its "@type{"
    col: int  # 1-based column of its "@"
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
        line = entry.start_line + 1
        resolved.append(BibEntry(entry.key, entry.entry_type.lower(), values, entry.raw.strip(), line, loader.column(line),
                                 loader.slugs_by_key[entry.key], parent[0] if parent else None))
    uses = {e.key: tuple(sorted(loader.used.get(e.key, ()))) for e in entries}
    return BibSource(tuple(resolved), loader.strings, uses, loader.problems)


@contextmanager
def _quiet(name: str):
    logger, level = logging.getLogger(name), logging.getLogger(name).level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


class _BibReader:
    def __init__(self, text: str, display: str):
        self.text = text
        self.display = display
        self.lines = text.split("\n")
        self.problems: list[Problem] = []
        self.expanded = 0  # characters that macros have added so far (bounded: "billion laughs")
        self.macros: dict[str, str] = dict(_MONTH_MACROS)
        self.strings: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.used: dict[str, set[str]] = {}
        self.keys: dict[str, tuple[str, int]] = {}  # lower-case key -> (key, line)
        self.slugs: dict[str, tuple[str, int]] = {}  # page slug -> (key, line)
        self.slugs_by_key: dict[str, str] = {}

    def problem(self, line: int, message: str) -> None:
        """A problem at ``line``, at its first character (the ``@`` of an entry, the name of a field)."""
        self.problems.append(Problem(self.display, line, self.column(line), message))

    def column(self, line: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text) - len(text.lstrip()) + 1

    def string(self, block: String) -> None:
        used: set[str] = set()
        name = block.key.lower()
        self.macros[name] = self.resolve(block.value, used, block.start_line + 1, f"@string {block.key!r}")
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
        if len(entry.key) > MAX_KEY:
            self.problem(line, f"the key {entry.key[:40]!r}... is {len(entry.key)} characters long; a key names the "
                               f"paper's page, so it may have at most {MAX_KEY}: shorten it")
            return False
        if slug.startswith("."):
            self.problem(line, f"the key {entry.key!r} would give the page papers/{slug}/, which MkDocs leaves out (it skips "
                               f"names that start with '.'); rename the key, e.g. to {entry.key.lstrip('.') or 'key'!r}")
            return False
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
            # the usual {value} has nothing to resolve
            resolved = value[1:-1] if _one_group(value) else self.resolve(value, used, line, f"field {name!r} of {entry.key!r}")
            values[name] = (resolved, line)
        return values

    def resolve(self, expression: str, used: set[str], line: int, where: str) -> str:
        """The value of ``{..}``, ``".."``, numbers and macros joined by ``#``.  Expansion is bounded: a value
        longer than MAX_VALUE, or macros adding more than MAX_EXPANSION to the file, is a problem."""
        pieces, pos, n, length = [], 0, len(expression), 0
        while True:
            while pos < n and expression[pos].isspace():
                pos += 1
            if pos < n and expression[pos] in "{\"":
                end = _closing(expression, pos)
                pieces.append(expression[pos + 1:end])
                length += end - pos - 1
                pos = end + 1
            elif match := _TOKEN.match(expression, pos):
                pos = match.end()
                piece = self._macro(match.group(0), used, line, where)
                self.expanded += len(piece)
                if length + len(piece) > MAX_VALUE or self.expanded > MAX_EXPANSION:
                    return self._too_long(match.group(0), line, where)
                pieces.append(piece)
                length += len(piece)
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

    def _too_long(self, token: str, line: int, where: str) -> str:
        if self.expanded <= MAX_EXPANSION:
            what = f"with the @string macro {token!r} expanded, the value is longer than {MAX_VALUE:,} characters"
        elif any("in all" in p.message for p in self.problems):
            return ""  # said once
        else:
            what = f"@string macros expand to more than {MAX_EXPANSION:,} characters in all (here through {token!r})"
        self.problem(line, f"{where}: {what}; a macro is for a name or a venue: check for a macro that joins "
                           "another one to itself (s1 = s0 # s0)")
        return ""

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


