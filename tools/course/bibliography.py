"""papers.bib: the course's literature as records.

This module is the narrow interface the rest of the generator uses: a
``Bibliography`` of ``Paper`` records (display fields decoded from LaTeX,
the raw entry kept for export) and the line each entry starts on.

Reading the file (macros, crossref, names, every mistake at its line) is
``course.bibsource``'s job; this module holds the records and what pages ask
of them: labels, formatted references, links, topics and BibTeX exports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .errors import Problem
from .latex import Person


_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SCHEME_WWW = re.compile(r"^https?://(www\.)?")


TYPE_LABELS = {
    "article": "Journal article", "inproceedings": "Conference paper", "conference": "Conference paper",
    "book": "Book", "incollection": "Book chapter", "inbook": "Book chapter", "phdthesis": "PhD thesis",
    "mastersthesis": "Master's thesis", "thesis": "Thesis", "techreport": "Technical report", "report": "Report",
    "proceedings": "Proceedings", "online": "Web page", "software": "Software", "unpublished": "Unpublished",
    "misc": "Other", "manual": "Manual", "booklet": "Booklet", "dataset": "Dataset",
}


@dataclass(frozen=True)
class Reference:
    """A formatted reference: "<authors> (<when>). <title>. <within><venue>, <details>." """

    authors: str
    when: str
    title: str
    within: str  # "In " before a book or proceedings title
    venue: str
    details: str  # "vol. 30, pp. 1–10"


@dataclass(frozen=True)
class Paper:
    key: str
    entry_type: str
    title: str
    authors: tuple[str, ...]  # "First Last" display names; "et al." marks "and others"
    year: str
    venue: str | None
    url: str | None  # http(s) only, checked
    doi: str | None  # "10.1234/x", matched by a strict pattern
    eprint: str | None  # an arXiv identifier, matched by a strict pattern
    abstract: str | None
    keywords: tuple[str, ...]  # the topics, as written (decoded)
    raw: str  # the entry exactly as in papers.bib
    line: int  # 1-based line of its "@type{"
    people: tuple[Person, ...] = ()  # authors, or else editors
    editors: tuple[Person, ...] = ()
    month: str | None = None  # "January"
    pdf: str | None = None  # checked http(s) link, or arXiv's PDF
    note: str | None = None
    details: tuple[tuple[str, str], ...] = ()  # decoded volume, number, pages, publisher, ...
    suffix: str = ""  # "a", "b": tells apart papers with the same authors and year
    crossref: str | None = None
    edited: bool = False  # the people are editors (no author field)
    slug: str = ""  # the page's URL segment (urls.paper_slug)
    topics: tuple[tuple[str, str], ...] = ()  # (slug, label) for each keyword: the readings page's topics

    @cached_property
    def short_authors(self) -> str:
        """"Vaswani et al." / "Elhage and Nanda" / "Karpathy"."""
        named = [p for p in self.people if not p.others]
        more = len(named) < len(self.people)  # "and others"
        if not named:
            return "Anon."
        if len(named) == 1 and not more:
            return named[0].surname
        if len(named) == 2 and not more:
            return f"{named[0].surname} and {named[1].surname}"
        return f"{named[0].surname} et al."  # only the surnames shown are worked out

    @cached_property
    def topic_slugs(self) -> str:
        """The topics' slugs, space-separated (for data attributes)."""
        return " ".join(slug for slug, _ in self.topics)

    @cached_property
    def label(self) -> str:
        return f"{self.short_authors} {self.year}{self.suffix}"

    @property
    def type_label(self) -> str:
        if self.entry_type == "misc" and self.eprint:
            return "Preprint"
        return TYPE_LABELS.get(self.entry_type, self.entry_type.capitalize())

    def author_list(self, limit: int | None = None) -> str:
        """All names, or the first ``limit`` and "et al." when there are more (or "and others")."""
        names = [name for name in self.authors if name != "et al."]
        more = len(names) < len(self.authors)
        if limit is not None and len(names) > limit:
            names, more = names[:limit], True
        if more:
            return ", ".join(names + ["et al."]) if names else "et al."
        if len(names) <= 2:
            return " and ".join(names)
        return ", ".join(names[:-1]) + ", and " + names[-1]

    @cached_property  # the paper's page and its readings entry both show them
    def links(self) -> tuple[tuple[str, str], ...]:
        """("arXiv" | "PDF" | "DOI" | "URL", link), each checked; a URL repeating another is left out."""
        links = []
        if self.eprint:
            links.append(("arXiv", f"https://arxiv.org/abs/{self.eprint}"))
        if self.pdf:
            links.append(("PDF", self.pdf))
        if self.doi:
            links.append(("DOI", f"https://doi.org/{self.doi}"))
        if self.url and not _same_link(self.url, [u for _, u in links]):
            links.append(("URL", self.url))
        return tuple(links)

    @property
    def citation(self) -> Reference:
        """The pieces of the formatted reference (templates set the venue in italics)."""
        who = self.author_list() if any(name != "et al." for name in self.authors) else ""
        facts = dict(self.details)
        details = [f"vol. {facts['volume']}" if "volume" in facts else "", f"no. {facts['number']}" if "number" in facts else "",
                   f"pp. {facts['pages']}" if "pages" in facts else "",
                   facts.get("publisher", "") if facts.get("publisher") != self.venue else ""]
        return Reference(
            authors=who + (" (eds.)" if who and self.edited else ""),
            when=f"{self.month} {self.year}" if self.month else self.year,
            title=self.title.rstrip(".") + ".",
            within="In " if self.venue and self.entry_type in ("inproceedings", "conference", "incollection", "inbook") else "",
            venue=self.venue or "",
            details=", ".join(d for d in details if d),
        )


def _same_link(url: str, others: list[str]) -> bool:
    """Whether ``url`` only repeats one of ``others`` (the arXiv page, the DOI resolver, the same address)."""
    mine = _bare(url)
    for other in others:
        if mine == _bare(other) or any(site in mine and site in other for site in ("arxiv.org/", "doi.org/")):
            return True
    return False


def _bare(link: str) -> str:
    return _SCHEME_WWW.sub("", link.lower()).rstrip("/")


@dataclass(frozen=True)
class Topic:
    slug: str  # for anchors and file names: "induction-heads"
    label: str  # as written in the keywords field
    keys: tuple[str, ...]  # newest first


@dataclass(frozen=True)
class Bibliography:
    path: Path
    display: str
    papers: dict[str, Paper] = field(default_factory=dict)
    strings: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # name -> (raw block, names it uses)
    uses: dict[str, tuple[str, ...]] = field(default_factory=dict)  # paper key -> @string names its fields use

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
        """Every keyword used, alphabetically; a topic's papers newest first."""
        labels: dict[str, str] = {}
        members: dict[str, dict[str, None]] = {}
        for paper in self.papers.values():
            for slug, keyword in paper.topics:
                labels.setdefault(slug, keyword)
                members.setdefault(slug, {})[paper.key] = None
        return tuple(
            Topic(slug, labels[slug], tuple(sorted(members[slug], key=self.newest_first)))
            for slug in sorted(labels, key=lambda s: (labels[s].lower(), s))
        )

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


@lru_cache(maxsize=4096)  # a bibliography uses a few dozen keywords, thousands of times
def topic_slug(keyword: str) -> str:
    """"Induction heads" -> "induction-heads", "Évaluation" -> "evaluation": for anchors and file names."""
    ascii_only = unicodedata.normalize("NFKD", keyword.lower()).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_only).strip("-") or "topic"


def load_bibliography(path: Path, display: str) -> tuple[Bibliography | None, list[Problem]]:
    """The bibliography in ``path`` (None when there is no such file) and every problem in it."""
    if not path.exists():
        return None, []
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # Zotero on Windows may write a byte-order mark
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, [Problem(display, line, 0, f"not UTF-8 text ({error.reason} at byte {error.start}); "
                                                "save the file as UTF-8 (Zotero: export with the UTF-8 encoding)")]
    return parse_bibliography(text.replace("\r\n", "\n"), display, path)


def parse_bibliography(text: str, display: str, path: Path | None = None) -> tuple[Bibliography, list[Problem]]:
    """Parse and check BibTeX source; ``display`` names the file in problems."""
    from .bibsource import parse  # it builds these records

    return parse(text, display, path)
