"""One page per paper: citation, links, topics, where the course uses it, related papers, BibTeX, notes; its\nHighwire meta tags and its BibTeX, RIS and CSL-JSON downloads."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations

from markupsafe import Markup

from course.data.bibliography import Bibliography
from course.data.load import CourseData
from course.data.papers import Paper
from course.data.podcasts import display_stamp
from course.ground import urls
from course.ground.layout import Layout
from course.ground.words import day
from course.link.backlinks import Backlink, backlinks
from course.link.related import relations
from course.render.env import GeneratedFile, Rendered, SiteContext, environment, render_page, strip_front_matter
from course.render.exports import download_files, highwire

NAV_TITLE = None  # reached from every list of papers, not from the navigation
RELATED = 5  # how many related papers a page lists


def paths(layout: Layout) -> tuple[str, ...]:
    return ("papers/",)


def exists(data: CourseData) -> bool:
    return bool(data.bibliography and data.bibliography.papers)


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    bib = data.bibliography
    links = backlinks(data, ctx.hand_written)
    related = Related(bib, RELATED)
    typed = relations(bib)
    page = urls.paper_page("x")  # links from every paper page are alike
    hrefs = paper_hrefs(bib, page)
    paper_macros = environment().get_template("_paper_macros.md.j2").module
    # A paper is related to many others: its link is rendered once, when first listed.
    shared = dict(paper_macros=paper_macros, readings=urls.relative(page, urls.READINGS), describe=describe,
                  author_href=author_hrefs(bib, page),
                  paper_links=Rendered(lambda key: paper_macros.paper_link(bib[key], hrefs[key])))
    template = environment().get_template("paper.md.j2")  # once, not for each of thousands of pages
    files = []
    for key, paper in bib.papers.items():
        src = urls.paper_page(key)
        site = ctx.site_url.rstrip("/") + "/" + urls.page_url(src) if ctx.site_url else None
        files.append(render_page(template, src, title=paper.title, meta={"citation": highwire(paper, site)}, paper=paper,
                                 links=links.get(key, []), related=related.top(key), needs=bib.needs(key),
                                 typed=[(bib[r.key], r.words) for r in typed.get(key, ())],
                                 people=bib.people(key), downloads=urls.paper_downloads(key), **shared,
                                 notes=notes(data.notes[key]) if key in data.notes else None))
        files += download_files(urls.paper_downloads(key), bib, [key])
    return files


def describe(link: Backlink) -> str:
    """A backlink in words: "Reading for session 6: Attention heads (Thu 28 Jan 2027)"."""
    return f"{link.term}: {_describe(link)}" if link.term else _describe(link)


def _describe(link: Backlink) -> str:
    when = f"{day(link.when)} {link.when.year}" if link.when else ""
    if link.kind in ("reading", "further-reading"):
        what = "Reading" if link.kind == "reading" else "Further reading"
        return f"{what} for session {link.number}: {link.subject} ({when})"
    if link.kind == "material":
        return f"Recommended material in the syllabus (number {link.number})"
    if link.kind == "project-idea":
        return f"Starting point for the project idea \u201c{link.subject}\u201d"
    if link.kind == "talk":
        return f"Recommended by the {link.via} talk \u201c{link.subject}\u201d ({when})"
    if link.kind == "talk-related":
        return f"Related to the {link.via} talk \u201c{link.subject}\u201d ({when}), chosen by this course"
    if link.kind == "episode":
        if link.at:
            return f"Discussed in {link.via} episode {link.number} at {display_stamp(link.at)} (\u201c{link.subject}\u201d)"
        return f"Discussed in {link.via} episode {link.number}: {link.subject}"
    if link.kind == "citation":
        if link.number is not None:
            return f"Cited in the notes for session {link.number}: {link.subject}"
        return f"Cited on the page \u201c{link.subject}\u201d"
    if link.kind == "notebook":
        return f"Cited in the notebook \u201c{link.via}\u201d of session {link.number}: {link.subject}"
    return f"{'Presented' if link.presented else 'To be presented'} by {link.via} on {when}"  # a presentation


def _by_slug(page_src: str, target: Callable[[str], str]) -> Callable[[str], str]:
    """``slug -> u(target(slug))`` from ``page_src``: such links differ only in the slug, so one call to
    ``urls.relative`` serves them all."""
    probe = "x0probe0x"
    link = urls.relative(page_src, target(probe))
    return lambda slug: link.replace(probe, slug)


def paper_hrefs(bib: Bibliography, page_src: str) -> dict[str, str]:
    """``{key: u(urls.paper_page(key))}`` for links on ``page_src`` (and on any page in the same folder)."""
    link = _by_slug(page_src, urls.paper_page)
    return {key: link(paper.slug) for key, paper in bib.papers.items()}


def bibtex_pattern(page_src: str) -> str:
    """The link from ``page_src`` (or a page in its folder) to a paper's own .bib download, with ``*`` for the
    paper's slug: a list's data-bibtex, from which course.js makes each entry's copy button."""
    return _by_slug(page_src, lambda slug: f"{urls.paper_downloads(slug)}.bib")("*")


def author_hrefs(bib: Bibliography, page_src: str) -> dict[str, str]:
    """``{author slug: link}`` from ``page_src`` (or a page in its folder): to the author's page, or for an
    author without one, to their line in the authors index (it links their paper)."""
    page = _by_slug(page_src, urls.author_page)
    index = urls.relative(page_src, urls.AUTHORS)
    return {a.slug: page(a.slug) if a.has_page else f"{index}#author-{a.slug}" for a in bib.authors.values()}


_HEADING = re.compile(r"^(#{1,6})(?=\s)", re.M)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.M)


def notes(source: str) -> Markup | None:
    """A paper's notes (readings/notes/<key>.md, trusted Markdown), its headings moved under the page's "Notes" section."""
    text = strip_front_matter(source).strip()
    if not text:
        return None
    parts = re.split(r"(^[ \t]*(?:`{3,}|~{3,}).*?^[ \t]*(?:`{3,}|~{3,})[ \t]*$)", text, flags=re.M | re.S)
    demoted = [part if i % 2 else _HEADING.sub(lambda m: "#" * min(len(m.group(1)) + 2, 6), part)
               for i, part in enumerate(parts)]  # odd parts are fenced code
    return Markup("".join(demoted))


class Related:
    """Papers sharing a paper's topics: most shared topics first, then rarer shared topics,
    then papers with fewer other topics, then newer ones.

    Instead of scoring every pair (25 million for 5,000 papers), candidates come
    level by level: the papers sharing all k topics of a subset, in rank order; the
    search stops as soon as enough are found.  Each paper is one bit of an integer,
    in rank order, and each topic the integer of its papers' bits, so the papers
    sharing a subset are one ``&`` of a few integers away (C speed, however rare the
    combination) and its lowest set bits are the best-ranked.  A paper's rarest eight
    topics are used; rankings are shared by papers with the same topics.
    """

    MAX_TOPICS = 8

    def __init__(self, bib: Bibliography, limit: int):
        self.bib = bib
        self.limit = limit
        self.topics = {key: frozenset(slug for slug, _ in p.topics) for key, p in bib.papers.items()}
        members: dict[str, list[str]] = defaultdict(list)
        for key, topics in self.topics.items():
            for topic in topics:
                members[topic].append(key)
        total = len(self.topics)
        self.weight = {t: math.log((total + 1) / len(keys)) for t, keys in members.items()}
        rank = {key: (len(self.topics[key]),) + bib.newest_first(key) for key in self.topics}
        self.by_rank = sorted(self.topics, key=rank.__getitem__)  # bit i is the paper self.by_rank[i]
        self.bits: dict[str, int] = defaultdict(int)
        for i, key in enumerate(self.by_rank):
            for topic in self.topics[key]:
                self.bits[topic] |= 1 << i
        self.cache: dict[frozenset, list[str]] = {}
        self.shared: dict[tuple, str] = {}

    def top(self, key: str) -> list[tuple[Paper, str]]:
        """Up to ``limit`` (paper, the shared topics as "a, b") for the paper ``key``."""
        mine = self.topics[key]
        if not mine:
            return []
        ranked = self.cache.get(mine)
        if ranked is None:
            ranked = self.cache[mine] = self._ranked(mine, self.limit + 1)  # +1: the paper itself may be there
        topics = self.bib[key].topics
        return [(self.bib[other], self._shared(topics, self.topics[other]))
                for other in [k for k in ranked if k != key][: self.limit]]

    def _shared(self, topics: tuple[tuple[str, str], ...], theirs: frozenset) -> str:
        """"a, b": the topics of ``topics`` in ``theirs``, in the paper's order (many pairs repeat)."""
        shared = self.shared.get((topics, theirs))
        if shared is None:
            shared = self.shared[topics, theirs] = ", ".join(label for slug, label in topics if slug in theirs)
        return shared

    def _ranked(self, topics: frozenset, need: int) -> list[str]:
        topics = sorted(topics, key=lambda t: (-self.weight[t], t))[: self.MAX_TOPICS]
        chosen: list[str] = []
        taken = 0  # the bits of the chosen papers
        for size in range(len(topics), 0, -1):
            subsets = sorted(combinations(topics, size), key=lambda s: (-sum(self.weight[t] for t in s), s))
            for subset in subsets:
                candidates = ~taken
                for topic in subset:
                    candidates &= self.bits[topic]
                while candidates:  # the best-ranked first: the lowest set bit
                    lowest = candidates & -candidates
                    chosen.append(self.by_rank[lowest.bit_length() - 1])
                    if len(chosen) == need:
                        return chosen
                    taken |= lowest
                    candidates ^= lowest
        return chosen
