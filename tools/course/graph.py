"""Link records into one graph: for each paper, every place in the course that uses it.

Backlinks are computed here from the data, never typed by hand.  Later
stages (citations in hand-written pages, presentation sign-ups) add their own
through ``CourseData.extras["backlinks"]``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .data.load import CourseData
from .data.podcasts import display_stamp, flat_topics
from .render import urls
from .render.env import day
from .render.talks import talk_heading


@dataclass(frozen=True)
class Backlink:
    key: str  # the paper's BibTeX key
    kind: str  # reading | further-reading | material | project-idea | talk | episode | citation | presentation
    text: str  # e.g. "Reading for session 6 (Thu 28 Jan 2027)"
    target: str  # the source path of the page that uses the paper
    anchor: str = ""
    order: tuple = ()


KIND_ORDER = ["presentation", "reading", "further-reading", "material", "project-idea", "citation", "talk", "episode"]


def backlinks(data: CourseData) -> dict[str, list[Backlink]]:
    links: dict[str, list[Backlink]] = defaultdict(list)

    def add(link: Backlink) -> None:
        links[link.key].append(link)

    for s in data.sessions:
        when = f"{day(s.date)} {s.date.year}"
        for key in s.entry.readings:
            add(Backlink(key, "reading", f"Reading for session {s.number}: {s.title} ({when})", urls.session_page(s.id), order=(s.number,)))
        for key in s.entry.further_reading:
            add(Backlink(key, "further-reading", f"Further reading for session {s.number}: {s.title} ({when})", urls.session_page(s.id), order=(s.number,)))
    for i, item in enumerate(data.course.materials.items):
        add(Backlink(item.key, "material", f"Recommended material in the syllabus (number {i + 1})", urls.SYLLABUS, "materials", (i,)))
    if data.course.final_project:
        for i, idea in enumerate(data.course.final_project.ideas):
            for key in idea.readings:
                add(Backlink(key, "project-idea", f"Starting point for the project idea \u201c{idea.title}\u201d", urls.PROJECT, "project-ideas", (i,)))
    for ts in data.talk_series:
        for talk in ts.talks:
            for key in talk.readings:
                add(Backlink(key, "talk", f"Recommended reading for the {ts.series.title} talk \u201c{talk_heading(talk)}\u201d ({day(talk.date)} {talk.date.year})",
                             urls.talk_page(ts.series.id, talk.id), order=(talk.date,)))
    for pod in data.podcasts:
        name = pod.podcast.short_title or pod.podcast.title
        for episode in pod.episodes:
            page = urls.episode_page(pod.podcast.id, episode.number)
            stamped = set()
            for _, topic in flat_topics(episode.topics):
                for key in topic.papers:
                    stamped.add(key)
                    add(Backlink(key, "episode", f"Discussed in {name} episode {episode.number} at {display_stamp(topic.at)} (\u201c{topic.title}\u201d)",
                                 page, "t-" + topic.at.replace(":", ""), (episode.number, topic.at)))
            for key in episode.papers:
                if key not in stamped:
                    add(Backlink(key, "episode", f"Discussed in {name} episode {episode.number}: {episode.title}", page, "writings-discussed", (episode.number, "")))
    for link in data.extras.get("backlinks", ()):
        add(link)
    for key in links:
        links[key].sort(key=lambda b: (KIND_ORDER.index(b.kind) if b.kind in KIND_ORDER else 99, b.order, b.text))
    return dict(links)
