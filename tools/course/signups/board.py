"""The sign-up rules, in one place for `course check`, the command line and the issue reconciler.

A ``Board`` holds the slots (with their start times worked out), the papers
open for presentation, and the claims admitted so far.  ``refusals`` says why
a claim breaks a rule; `course check` reports every refusal of every claim in
the file, while a new claim is recorded only when it has none.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import dataclass, field

from ..data.load import CourseData
from ..data.schedule import Session
from ..errors import Problem
from ..render.env import clock, day
from ..yamlsource import YamlDocument
from .model import Claim, PresentationsFile, Slot


@dataclass(frozen=True)
class Refusal:
    field: str  # the key of the claim the rule is about
    message: str  # what is wrong, for whoever made the claim
    fix: str = ""  # what else the instructor could change (shown by `course check` only)


@dataclass(frozen=True)
class SlotInfo:
    slot: Slot
    index: int  # position in the file
    start: dt.datetime  # aware, in the course time zone
    minutes: int
    session: Session | None

    @property
    def id(self) -> str:
        return self.slot.id

    @property
    def when(self) -> str:
        return f"{day(self.start)} {self.start.year}, {clock(self.start)}"

    @property
    def title(self) -> str:
        if self.slot.title:
            return self.slot.title
        return self.session.title if self.session else f"Presentations on {day(self.start)}"


def person(text: str) -> str:
    """A name or handle compared loosely: case, width, spacing and invisible characters ignored."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.casefold().split())


@dataclass
class Board:
    data: CourseData
    record: PresentationsFile
    slots: dict[str, SlotInfo]
    open_papers: dict[str, tuple[str, ...]]  # key -> its topics, in papers.bib order
    claims: list[Claim] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)  # slots with a problem of their own, already reported

    @property
    def limit(self) -> int:
        return self.record.rules.presenters_per_paper

    def in_slot(self, slot_id: str) -> list[Claim]:
        return [c for c in self.claims if c.slot == slot_id]

    def remaining(self, slot_id: str) -> int:
        return max(0, self.slots[slot_id].slot.capacity - len(self.in_slot(slot_id)))

    def of_paper(self, key: str) -> list[Claim]:
        return [c for c in self.claims if c.paper == key]

    def held_by(self, claim: Claim) -> Claim | None:
        """The claim already held by the student making ``claim`` (same name or same GitHub handle)."""
        name = person(claim.name)
        handle = claim.github.lower() if claim.github else None
        for other in self.claims:
            if other is claim:
                continue
            if person(other.name) == name or (handle and other.github and other.github.lower() == handle):
                return other
        return None

    def first_free_slot(self, at: dt.datetime) -> SlotInfo | None:
        """The earliest slot that has not started at ``at`` and has a place left."""
        for info in sorted(self.slots.values(), key=lambda s: (s.start, s.index)):
            if info.start > at and self.remaining(info.id) > 0:
                return info
        return None

    def talk_start(self, claim: Claim) -> dt.datetime:
        info = self.slots[claim.slot]
        position = [id(c) for c in self.in_slot(claim.slot)].index(id(claim))
        return info.start + dt.timedelta(minutes=position * info.minutes)

    def status(self, key: str) -> str:
        claims = self.of_paper(key)
        if any(c.presented for c in claims):
            return "presented"
        return "claimed" if len(claims) >= self.limit else "open"

    def refusals(self, claim: Claim, at: dt.datetime | None, *, live: bool) -> list[Refusal]:
        """Every rule ``claim`` breaks against the claims admitted before it.

        ``at`` is when the claim was made; ``live`` words the messages for someone claiming now.
        """
        found: list[Refusal] = []
        holder = self.held_by(claim)
        if holder is not None:
            found.append(Refusal("name", f"{holder.name} already holds a claim (paper {holder.paper!r} in slot {holder.slot!r}); "
                                         "a student presents one paper, so release that claim first"))
        bib = self.data.bibliography
        if bib is not None and claim.paper not in bib:
            close = difflib.get_close_matches(claim.paper, bib.keys(), n=1, cutoff=0.7)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            found.append(Refusal("paper", f"paper {claim.paper!r} is not in {bib.display}{hint}"))
        elif not claim.pinned and claim.paper not in self.open_papers:
            found.append(Refusal("paper", f"paper {claim.paper!r} is not open for presentation; choose one of the open papers on the sign-up page",
                                 "or add it to 'papers', or set 'pinned: true' on the claim"))
        else:
            taken = self.of_paper(claim.paper)
            if len(taken) >= self.limit:
                names = ", ".join(c.name for c in taken)
                done = "presented" if any(c.presented for c in taken) else "claimed"
                found.append(Refusal("paper", f"paper {claim.paper!r} is already {done} by {names}; choose another paper",
                                     "or raise rules.presenters_per_paper"))
        info = self.slots.get(claim.slot)
        if info is None and claim.slot in self.broken:
            return found
        if info is None:
            close = difflib.get_close_matches(claim.slot, list(self.slots), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            found.append(Refusal("slot", f"there is no slot {claim.slot!r}: {hint}the slots are {', '.join(self.slots)}"))
            return found
        if at is not None and not claim.pinned and at >= info.start:
            if live:
                found.append(Refusal("slot", f"slot {info.id!r} ({info.when}) has already started; choose a later slot"))
            else:
                found.append(Refusal("claimed", f"the claim was made after slot {info.id!r} started ({info.when}); claims must be made before their slot",
                                     "fix 'claimed', or set 'pinned: true' on the claim"))
        if self.remaining(info.id) == 0:
            found.append(Refusal("slot", f"slot {info.id!r} ({info.when}) is full ({info.slot.capacity} of {info.slot.capacity} places taken); choose another slot",
                                 "or raise its capacity"))
        return found


def build(data: CourseData, record: PresentationsFile, document: YamlDocument) -> tuple[Board, list[Problem]]:
    """Check the slots and open papers against the course, then admit every claim, reporting broken rules."""
    problems: list[Problem] = []
    slots = _slots(data, record, document, problems)
    board = Board(data, record, slots, _open_papers(data, record, document, problems))
    board.broken = {slot.id for slot in record.slots if slot.id not in slots}
    first_line: dict[str, int] = {}
    for i, slot in enumerate(record.slots):
        if slot.id in first_line:
            problems.append(document.problem(("slots", i, "id"), f"slot id {slot.id!r} is already used on line {first_line[slot.id]}; ids must be unique"))
        first_line.setdefault(slot.id, document.positions.of_value(("slots", i, "id"))[0])
    for i, claim in enumerate(record.claims):
        for refusal in board.refusals(claim, claim.claimed, live=False):
            message = refusal.message + (f" ({refusal.fix})" if refusal.fix else "")
            problems.append(document.problem(("claims", i, refusal.field), message))
        board.claims.append(claim)
    return board, problems


def _slots(data: CourseData, record: PresentationsFile, document: YamlDocument, problems: list[Problem]) -> dict[str, SlotInfo]:
    course, zone = data.course, data.course_zone
    sessions = {s.id: s for s in data.sessions}
    by_date = {s.date: s for s in data.sessions if not s.cancelled}
    result: dict[str, SlotInfo] = {}
    for i, slot in enumerate(record.slots):
        minutes = slot.minutes or record.rules.minutes
        if slot.session:
            session = sessions.get(slot.session)
            if session is None:
                close = difflib.get_close_matches(slot.session, list(sessions), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else " (use an id from schedule.yml)"
                problems.append(document.problem(("slots", i, "session"), f"no session with id {slot.session!r}{hint}"))
                continue
            if session.cancelled:
                problems.append(document.problem(("slots", i, "session"), f"session {slot.session!r} is cancelled; move the slot to another session or date"))
                continue
            length = int((session.end - session.start).total_seconds() // 60)
            if slot.capacity * minutes > length:
                problems.append(document.problem(("slots", i, "capacity"), (
                    f"{slot.capacity} talks of {minutes} minutes need {slot.capacity * minutes} minutes, but session "
                    f"{slot.session!r} lasts {length}; lower 'capacity' or 'minutes'")))
            start = session.start
        else:
            session = by_date.get(slot.date)
            if slot.time is not None:
                start = dt.datetime.combine(slot.date, slot.time, zone)
            elif session is not None:
                start = session.start
            else:
                start = dt.datetime.combine(slot.date, course.meetings.start, zone)
        result.setdefault(slot.id, SlotInfo(slot, i, start, minutes, session))
    return result


def _open_papers(data: CourseData, record: PresentationsFile, document: YamlDocument, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    bib = data.bibliography
    if bib is None:
        return {}
    chosen = record.papers
    known_topics = sorted({k for p in bib.papers.values() for k in p.keywords})
    if chosen is not None:
        for part in ("keys", "exclude"):
            for i, key in enumerate(getattr(chosen, part)):
                if key not in bib:
                    close = difflib.get_close_matches(key, bib.keys(), n=1, cutoff=0.7)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    problems.append(document.problem(("papers", part, i), f"paper {key!r} is not in {bib.display}{hint}"))
        for i, topic in enumerate(chosen.topics):
            if topic not in known_topics:
                close = difflib.get_close_matches(topic, known_topics, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                problems.append(document.problem(("papers", "topics", i), f"no paper in {bib.display} has the keyword {topic!r}{hint}"))
    result = {}
    for key, paper in bib.papers.items():
        if chosen is None or key in chosen.keys or set(paper.keywords) & set(chosen.topics):
            if chosen is None or key not in chosen.exclude:
                result[key] = paper.keywords
    return result
