"""Paper records: what a BibTeX entry means, decoded for display, with the raw entry kept for export.

``build_papers`` turns the resolved entries of ``course.ground.bibtex_source``
into ``Paper`` records: LaTeX decoded in displayed fields only, names split into
people, links kept only when they pass the scheme allow-list, and every entry
without a title, author/editor or year reported at its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from course.data.fields import check_url
from course.ground.bibtex_source import MONTHS, BibEntry, BibSource
from course.ground.errors import Problem
from course.ground.latex import Person, parse_names, to_text
from course.ground.words import slug

_SCHEME_WWW = re.compile(r"^https?://(www\.)?")
_MONTH_NAMES = {**{name[:3].lower(): name for name in MONTHS}, **{name.lower(): name for name in MONTHS}, "sept": "September"}
ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")
_ARXIV_IN_TEXT = re.compile(r"arxiv(?:\.org/(?:abs|pdf)/|:\s*)([^\s/]+/\d{7}|\d{4}\.\d{4,5})(v\d+)?", re.I)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_LIST_SEPARATOR = re.compile(r"\s*[,;]\s*")
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.I)
_WEB_LINK = re.compile(r"^https?://[^/?#\s]", re.I)


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
    keywords_line: int = 0  # where the keywords field is (problems with a topic point there), 0 if none
    keywords_col: int = 0
    related: tuple[str, ...] = ()  # biblatex's related = {key, ...}: explicit links to other entries
    related_type: str = ""  # biblatex's relatedtype ("reprintof", or a course's own: "extends"), lower case
    related_at: tuple[int, int] = (0, 0)  # the line and column of the related field

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

    @property
    def type_slug(self) -> str:
        """"conference-paper": the readings page's type filter in a link (readings/#type-conference-paper)."""
        return slug(self.type_label, "other")

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


def build_papers(source: BibSource, display: str) -> tuple[list[Paper], list[Problem]]:
    """A ``Paper`` for each entry, in file order, and the problems of entries that lack what a reference needs."""
    problems: list[Problem] = []
    papers = _disambiguate([_paper(entry, display, problems) for entry in source.entries])
    return papers, problems


def _paper(entry: BibEntry, display: str, problems: list[Problem]) -> Paper:
    line = entry.line
    get = {name: value for name, (value, _) in entry.fields.items()}.get
    authors, editors = parse_names(get("author", "")), parse_names(get("editor", ""))
    title = to_text(get("title", ""))
    year = to_text(get("year", "")) or to_text(get("date", ""))[:4]
    if not title:
        problems.append(Problem(display, line, entry.col, f"entry {entry.key!r} has no title; add title = {{...}}"))
    if not authors and not editors:
        problems.append(Problem(display, line, entry.col, f"entry {entry.key!r} has no author or editor; add author = {{Last, First and Last, First}}"))
    if not year:
        problems.append(Problem(display, line, entry.col, f"entry {entry.key!r} has no year; add year = {{YYYY}}"))
    entry_type = entry.entry_type
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
    keywords_line, keywords_col = _field_position(entry, "keywords")
    return Paper(
        key=entry.key, entry_type=entry_type, title=title or entry.key,
        authors=tuple(p.display for p in people), year=year, venue=to_text(venue) if venue else None,
        url=url, doi=doi if DOI.match(doi) else None, eprint=arxiv,
        abstract=to_text(get("abstract")) if get("abstract") else None, keywords=keywords,
        raw=entry.raw, line=line, people=people, editors=editors, month=month, pdf=pdf,
        note=to_text(get("note")) if get("note") else None, details=details,
        crossref=entry.parent, edited=edited,
        slug=entry.slug, topics=tuple((slug(k, "topic"), k) for k in keywords),
        keywords_line=keywords_line, keywords_col=keywords_col,
        related=tuple(k.strip() for k in _LIST_SEPARATOR.split(get("related", "")) if k.strip()),
        related_type=to_text(get("relatedtype", "")).lower(), related_at=_field_position(entry, "related"),
    )


def _field_position(entry: BibEntry, name: str) -> tuple[int, int]:
    """The line and column of a field's name (its line's first character), (0, 0) when the entry has none."""
    if name not in entry.fields:
        return 0, 0
    line = entry.fields[name][1]
    lines = entry.raw.split("\n")
    text = lines[line - entry.line] if 0 <= line - entry.line < len(lines) else ""  # inherited: not in this entry
    return line, len(text) - len(text.lstrip()) + 1


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
