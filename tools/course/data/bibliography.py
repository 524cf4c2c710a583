"""papers.bib: the course's literature as one ``Bibliography`` of ``Paper`` records.

This is the narrow interface the rest of the generator uses: look a paper up
by key, list the topics (BibTeX keywords), and export self-contained BibTeX
(with the ``@string`` macros and crossref parents an entry needs).  Reading
the file is ``course.ground.bibtex_source``'s job; what an entry means is
``course.data.papers``'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from course.data.authors import Author, author_slug, index_authors, named
from course.data.papers import Paper, build_papers
from course.ground.bibtex_source import read_bibtex
from course.ground.errors import Problem
from course.ground.source_files import read_source

MAX_BYTES = 20 * 2**20  # a bibliography may be a whole Zotero library: 5,000 entries with abstracts are about 8 MB


@dataclass(frozen=True)
class Topic:
    slug: str  # for anchors and file names: "induction-heads"
    label: str  # the vocabulary's name, else as written in the keywords field
    keys: tuple[str, ...]  # newest first
    description: str = ""  # one line, from the vocabulary


@dataclass(frozen=True)
class Bibliography:
    path: Path
    display: str
    papers: dict[str, Paper] = field(default_factory=dict)
    strings: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # name -> (raw block, names it uses)
    uses: dict[str, tuple[str, ...]] = field(default_factory=dict)  # paper key -> @string names its fields use
    vocabulary: dict[str, tuple[str, str]] = field(default_factory=dict)  # topic slug -> (name, description), in order

    def __contains__(self, key: str) -> bool:
        return key in self.papers

    def __getitem__(self, key: str) -> Paper:
        return self.papers[key]

    def get(self, key: str) -> Paper | None:
        return self.papers.get(key)

    def keys(self) -> list[str]:
        return list(self.papers)

    @cached_property
    def topics(self) -> tuple[Topic, ...]:
        """Every keyword used, in the vocabulary's order (else alphabetically); a topic's papers newest first."""
        labels: dict[str, str] = {}
        members: dict[str, dict[str, None]] = {}
        for paper in self.papers.values():
            for slug, keyword in paper.topics:
                labels.setdefault(slug, keyword)
                members.setdefault(slug, {})[paper.key] = None
        order = {slug: i for i, slug in enumerate(self.vocabulary)}
        return tuple(
            Topic(slug, labels[slug], tuple(sorted(members[slug], key=self.newest_first)),
                  self.vocabulary.get(slug, ("", ""))[1])
            for slug in sorted(labels, key=lambda s: (order.get(s, len(order)), labels[s].lower(), s))
        )

    @cached_property
    def authors(self) -> dict[str, Author]:
        """Every author (or editor of a paper without authors), by slug, in index order."""
        return index_authors(self.papers, self.newest_first)

    def people(self, key: str) -> tuple[tuple[str, str], ...]:
        """(name, author slug) for each person of the paper ``key``, in the paper's order."""
        return tuple((person.display, author_slug(person)) for person in named(self.papers[key]))

    def newest_first(self, key: str) -> tuple:
        """Sort key: newest year first, then by label."""
        return self._newest_first[key]

    @cached_property
    def _newest_first(self) -> dict[str, tuple]:
        return {key: (-int(p.year) if p.year.isdigit() else 0, p.label.lower(), key) for key, p in self.papers.items()}

    def needs(self, key: str) -> str:
        """What a paper's raw entry needs to be used elsewhere: its @string macros and crossref parents."""
        if not self.uses.get(key) and not self.papers[key].crossref:
            return ""  # most entries: no macros, no parent
        text = self._needs.get(key)
        if text is None:
            macros, entries = self._closure([key])
            text = self._needs[key] = _join(macros + [self.papers[k].raw for k in entries if k != key])
        return text

    @cached_property
    def _needs(self) -> dict[str, str]:
        return {}

    @cached_property
    def _order(self) -> dict[str, int]:
        return {key: i for i, key in enumerate(self.papers)}

    def export(self, keys) -> str:
        """BibTeX for ``keys``, self-contained: the @string macros they use and their crossref parents."""
        macros, entries = self._closure(keys)
        return _join(macros + [self.papers[key].raw for key in entries])

    def _closure(self, keys) -> tuple[list[str], list[str]]:
        """The raw @string blocks (in file order) and the entry keys (crossref parents last) ``keys`` need."""
        wanted = list(dict.fromkeys(keys))
        listed = set(wanted)  # wanted and parents, for membership tests (an export may want thousands)
        parents: list[str] = []
        for key in wanted:
            parent = self.papers[key].crossref
            while parent and parent not in listed:
                listed.add(parent)
                parents.append(parent)
                parent = self.papers[parent].crossref
        parents.sort(key=self._order.__getitem__)
        entries = wanted + parents  # BibTeX wants crossref'd entries last (a parent that is wanted stays put)
        needed: set[str] = set()
        todo = [name for key in entries for name in self.uses.get(key, ())]
        while todo:
            name = todo.pop()
            if name in self.strings and name not in needed:
                needed.add(name)
                todo.extend(self.strings[name][1])
        return [raw for name, (raw, _) in self.strings.items() if name in needed], entries


def _join(blocks: list[str]) -> str:
    return "\n\n".join(blocks) + "\n" if blocks else ""


def load_bibliography(path: Path, display: str, root: Path | None = None) -> tuple[Bibliography | None, list[Problem]]:
    """The bibliography in ``path`` (None when there is no such file) and every problem in it."""
    if not path.exists():
        return None, []
    # utf-8-sig: Zotero on Windows may write a byte-order mark
    text, problems = read_source(path, display, root, encoding="utf-8-sig", hint=" (Zotero: export with the UTF-8 encoding)",
                                 limit=MAX_BYTES)
    if text is None:
        return None, problems
    return parse_bibliography(text.replace("\r\n", "\n"), display, path)


def parse_bibliography(text: str, display: str, path: Path | None = None) -> tuple[Bibliography, list[Problem]]:
    """Parse and check BibTeX source; ``display`` names the file in problems."""
    source = read_bibtex(text, display)
    papers, problems = build_papers(source, display)
    keys = {p.key for p in papers}
    for paper in papers:
        for key in paper.related:
            if key not in keys:
                problems.append(Problem(display, *(paper.related_at if paper.related_at[0] else (paper.line, 1)), (
                    f"entry {paper.key!r} has related = {{{key}}}, but there is no entry with that key; "
                    "fix the key or add the entry")))
    bibliography = Bibliography(path or Path(display), display, {p.key: p for p in papers}, source.strings, source.uses)
    return bibliography, sorted(source.problems + problems)
