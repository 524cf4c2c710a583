"""The readings page: every paper once per view, by session (what to read for each class) and by topic,
with client-side filters; and the downloads (BibTeX, RIS, CSL-JSON) of the whole list and of each topic.

The by-session view carries each paper's full entry once (with its COinS, so that Zotero finds each paper
once): in the page for the groups that start open, in files of their own for those that start collapsed, which
the page's script loads when one opens. The by-topic view's groups load on demand too: each links the files of
its entries, which the page's script loads when the view is shown; a long list's by-session groups load so too,
and its filters read every paper's words from one data file."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from course.data.bibliography import Bibliography, Topic
from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.ground.words import day
from course.render.env import GeneratedFile, SiteContext, environment, render_page
from course.render.exports import coins, download_files
from course.render.papers import bibtex_pattern, paper_hrefs

ALL = "readings/papers"  # the downloads of the whole list: .bib, .ris, .json
OTHER = "Other"  # the group of papers without keywords
OPEN_UP_TO = 3  # a group with more entries than this starts collapsed
ON_DEMAND_ABOVE = 500  # papers: a longer list is not one page of them all; each group's entries load when it opens
PART = 100  # entries in each file of a group's list
LISTS = "readings/lists.json"  # the filters' data for a list that loads on demand


NAV_TITLE = "Readings"


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.READINGS, "readings/")


def exists(data: CourseData) -> bool:
    return bool(data.bibliography and data.bibliography.papers)


def topic_downloads(slug: str) -> str:
    return f"readings/topics/{slug}"


@dataclass(frozen=True)
class Listed:
    """A paper in a group: its full entry where the view lists it first, else a pointer to that place (where
    and anchor)."""

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
    no session assigns; a paper assigned again points back to the session that lists it. The full entries
    carry the COinS."""
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
            groups.append(Group(anchor, f"{session.number}. {session.entry.title}", tuple(parts), when, coins=True))
    bib = data.bibliography
    rest = sorted((key for key in bib.papers if key not in first), key=bib.newest_first)
    if rest:
        groups.append(Group("session--none", "Not assigned to a session", (("", tuple(Listed(k, True) for k in rest)),),
                            "Syllabus materials, talk and podcast recommendations, project starting points", coins=True))
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
    groups = [Group(f"topic-{t.slug}", t.label, (("", tuple(Listed(k, True) for k in home[t.slug])),), t.description, t) for t in bib.topics]
    if untagged:
        groups.append(Group("topic--none", OTHER, (("", tuple(Listed(k, True) for k in untagged)),), "Papers without keywords"))
    return groups


@dataclass(frozen=True)
class Lists:
    """The groups that load on demand (``loads``), each in files of ``PART`` entries
    (``readings/list-<group>-<n>.html``, beside the page, so that their links work in it and alone); a long
    list's filters read the papers' words from a data file (``data``: ``LISTS``; None: from the page's entries)."""

    data: str | None = None

    @staticmethod
    def of(papers: int) -> Lists:
        return Lists(LISTS) if papers > ON_DEMAND_ABOVE else Lists()

    def loads(self, group: Group, view: str) -> str:
        """When the group's entries load: "" (they are in the page); "view" (from its files, when its view is
        shown: the by-topic view's groups); or "open" (when it opens, or the filters need them: every group of a
        long list, and a by-session group that starts collapsed, since a first visit need not fetch what it does
        not show, and the full entries are most of the page)."""
        if self.data or (view == "by-session" and not group.open):
            return "open"
        return "view" if view == "by-topic" else ""

    @staticmethod
    def parts(group: Group) -> list[tuple[tuple[str, tuple[Listed, ...]], ...]]:
        """The group's parts in runs of ``PART`` entries: a part that runs on keeps its heading in the next file."""
        items = [(heading, item) for heading, listed in group.parts for item in listed]
        runs = [items[i:i + PART] for i in range(0, len(items), PART)]
        return [tuple((heading, tuple(item for h, item in run if h == heading)) for heading in dict.fromkeys(h for h, _ in run))
                for run in runs]

    def files(self, group: Group) -> list[tuple[str, str]]:
        """Each file of the group's list, with its link's words."""
        count = len(self.parts(group))
        if count == 1:
            return [(f"readings/list-{group.id}-1.html", f"Its {group.size} paper{'s' if group.size != 1 else ''}")]
        return [(f"readings/list-{group.id}-{n}.html", f"{(n - 1) * PART + 1}\u2013{min(n * PART, group.size)}")
                for n in range(1, count + 1)]


_TAG = re.compile(r"<[^>]*>")


def lists_data(bib: Bibliography, entries: dict, groups: list[Group]) -> str:
    """The filters' data for the lists that load on demand: each paper's words (as the page's script reads an
    entry: its text, and every author), topics, year and type; each group's papers, file by file."""
    papers = {paper.slug: [" ".join((html.unescape(_TAG.sub("", entries[key])) + " " + paper.author_list()).split()).lower(),
                           paper.topic_slugs, paper.year, paper.type_label] for key, paper in bib.papers.items()}
    parts = {group.id: [[bib[item.key].slug for _, items in part for item in items] for part in Lists.parts(group)]
             for group in groups}
    return json.dumps({"papers": papers, "groups": parts}, ensure_ascii=False, separators=(",", ":"))


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    bib = data.bibliography
    topics = bib.topics
    start = [(bib[item.key], item.comment or "") for item in data.course.materials.items if item.key in bib]
    hrefs = paper_hrefs(bib, urls.READINGS)
    macros = environment().get_template("_paper_macros.md.j2").module
    entries = {key: macros.entry(paper, hrefs[key], topic_chips=True) for key, paper in bib.papers.items()}
    with_coins = {key: macros.entry(paper, hrefs[key], topic_chips=True, extra=coins(paper))
                  for key, paper in bib.papers.items()}
    lists = Lists.of(len(bib.papers))
    sessions = session_groups(data)
    by_topic = topic_groups(bib)
    years = sorted({int(p.year) for p in bib.papers.values() if p.year.isdigit()})
    types = sorted({(p.type_label, p.type_slug) for p in bib.papers.values()})
    page = render_page(
        "readings.md.j2", urls.READINGS, title="Readings",
        bib=bib, topics=topics, start=start, entries=entries, with_coins=with_coins, hrefs=hrefs, years=years,
        types=types, sessions=sessions, by_topic=by_topic, lists=lists, bibtex=bibtex_pattern(urls.READINGS),
        all=ALL, topic_downloads={t.slug: topic_downloads(t.slug) for t in topics},
    )
    on_demand = [group for group in sessions if lists.loads(group, "by-session")] + by_topic
    files = [page] + list_files(lists, on_demand, bib, entries, with_coins, hrefs)
    files += download_files(ALL, bib, bib.keys())
    for topic in topics:
        files += download_files(topic_downloads(topic.slug), bib, topic.keys)
    return files


def list_files(lists: Lists, groups: list[Group], bib: Bibliography, entries: dict, with_coins: dict,
               hrefs: dict) -> list[GeneratedFile]:
    """Each group's files, and the filters' data where they read it from a file."""
    macros = environment().get_template("_readings_macros.md.j2").module
    files = [GeneratedFile(lists.data, lists_data(bib, entries, groups))] if lists.data else []
    for group in groups:
        several = len(lists.parts(group)) > 1
        for (src, label), parts in zip(lists.files(group), lists.parts(group)):
            title = f"{group.title} ({label})" if several else group.title
            html = macros.group_file(title, parts, entries, with_coins, group.coins, bib, hrefs)
            files.append(GeneratedFile(src, _links_to_the_page(html) + "\n"))
    return files


def _links_to_the_page(html: str) -> str:
    """A group's file is a page of its own too (opened from its link): its links to places of the readings page (a
    topic chip's group, the session a line points to) go there (``./#topic-x``), not to anchors of the file;
    loaded into the page, they are the same place."""
    return str(html).replace('href="#', 'href="./#')  # (str: a Markup would escape the new text)
