"""A paper's record in the formats reference managers read: RIS, CSL-JSON, Highwire Press ``citation_*``
meta tags (the Zotero Connector, Google Scholar) and COinS.

Every value comes from the decoded ``Paper``; a field papers.bib does not have is left out, never guessed.
BibTeX needs no mapping: the raw entry is exported as written.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from urllib.parse import quote, urlencode

import rispy
from markupsafe import Markup

from course.data.bibliography import Bibliography
from course.data.papers import Paper
from course.ground.bibtex_source import MONTHS
from course.ground.latex import Person
from course.render.env import GeneratedFile

_RIS_TYPES = {"article": "JOUR", "inproceedings": "CPAPER", "conference": "CPAPER", "book": "BOOK", "inbook": "CHAP",
              "incollection": "CHAP", "phdthesis": "THES", "mastersthesis": "THES", "thesis": "THES", "techreport": "RPRT",
              "report": "RPRT", "proceedings": "CONF", "online": "ELEC", "software": "COMP", "unpublished": "UNPB",
              "dataset": "DATA", "booklet": "PAMP", "manual": "GEN", "misc": "GEN"}
_CSL_TYPES = {"article": "article-journal", "inproceedings": "paper-conference", "conference": "paper-conference",
              "book": "book", "inbook": "chapter", "incollection": "chapter", "phdthesis": "thesis", "mastersthesis": "thesis",
              "thesis": "thesis", "techreport": "report", "report": "report", "proceedings": "book", "online": "webpage",
              "software": "software", "unpublished": "manuscript", "dataset": "dataset", "booklet": "pamphlet",
              "manual": "report", "misc": "document"}
_PAGE_RANGE = re.compile(r"\s*(?:-+|\u2013|\u2014)\s*")


def _preprint(paper: Paper) -> bool:
    return paper.entry_type == "misc" and bool(paper.eprint)


def _month(paper: Paper) -> int | None:
    return MONTHS.index(paper.month) + 1 if paper.month in MONTHS else None


def _pages(paper: Paper) -> tuple[str, str]:
    pages = dict(paper.details).get("pages", "")
    first, _, last = _PAGE_RANGE.sub("\x00", pages, count=1).partition("\x00")
    return first.strip(), last.strip()


def _last_first(person: Person) -> str:
    """"Nanda, Neel", "van Merwijk, Chris", an organisation as it is."""
    surname = person.surname
    if not person.first:
        return surname
    return ", ".join(filter(None, (surname, person.jr, person.first)))


def _people(people: tuple[Person, ...]) -> list[Person]:
    return [p for p in people if not p.others]


def _authors(paper: Paper) -> list[Person]:
    return [] if paper.edited else _people(paper.people)


def _links(paper: Paper) -> list[str]:
    return [url for label, url in paper.links if label in ("arXiv", "URL")]


# --- RIS -----------------------------------------------------------------------------------


def ris_record(paper: Paper) -> dict:
    record = {"type_of_reference": "UNPB" if _preprint(paper) else _RIS_TYPES.get(paper.entry_type, "GEN"),
              "id": paper.key, "title": paper.title}
    if authors := _authors(paper):
        record["authors"] = [_last_first(p) for p in authors]
    if editors := _people(paper.editors):
        record["secondary_authors"] = [_last_first(p) for p in editors]
    if paper.year:
        record["year"] = paper.year
        if month := _month(paper):
            record["date"] = f"{paper.year}/{month:02d}//"
    if paper.venue:
        record["secondary_title"] = paper.venue
    facts = dict(paper.details)
    for name, tag in (("volume", "volume"), ("number", "number"), ("publisher", "publisher")):
        if facts.get(name):
            record[tag] = facts[name]
    first, last = _pages(paper)
    if first:
        record["start_page"] = first
    if last:
        record["end_page"] = last
    if paper.doi:
        record["doi"] = paper.doi
    if links := _links(paper):
        record["urls"] = links
    if paper.pdf:
        record["file_attachments1"] = paper.pdf
    if paper.abstract:
        record["abstract"] = paper.abstract
    if paper.topics:
        record["keywords"] = [label for _, label in paper.topics]
    if paper.eprint:
        record["notes"] = [f"arXiv:{paper.eprint}"]
    return record


class _RisWriter(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # rispy numbers records ("1."), which RIS does not define; reference managers expect TY first


def ris(papers: list[Paper]) -> str:
    return "\n".join(_ris(p) for p in papers)


# A paper is in several downloads (its own, the whole list's, each of its topics'): its text is made once.
_ONCE = 1 << 14


@lru_cache(maxsize=_ONCE)
def _ris(paper: Paper) -> str:
    return rispy.dumps([ris_record(paper)], implementation=_RisWriter)


# --- CSL-JSON ------------------------------------------------------------------------------


def _csl_name(person: Person) -> dict:
    if not person.first and not person.von:
        return {"literal": person.last}  # an organisation, or a single name
    name = {"family": person.last, "given": person.first}
    if person.von:
        name["non-dropping-particle"] = person.von
    if person.jr:
        name["suffix"] = person.jr
    return name


def csl_item(paper: Paper) -> dict:
    item: dict = {"id": paper.key, "type": "article" if _preprint(paper) else _CSL_TYPES.get(paper.entry_type, "document"),
                  "title": paper.title}
    if authors := _authors(paper):
        item["author"] = [_csl_name(p) for p in authors]
    if editors := _people(paper.editors):
        item["editor"] = [_csl_name(p) for p in editors]
    if paper.year.isdigit():
        item["issued"] = {"date-parts": [[int(paper.year)] + ([_month(paper)] if _month(paper) else [])]}
    if paper.venue:
        item["container-title"] = paper.venue
    facts = dict(paper.details)
    for name, field in (("volume", "volume"), ("number", "issue"), ("pages", "page"), ("publisher", "publisher")):
        if facts.get(name):
            item[field] = facts[name]
    if paper.doi:
        item["DOI"] = paper.doi
    if links := _links(paper):
        item["URL"] = links[-1] if paper.url else links[0]
    if paper.eprint:
        item["number" if _preprint(paper) else "note"] = f"arXiv:{paper.eprint}"
    if paper.abstract:
        item["abstract"] = paper.abstract
    if paper.topics:
        item["keyword"] = ", ".join(label for _, label in paper.topics)
    return item


def csl_json(papers: list[Paper]) -> str:
    """A JSON list of the papers' items, as ``json.dumps(..., indent=1)`` writes it."""
    return "[\n" + ",\n".join(_csl(p) for p in papers) + "\n]\n" if papers else "[]\n"


@lru_cache(maxsize=_ONCE)
def _csl(paper: Paper) -> str:
    """The paper's item as an element of the list: indented one space more."""
    return " " + json.dumps(csl_item(paper), ensure_ascii=False, indent=1).replace("\n", "\n ")


# --- Highwire Press meta tags and COinS -------------------------------------------------------


def highwire(paper: Paper, page_url: str | None = None) -> list[tuple[str, str]]:
    """``(name, content)`` for a paper page's ``<meta name="citation_...">`` tags, in Google Scholar's order."""
    tags = [("citation_title", paper.title)]
    tags += [("citation_author", _last_first(p)) for p in _authors(paper) or _people(paper.people)]
    if paper.year:
        month = _month(paper)
        tags.append(("citation_publication_date", f"{paper.year}/{month:02d}" if month else paper.year))
    if paper.venue:
        venue = {"article": "citation_journal_title", "inproceedings": "citation_conference_title",
                 "conference": "citation_conference_title", "incollection": "citation_inbook_title",
                 "inbook": "citation_inbook_title", "techreport": "citation_technical_report_institution",
                 "phdthesis": "citation_dissertation_institution"}.get(paper.entry_type)
        if venue:
            tags.append((venue, paper.venue))
    facts = dict(paper.details)
    for name, tag in (("volume", "citation_volume"), ("number", "citation_issue"), ("publisher", "citation_publisher")):
        if facts.get(name):
            tags.append((tag, facts[name]))
    first, last = _pages(paper)
    tags += [(tag, value) for tag, value in (("citation_firstpage", first), ("citation_lastpage", last)) if value]
    if paper.doi:
        tags.append(("citation_doi", paper.doi))
    if paper.eprint:
        tags.append(("citation_arxiv_id", paper.eprint))
    if paper.pdf:
        tags.append(("citation_pdf_url", paper.pdf))
    if page_url:
        tags.append(("citation_abstract_html_url", page_url))
    tags += [("citation_keywords", label) for _, label in paper.topics]
    return tags


@lru_cache(maxsize=_ONCE)  # in a paper's entry on the readings page and on each of its authors' pages
def coins(paper: Paper) -> Markup:
    """An empty ``<span class="Z3988">`` (OpenURL ContextObject in SPAN) that Zotero finds in a list."""
    book = paper.entry_type in ("book", "inbook", "incollection", "inproceedings", "conference", "proceedings")
    fields = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{'book' if book else 'journal'}")]
    genre = {"book": "book", "proceedings": "proceeding", "inproceedings": "proceeding", "conference": "proceeding",
             "inbook": "bookitem", "incollection": "bookitem", "techreport": "report", "report": "report"}
    fields.append(("rft.genre", genre.get(paper.entry_type, "article" if paper.entry_type == "article" else "document")))
    fields.append(("rft.btitle" if paper.entry_type == "book" else "rft.atitle", paper.title))
    if paper.venue and paper.entry_type != "book":
        fields.append(("rft.btitle" if book else "rft.jtitle", paper.venue))
    for person in _authors(paper):
        fields.append(("rft.au", person.display))
    if paper.year:
        fields.append(("rft.date", paper.year))
    first, last = _pages(paper)
    fields += [(name, value) for name, value in (("rft.spage", first), ("rft.epage", last)) if value]
    if paper.doi:
        fields.append(("rft_id", f"info:doi/{paper.doi}"))
    fields += [("rft_id", url) for url in _links(paper)]
    # Percent-encoded (":" and "/" may stay, as Zotero decodes each value with decodeURIComponent), it holds no
    # character that HTML escapes but "&", which may stay too: no character reference starts "&ctx" or "&rft".
    title = urlencode(fields, safe=":/", quote_via=quote)
    assert not set(title) & set("\"'<>"), title
    return Markup(f'<span class="Z3988" title="{title}"></span>')


# --- files ---------------------------------------------------------------------------------

FORMATS = (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON"))  # (extension, name): the downloads offered


def download_files(stem: str, bib: Bibliography, keys) -> list[GeneratedFile]:
    """``stem``.bib (self-contained: with the @string macros and crossref parents), .ris and .json for ``keys``."""
    papers = [bib[key] for key in keys]
    return [GeneratedFile(f"{stem}.bib", bib.export(keys)), GeneratedFile(f"{stem}.ris", ris(papers)),
            GeneratedFile(f"{stem}.json", csl_json(papers))]
