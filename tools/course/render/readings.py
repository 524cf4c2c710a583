"""The readings page: every paper once per view, by session (what to read for each class) and by topic,
with client-side filters; and the downloads (BibTeX, RIS, CSL-JSON) of the whole list and of each topic."""

from __future__ import annotations

from dataclasses import dataclass

from course.data.bibliography import Bibliography, Topic
from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.ground.words import day
from course.render.env import GeneratedFile, SiteContext, environment, render_page
from course.render.exports import coins, download_files
from course.render.papers import paper_hrefs

ALL = "readings/papers"  # the downloads of the whole list: .bib, .ris, .json
OTHER = "Other"  # the group of papers without keywords
OPEN_UP_TO = 3  # a group with more entries than this starts collapsed


NAV_TITLE = "Readings"


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.READINGS, "readings/")


def exists(data: CourseData) -> bool:
    return bool(data.bibliography and data.bibliography.papers)


def topic_downloads(slug: str) -> str:
    return f"readings/topics/{slug}"


@dataclass(frozen=True)
class Listed:
    """A paper in a group: its full entry where the view lists it first, else a pointer to that place."""

    key: str
    first: bool
    where: str = ""  # the group that has the full entry ("session 3")
    anchor: str = ""


@dataclass(frozen=True)
class Group:
    id: str  # its anchor
    title: str
    parts: tuple[tuple[str, tuple[Listed, ...]], ...]  # (heading or "", papers)
    meta: str = ""  # date, description
    topic: Topic | None = None
    coins: bool = False  # its entries carry COinS (one view only, so that Zotero finds each paper once)

    @property
    def size(self) -> int:
        return sum(len(items) for _, items in self.parts)

    @property
    def open(self) -> bool:
        return self.size <= OPEN_UP_TO


def session_groups(data: CourseData) -> list[Group]:
    """One group per session with readings, in course order (required, then further reading), and the papers
    no session assigns; a paper assigned again points back to the session that lists it."""
    first: dict[str, tuple[str, str]] = {}  # key -> (where, anchor)
    groups = []
    for session in data.sessions:
        anchor = f"session-{session.id}"
        parts = []
        for heading, keys in (("Required", session.entry.readings), ("Further reading", session.entry.further_reading)):
            items = []
            for key in keys:
                if key in first:
                    items.append(Listed(key, False, *first[key]))
                else:
                    first[key] = (f"session {session.number}", anchor)
                    items.append(Listed(key, True))
            if items:
                parts.append((heading, tuple(items)))
        if parts:
            when = day(session.date) + (" (cancelled)" if session.cancelled else "")
            groups.append(Group(anchor, f"{session.number}. {session.entry.title}", tuple(parts), when))
    bib = data.bibliography
    rest = sorted((key for key in bib.papers if key not in first), key=bib.newest_first)
    if rest:
        groups.append(Group("session--none", "Not assigned to a session", (("", tuple(Listed(k, True) for k in rest)),),
                            "Syllabus materials, talk and podcast recommendations, project starting points"))
    return groups


def topic_groups(bib: Bibliography) -> list[Group]:
    """One group per topic, in the vocabulary's order; each paper is listed under its most specific topic
    (the one with the fewest papers), so that it appears once, with its other topics as chips."""
    size = {t.slug: len(t.keys) for t in bib.topics}
    order = {t.slug: i for i, t in enumerate(bib.topics)}
    home: dict[str, list[str]] = {t.slug: [] for t in bib.topics}
    untagged = []
    for key in sorted(bib.papers, key=bib.newest_first):
        topics = [s for s, _ in bib[key].topics]
        if topics:
            home[min(topics, key=lambda s: (size[s], order[s]))].append(key)
        else:
            untagged.append(key)
    groups = [Group(f"topic-{t.slug}", t.label, (("", tuple(Listed(k, True) for k in home[t.slug])),), t.description, t, True)
              for t in bib.topics]
    if untagged:
        groups.append(Group("topic--none", OTHER, (("", tuple(Listed(k, True) for k in untagged)),), "Papers without keywords",
                            coins=True))
    return groups


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    bib = data.bibliography
    topics = bib.topics
    start = [(bib[item.key], item.comment or "") for item in data.course.materials.items if item.key in bib]
    hrefs = paper_hrefs(bib, urls.READINGS)
    macros = environment().get_template("_paper_macros.md.j2").module
    entries = {key: macros.entry(paper, hrefs[key], topic_chips=True) for key, paper in bib.papers.items()}
    with_coins = {key: macros.entry(paper, hrefs[key], topic_chips=True, extra=coins(paper)) for key, paper in bib.papers.items()}
    years = sorted({int(p.year) for p in bib.papers.values() if p.year.isdigit()})
    types = sorted({(p.type_label, p.type_slug) for p in bib.papers.values()})
    page = render_page(
        "readings.md.j2", urls.READINGS, title="Readings",
        bib=bib, topics=topics, start=start, entries=entries, with_coins=with_coins, hrefs=hrefs, years=years,
        types=types, sessions=session_groups(data), by_topic=topic_groups(bib),
        all=ALL, topic_downloads={t.slug: topic_downloads(t.slug) for t in topics},
    )
    downloads = download_files(ALL, bib, bib.keys())
    for topic in topics:
        downloads += download_files(topic_downloads(topic.slug), bib, topic.keys)
    return [page] + downloads
