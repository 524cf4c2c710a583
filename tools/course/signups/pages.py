"""The sign-up page: each slot's free places and each paper's status, filterable by topic."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..data.fields import check_url
from ..data.load import CourseData
from ..render import urls
from ..render.env import GeneratedFile, SiteContext, render_page
from .board import Board, SlotInfo
from .form import signup_url
from .load import Presentation, presentations


@dataclass(frozen=True)
class SlotRow:
    info: SlotInfo
    talks: list[Presentation]
    remaining: int


@dataclass(frozen=True)
class PaperRow:
    key: str
    topics: list[str]
    status: str  # open | claimed | presented
    talks: list[Presentation]
    signup: str | None  # the "Sign up" link, for an open paper


def topic_id(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    board: Board | None = data.extras.get("presentations")
    if board is None:
        return []
    talks = presentations(board)
    slots = [SlotRow(info, [t for t in talks if t.slot == info.id], board.remaining(info.id)) for info in board.slots.values()]
    places = any(row.remaining for row in slots)
    repo = _repo_url(ctx.repo_url)
    keys = list(board.open_papers) + [c.paper for c in board.claims if c.paper not in board.open_papers]
    papers = []
    for key in dict.fromkeys(keys):
        status = board.status(key)
        paper = data.bibliography.get(key) if data.bibliography else None
        link = signup_url(repo, key) if repo and status == "open" and places and key in board.open_papers else None
        papers.append(PaperRow(key, [topic_id(k) for k in (paper.keywords if paper else ())],
                               status, [t for t in talks if t.key == key], link))
    chosen = board.record.papers
    topics = list(chosen.topics) if chosen and chosen.topics else sorted({t for row in papers for t in row.topics})
    open_until = max((row.info.start for row in slots if row.remaining), default=None)
    return [render_page(
        "presentations.md.j2", urls.PRESENTATIONS, title="Paper presentations",
        course=data.course, rules=board.record.rules, slots=slots, papers=papers, topics=topics,
        bib=data.bibliography, has_repo=repo is not None, open_until=open_until,
        counts={s: sum(1 for row in papers if row.status == s) for s in ("open", "claimed", "presented")},
    )]


def _repo_url(value: str | None) -> str | None:
    if not value:
        return None
    try:
        value = check_url(value)
    except ValueError:
        return None
    return value if value.startswith("https://") else None
