"""One page per paper: citation, links, topics, where the course uses it, related papers, BibTeX, notes."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from itertools import combinations

from markupsafe import Markup

from ..bibliography import Bibliography, Paper
from ..citations import citation_backlinks, notes_path
from ..data.load import CourseData
from ..graph import KIND_ORDER, Backlink, backlinks
from . import urls
from .env import GeneratedFile, Rendered, SiteContext, environment, render_page, strip_front_matter

RELATED = 5  # how many related papers a page lists


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    bib = data.bibliography
    if bib is None:
        return []
    links = all_backlinks(data, ctx)
    related = Related(bib, RELATED)
    page = urls.paper_page("x")  # links from every paper page are alike
    hrefs = paper_hrefs(bib, page)
    pm = environment().get_template("paper_macros.md.j2").module
    # A paper is related to many others: its link is rendered once, when first listed.
    shared = dict(pm=pm, readings=urls.relative(page, urls.READINGS),
                  paper_links=Rendered(lambda key: pm.paper_link(bib[key], hrefs[key])))
    template = environment().get_template("paper.md.j2")  # once, not for each of thousands of pages
    notes_dir = notes_path(data, "x").parent
    with_notes = {p.relative_to(notes_dir).with_suffix("").as_posix() for p in notes_dir.rglob("*.md")} if notes_dir.is_dir() else set()
    return [
        render_page(template, urls.paper_page(key), title=paper.title, p=paper, links=links.get(key, []),
                    related=related.top(key), needs=bib.needs(key), **shared,
                    notes=notes(data, key) if key in with_notes else None)
        for key, paper in bib.papers.items()
    ]


def paper_hrefs(bib: Bibliography, page_src: str) -> dict[str, str]:
    """``{key: u(urls.paper_page(key))}`` for links on ``page_src`` (and on any page in the same folder).

    Such links differ only in the slug, so one call to ``urls.relative`` serves them all.
    """
    probe = "x0probe0x"
    head, _, tail = urls.relative(page_src, urls.paper_page(probe)).partition(probe)
    return {key: head + paper.slug + tail for key, paper in bib.papers.items()}


def all_backlinks(data: CourseData, ctx: SiteContext) -> dict[str, list[Backlink]]:
    """The graph's backlinks plus citations in hand-written pages, in the graph's order."""
    links = backlinks(data)
    cited = citation_backlinks(ctx.hand_written, data)
    for link in cited:
        links.setdefault(link.key, []).append(link)
    for key in {link.key for link in cited}:
        links[key].sort(key=lambda b: (KIND_ORDER.index(b.kind) if b.kind in KIND_ORDER else 99, b.order, b.text))
    return links


_HEADING = re.compile(r"^(#{1,6})(?=\s)", re.M)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.M)


def notes(data: CourseData, key: str) -> Markup | None:
    """readings/notes/<key>.md (trusted Markdown), its headings moved under the page's "Notes" section."""
    path = notes_path(data, key)
    if not path.is_file():
        return None
    text = strip_front_matter(path.read_text(encoding="utf-8")).strip()
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
