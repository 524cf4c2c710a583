"""Single BibTeX fields and what they mean: identifiers (arXiv, DOI), links, months and dates, titles
with their subtitles, and where a field is in the file."""

from __future__ import annotations

import re

from course.data.fields import check_url
from course.ground.bibtex_source import MONTHS, BibEntry
from course.ground.latex import to_text

_SCHEME_WWW = re.compile(r"^https?://(www\.)?")
_MONTH_NAMES = {**{name[:3].lower(): name for name in MONTHS}, **{name.lower(): name for name in MONTHS}, "sept": "September"}
ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")
_ARXIV_IN_TEXT = re.compile(r"arxiv(?:\.org/(?:abs|pdf)/|:\s*)([^\s/]+/\d{7}|\d{4}\.\d{4,5})(v\d+)?", re.I)
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
LIST_SEPARATOR = re.compile(r"\s*[,;]\s*")
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.I)
_WEB_LINK = re.compile(r"^https?://[^/?#\s]", re.I)



def same_link(url: str, others: list[str]) -> bool:
    """Whether ``url`` only repeats one of ``others`` (the arXiv page, the DOI resolver, the same address)."""
    mine = _bare(url)
    for other in others:
        if mine == _bare(other) or any(site in mine and site in other for site in ("arxiv.org/", "doi.org/")):
            return True
    return False


def _bare(link: str) -> str:
    return _SCHEME_WWW.sub("", link.lower()).rstrip("/")


def field_position(entry: BibEntry, name: str) -> tuple[int, int]:
    """The line and column of a field's name (its line's first character), (0, 0) when the entry has none."""
    if name not in entry.fields:
        return 0, 0
    line = entry.fields[name][1]
    lines = entry.raw.split("\n")
    text = lines[line - entry.line] if 0 <= line - entry.line < len(lines) else ""  # inherited: not in this entry
    return line, len(text) - len(text.lstrip()) + 1


def arxiv_id(get) -> str | None:
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


def http_link(value: str | None) -> str | None:
    """A link from the .bib, kept only when it is a valid http(s) link."""
    if not value:
        return None
    value = value.strip().replace("\\_", "_").replace("\\%", "%").replace("\\&", "&").replace("\\#", "#")
    try:
        check_url(value)
    except ValueError:
        return None
    return value if _WEB_LINK.match(value) else None


def month_name(value: str) -> str | None:
    """"jan", "Jan.", "1" and "January" all mean January; other text is kept as written."""
    if value.isdigit() and 1 <= int(value) <= 12:
        return MONTHS[int(value) - 1]
    return _MONTH_NAMES.get(value.lower().rstrip("."), value) or None


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?")


def date_parts(get) -> tuple[str, str | None]:
    """The year and month: ``year`` and ``month``, else biblatex's ``date`` (``2019-05``, ``1984/1986``: the start)."""
    year, month = to_text(get("year", "")), month_name(to_text(get("month", "")))
    date = _ISO_DATE.match(to_text(get("date", "")))
    if date and not year:
        year = date.group(1)
    if date and not month and date.group(2) and date.group(1) == year:
        month = month_name(date.group(2).lstrip("0"))
    return year, month


def title_with_subtitle(get, name: str = "title") -> str:
    """"Title: Subtitle" (biblatex's ``subtitle``, ``booksubtitle``, ...), decoded."""
    title = to_text(get(name, ""))
    sub = to_text(get(name[:-len("title")] + "subtitle", "")) if name.endswith("title") else ""
    if not sub:
        return title
    return f"{title} {sub}" if title.endswith((":", "?", "!", ".")) else f"{title}: {sub}" if title else sub
