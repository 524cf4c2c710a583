"""For each paper, every place in the course that uses it, computed from the records, never typed by hand.

Sessions, the syllabus' materials, project ideas, talks, podcast episodes,
citations in hand-written pages and presentations all link here, in one
order.  A backlink carries facts (numbers, titles, dates); the paper page's
renderer words them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from course.data.load import CourseData
from course.data.podcasts import flat_topics
from course.ground import urls
from course.ground.citation_syntax import cited_keys, page_title, percent_title

# The order of the kinds on a paper's page.
KINDS = ("presentation", "reading", "further-reading", "material", "project-idea", "citation", "notebook", "talk",
         "talk-related", "episode")


@dataclass(frozen=True)
class Backlink:
    key: str  # the paper's BibTeX key
    kind: str  # one of KINDS
    target: str  # the source path of the page that uses the paper
    anchor: str = ""
    order: tuple = ()  # the place among links of its kind
    subject: str = ""  # the session, idea, talk, topic, episode or page title
    number: int | None = None  # the session, material or episode number
    when: dt.date | None = None
    via: str = ""  # the talk series, the podcast, or the presenter
    at: str = ""  # a timestamp in the episode
    presented: bool = False
    term: str = ""  # the term's name, when the course has past terms and this is a session or a presentation
    term_rank: int = 0  # 0: the current term; past terms after it, newest first

    def sort_key(self) -> tuple:
        return (self.term_rank, KINDS.index(self.kind), self.order, self.subject, self.via, self.target, self.anchor)


def backlinks(data: CourseData, hand_written: dict[str, str] | None = None) -> dict[str, list[Backlink]]:
    """Every backlink, by paper key, in page order.  ``hand_written``: docs_dir pages whose citations count.
    Found once per build: the paper pages and the author pages both ask, of the same (immutable) data."""
    hand_written = hand_written or {}
    if _last and _last[0] is data and _last[1] == hand_written:
        return _last[2]
    _last[:] = [data, dict(hand_written), _backlinks(data, hand_written)]
    return _last[2]


_last: list = []  # the data, the pages and their backlinks, last asked for


def _backlinks(data: CourseData, hand_written: dict[str, str]) -> dict[str, list[Backlink]]:
    links: dict[str, list[Backlink]] = defaultdict(list)
    for link in _all(data, hand_written):
        links[link.key].append(link)
    for key in links:
        links[key].sort(key=Backlink.sort_key)
    return dict(links)


def _all(data: CourseData, hand_written: dict[str, str]):
    yield from _term_links(data, None, data.course.term.name if data.archives else "", 0)
    for rank, archive in enumerate(reversed(data.archives), start=1):
        yield from _term_links(archive.data, archive.id, archive.name, rank)
    for i, item in enumerate(data.course.materials.items):
        yield Backlink(item.key, "material", urls.SYLLABUS, "materials", (i,), number=i + 1)
    if data.course.final_project:
        for i, idea in enumerate(data.course.final_project.ideas):
            for key in idea.readings:
                yield Backlink(key, "project-idea", urls.PROJECT, "project-ideas", (i,), subject=idea.title)
    for ts in data.talk_series:
        for talk in ts.talks:
            for kind, keys in (("talk", talk.recommended), ("talk-related", talk.related)):
                for key in keys:
                    yield Backlink(key, kind, urls.talk_page(ts.series.id, talk.id), order=(talk.date,),
                                   subject=talk.heading, when=talk.date, via=ts.series.title)
    yield from _episode_links(data)
    yield from _citation_links(data, hand_written)
    yield from _notebook_links(data)


def _term_links(data: CourseData, term_id: str | None, term: str, rank: int):
    """The links from one term's own pages: its sessions' readings and its presentations."""
    def page(src: str) -> str:
        return urls.in_term(term_id, src)

    for s in data.sessions:
        for kind, keys in (("reading", s.entry.readings), ("further-reading", s.entry.further_reading)):
            for key in keys:
                yield Backlink(key, kind, page(urls.session_page(s.id)), order=(s.number,), subject=s.title,
                               number=s.number, when=s.date, term=term, term_rank=rank)
    if data.presentations is not None:
        for talk in data.presentations.talks:
            target = urls.session_page(talk.session) if talk.session else urls.PRESENTATIONS
            yield Backlink(talk.key, "presentation", page(target), "" if talk.session else f"slot-{talk.slot}",
                           (talk.start,), when=talk.start.date(), via=talk.presenter, presented=talk.presented,
                           term=term, term_rank=rank)


def _episode_links(data: CourseData):
    for pod in data.podcasts:
        name = pod.podcast.short_title or pod.podcast.title
        for episode in pod.episodes:
            page = urls.episode_page(pod.podcast.id, episode.number)
            stamped = set()
            for _, topic in flat_topics(episode.topics):
                for key in topic.papers:
                    stamped.add(key)
                    yield Backlink(key, "episode", page, "t-" + topic.at.replace(":", ""), (episode.number, topic.at),
                                   subject=topic.title, number=episode.number, via=name, at=topic.at)
            for key in episode.papers:
                if key not in stamped:
                    yield Backlink(key, "episode", page, "writings-discussed", (episode.number, ""),
                                   subject=episode.title, number=episode.number, via=name)


def _notebook_links(data: CourseData):
    """A "notebook" backlink for each paper a notebook cites, on each session page that shows it (to the
    notebook's first citation of it there)."""
    bib, cells = data.bibliography, data.markdown.notebooks
    if bib is None:
        return
    for session in data.sessions:
        for name in session.entry.notebooks:
            for key in (k for k in cited_keys(cells.get(name, "")) if k in bib):
                yield Backlink(key, "notebook", urls.session_page(session.id), urls.notebook_cite_anchor(name, key),
                               (session.number, name), subject=session.title, number=session.number,
                               via=percent_title(cells[name], name))


def _citation_links(data: CourseData, hand_written: dict[str, str]):
    """A "citation" backlink for each paper cited on a hand-written page (to its first citation)."""
    bib = data.bibliography
    if bib is None:
        return
    sessions = {urls.session_page(s.id): s for s in data.sessions}
    for src, text in sorted(hand_written.items()):
        keys = [key for key in cited_keys(text) if key in bib]
        if not keys:
            continue
        session = sessions.get(src)
        subject, number = (session.title, session.number) if session else (page_title(src, text), None)
        for key in keys:
            if urls.paper_page(key) != src:
                yield Backlink(key, "citation", src, urls.cite_anchor(key), (src,), subject=subject, number=number)
