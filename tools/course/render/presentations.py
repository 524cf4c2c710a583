"""The sign-up page: each slot's free places and each paper's status, filterable by topic."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from course.data.fields import check_url
from course.data.load import CourseData
from course.data.signup_board import Presentation, SlotInfo
from course.ground import urls
from course.ground.layout import Layout
from course.ground.words import slug
from course.render.env import GeneratedFile, SiteContext, render_page

NAV_TITLE = "Presentations"
# The issue form students sign up with (written by `course signup form`) and its label.
SIGNUP_FORM = "presentation-signup.yml"
SIGNUP_LABEL = "presentation-signup"


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


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.PRESENTATIONS, "presentations/")


def exists(data: CourseData) -> bool:
    return data.presentations is not None


def signup_url(repo_url: str, key: str) -> str:
    """The "Sign up" link of one paper: a new issue from the form, with the paper filled in
    (issue forms take a field's value from the query parameter named after its id)."""
    query = urlencode({"template": SIGNUP_FORM, "title": f"Presentation sign-up: {key}", "paper": key})
    return f"{repo_url.rstrip('/')}/issues/new?{query}"


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    board = data.presentations
    talks = board.talks
    slots = [SlotRow(info, [t for t in talks if t.slot == info.id], board.remaining(info.id)) for info in board.slots.values()]
    places = any(row.remaining for row in slots)
    repo = _repo_url(ctx.repo_url)
    papers = []
    for key in board.listed_papers():
        status = board.status(key)
        paper = data.bibliography.get(key) if data.bibliography else None
        link = signup_url(repo, key) if repo and status == "open" and places and key in board.open_papers else None
        papers.append(PaperRow(key, [slug(k) for k in (paper.keywords if paper else ())],
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
