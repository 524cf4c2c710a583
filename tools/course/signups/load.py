"""Load readings/presentations.yml and attach the presentations to the course data.

What is attached is public: display names, papers and times.  GitHub handles,
issue numbers and the instructor's notes stay in the YAML file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..data.load import CourseData
from ..data.validate import validate
from ..errors import Problem, display_path
from ..graph import Backlink
from ..render import urls
from ..render.calendar import Event, _slug
from ..render.env import day
from ..yamlsource import YamlDocument, load_yaml, parse_yaml
from .board import Board, build
from .model import PresentationsFile

FILE_NAME = "presentations.yml"


@dataclass(frozen=True)
class Presentation:
    """One talk, as the schedule, session and paper pages show it."""

    presenter: str  # display name
    key: str  # BibTeX key
    slot: str
    start: dt.datetime
    end: dt.datetime
    presented: bool
    session: str | None  # the session it takes place in, if any


def data_file(data: CourseData) -> Path:
    return data.layout.data / FILE_NAME


def read_board(data: CourseData, text: str | None = None) -> tuple[Board | None, YamlDocument | None, list[Problem]]:
    """The sign-up board from presentations.yml (or from ``text``, its would-be contents); None if there is no file."""
    path = data_file(data)
    display = display_path(path, data.layout.root)
    if text is not None:
        document, problems = parse_yaml(text, display, path)
    elif path.exists():
        document, problems = load_yaml(path, display)
    else:
        return None, None, []
    if problems or document is None:
        return None, document, problems
    record, problems = validate(document, PresentationsFile)
    if record is None:
        return None, document, problems
    board, problems = build(data, record, document)
    return board, document, problems


def attach(data: CourseData) -> tuple[CourseData, list[Problem]]:
    """Return the data with sign-up results in ``data.extras`` and any problems found."""
    board, _, problems = read_board(data)
    if board is None or problems:
        return data, problems
    talks = presentations(board)
    by_session: dict[str, list[Presentation]] = {}
    for talk in talks:
        if talk.session:
            by_session.setdefault(talk.session, []).append(talk)
    extras = {
        **data.extras,
        "presentations": board,
        "presentations_by_session": by_session,
        "backlinks": tuple(data.extras.get("backlinks", ())) + tuple(backlinks(talks)),
        "calendar_events": tuple(data.extras.get("calendar_events", ())) + tuple(calendar_events(board, talks)),
    }
    return dataclasses.replace(data, extras=extras), []


def presentations(board: Board) -> list[Presentation]:
    """Every claim as a talk, in time order."""
    talks = []
    for claim in board.claims:
        info = board.slots[claim.slot]
        start = board.talk_start(claim)
        talks.append(Presentation(
            presenter=claim.name, key=claim.paper, slot=claim.slot, start=start,
            end=start + dt.timedelta(minutes=info.minutes), presented=claim.presented,
            session=info.session.id if info.session else None,
        ))
    return sorted(talks, key=lambda t: (t.start, board.slots[t.slot].index))


def backlinks(talks: list[Presentation]) -> list[Backlink]:
    links = []
    for talk in talks:
        when = f"{day(talk.start)} {talk.start.year}"
        text = f"{'Presented' if talk.presented else 'To be presented'} by {talk.presenter} on {when}"
        target = urls.session_page(talk.session) if talk.session else urls.PRESENTATIONS
        links.append(Backlink(talk.key, "presentation", text, target, "" if talk.session else f"slot-{talk.slot}", (talk.start,)))
    return links


def calendar_events(board: Board, talks: list[Presentation]) -> list[Event]:
    course = board.data.course
    domain = _slug(f"{course.code} {course.title}")
    bib = board.data.bibliography
    events, seen = [], set()
    for talk in talks:
        paper = bib.get(talk.key) if bib else None
        title = paper.title if paper else talk.key
        uid = f"presentation-{talk.slot}-{urls.paper_slug(talk.key)}"
        n = 1
        while f"{uid}-{n}" in seen:  # several presenters of one paper in one slot
            n += 1
        seen.add(f"{uid}-{n}")
        events.append(Event(
            uid=f"{uid}{'' if n == 1 else f'-{n}'}@{domain}",
            summary=f"{course.code}: {talk.presenter} presents \u201c{title}\u201d",
            start=talk.start, end=talk.end,
            description=f"Paper presentation ({paper.label if paper else talk.key}).",
            location=course.meetings.location,
            categories=("Presentation",),
        ))
    return events
