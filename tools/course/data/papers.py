"""Paper records: what a BibTeX entry means, decoded for display, with the raw entry kept for export.

``build_papers`` turns the resolved entries of ``course.ground.bibtex_source``
into ``Paper`` records: LaTeX decoded in displayed fields only, names split into
people, links kept only when they pass the scheme allow-list, and every entry
without a title or year reported at its line (an entry without author or editor is
valid, as in biblatex: its label names the organisation or the title instead).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from course.data.bib_fields import (DOI, DOI_PREFIX, LIST_SEPARATOR, arxiv_id, date_parts, field_position, http_link,
                                    month_name, same_link, title_with_subtitle)
from course.ground.bibtex_source import BibEntry, BibSource
from course.ground.errors import Problem
from course.ground.latex import Person, parse_names, to_text
from course.ground.words import slug



TYPE_LABELS = {
    "article": "Journal article", "inproceedings": "Conference paper", "conference": "Conference paper",
    "book": "Book", "incollection": "Book chapter", "inbook": "Book chapter", "phdthesis": "PhD thesis",
    "mastersthesis": "Master's thesis", "thesis": "Thesis", "techreport": "Technical report", "report": "Report",
    "proceedings": "Proceedings", "online": "Web page", "software": "Software", "unpublished": "Unpublished",
    "misc": "Other", "manual": "Manual", "booklet": "Booklet", "dataset": "Dataset",
    # biblatex's own types
    "mvbook": "Book", "bookinbook": "Book", "collection": "Collection", "mvcollection": "Collection",
    "mvproceedings": "Proceedings", "reference": "Reference work", "mvreference": "Reference work",
    "inreference": "Encyclopedia entry", "periodical": "Periodical", "suppbook": "Supplement",
    "suppcollection": "Supplement", "suppperiodical": "Supplement", "patent": "Patent", "review": "Review",
    "set": "Set of entries", "letter": "Letter", "standard": "Standard", "www": "Web page", "electronic": "Web page",
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
    members: tuple[str, ...] = ()  # a biblatex @set's entryset
    nameless: str = ""  # the label's name when there is no author or editor ("CMS", "The Chicago Manual of Style")
    organization: str | None = None

    @cached_property
    def short_authors(self) -> str:
        """"Vaswani et al." / "Elhage and Nanda" / "Karpathy"."""
        named = [p for p in self.people if not p.others]
        more = len(named) < len(self.people)  # "and others"
        if not named:
            return self.nameless or "Anon."
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
        if self.url and not same_link(self.url, [u for _, u in links]):
            links.append(("URL", self.url))
        return tuple(links)

    @property
    def citation(self) -> Reference:
        """The pieces of the formatted reference (templates set the venue in italics)."""
        who = self.author_list() if any(name != "et al." for name in self.authors) else (self.organization or "")
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


def build_papers(source: BibSource, display: str) -> tuple[list[Paper], list[Problem]]:
    """A ``Paper`` for each entry, in file order, and the problems of entries that lack what a reference needs."""
    problems: list[Problem] = []
    papers = _disambiguate(_sets([_paper(entry, display, problems) for entry in source.entries], display, problems))
    return papers, problems


def _paper(entry: BibEntry, display: str, problems: list[Problem]) -> Paper:
    line = entry.line
    get = {name: value for name, (value, _) in entry.fields.items()}.get
    authors, editors = parse_names(get("author", "")), parse_names(get("editor", ""))
    title = title_with_subtitle(get)
    year, month = date_parts(get)
    # biblatex's @set has no data of its own: its members' come in build_papers
    members = tuple(k for k in LIST_SEPARATOR.split(get("entryset", "").strip()) if k) if entry.entry_type == "set" else ()
    if not title and not members:
        problems.append(Problem(display, line, entry.col, f"entry {entry.key!r} has no title; add title = {{...}}"))
    if not year and not members:
        problems.append(Problem(display, line, entry.col, f"entry {entry.key!r} has no year; add year = {{YYYY}}"))
    entry_type = entry.entry_type
    venue_field = next((n for n in ("journal", "journaltitle", "booktitle", "howpublished", "publisher", "school",
                                    "institution", "organization") if get(n)), None)
    venue = title_with_subtitle(get, venue_field) if venue_field else None
    people = authors or editors
    edited = not authors and bool(editors)
    arxiv = arxiv_id(get)
    url = http_link(get("url"))
    pdf = http_link(get("pdf")) or (f"https://arxiv.org/pdf/{arxiv}" if arxiv else None)
    doi = DOI_PREFIX.sub("", (get("doi") or "").strip())
    details = tuple((name, to_text(get(name))) for name in ("volume", "number", "pages", "publisher") if get(name))
    keywords = tuple(dict.fromkeys(k for k in LIST_SEPARATOR.split(to_text(get("keywords", ""))) if k))
    keywords_line, keywords_col = field_position(entry, "keywords")
    # Without author or editor (a manual, a web site, a periodical: biblatex allows it), the label names
    # what biblatex would: the label field, the organisation, the short title, the title.
    organization = to_text(get("organization") or get("institution") or "") or None
    nameless = to_text(get("label", "")) or organization or to_text(get("shorttitle", "")) or _shortened(title)
    return Paper(
        key=entry.key, entry_type=entry_type, title=title or ("" if members else entry.key),
        authors=tuple(p.display for p in people), year=year, venue=venue or None,
        url=url, doi=doi if DOI.match(doi) else None, eprint=arxiv,
        abstract=to_text(get("abstract")) if get("abstract") else None, keywords=keywords,
        raw=entry.raw, line=line, people=people, editors=editors, month=month, pdf=pdf,
        note=to_text(get("note")) if get("note") else None, details=details,
        crossref=entry.parent, edited=edited,
        slug=entry.slug, topics=tuple((slug(k, "topic"), k) for k in keywords),
        keywords_line=keywords_line, keywords_col=keywords_col,
        related=tuple(k.strip() for k in LIST_SEPARATOR.split(get("related", "")) if k.strip()),
        related_type=to_text(get("relatedtype", "")).lower(), related_at=field_position(entry, "related"),
        members=members, nameless=nameless, organization=organization,
    )


def _shortened(title: str, limit: int = 40) -> str:
    """A title as a label: whole if short, else its first words and an ellipsis."""
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(",:;") + "\u2026"


def _sets(papers: list[Paper], display: str, problems: list[Problem]) -> list[Paper]:
    """biblatex's @set entries take their members' titles, and the first member's people and year."""
    by_key = {p.key: p for p in papers}
    for i, paper in enumerate(papers):
        if not paper.members:
            continue
        found = [by_key[k] for k in paper.members if k in by_key and k != paper.key]
        for key in paper.members:
            if key not in by_key:
                problems.append(Problem(display, paper.line, 1, f"entry {paper.key!r} has entryset = {{{key}}}, but there "
                                                                 "is no entry with that key; fix the key or add the entry"))
        first = found[0] if found else None
        papers[i] = replace(paper, title=paper.title or "; ".join(m.title for m in found) or paper.key,
                            year=paper.year or (first.year if first else ""),
                            people=paper.people or (first.people if first else ()),
                            authors=paper.authors or (first.authors if first else ()))
    return papers


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
