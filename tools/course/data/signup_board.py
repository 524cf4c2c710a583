"""Paper presentations and their rules, in one place for `course check`, the command line and the issue reconciler.

``Presentations`` holds the slots (with their start times worked out), the
papers open for presentation, and the claims admitted so far; it is frozen, and
admitting a claim makes a new one.  ``refusals`` says why a claim breaks a rule:
`course check` reports every refusal of every claim in the file, while a new
claim is recorded only when it has none.  What the site shows of it is public:
display names, papers and times; GitHub handles, issue numbers and the
instructor's notes stay in the YAML file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cached_property
from zoneinfo import ZoneInfo

from course.data.bibliography import Bibliography
from course.data.course import Course
from course.data.presentations import Claim, PresentationsFile
from course.data.schedule import Session
from course.data.validate import validate
from course.ground.errors import Problem
from course.ground.words import clock, day, did_you_mean, initials, now, person
from course.ground.yaml_source import YamlDocument


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


@dataclass(frozen=True)
class Presentation:
    """One talk, as the schedule, session and paper pages and the calendar show it."""

    presenter: str  # display name
    key: str  # BibTeX key
    slot: str
    start: dt.datetime
    end: dt.datetime
    presented: bool
    session: str | None  # the session it takes place in, if any


@dataclass(frozen=True)
class Presentations:
    course: Course
    bibliography: Bibliography | None
    record: PresentationsFile
    slots: dict[str, SlotInfo]
    open_papers: dict[str, tuple[str, ...]]  # key -> its topics, in papers.bib order
    claims: tuple[Claim, ...] = ()
    broken: frozenset[str] = frozenset()  # slots with a problem of their own, already reported

    @property
    def limit(self) -> int:
        return self.record.rules.presenters_per_paper

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.course.term.timezone)

    def with_claim(self, claim: Claim) -> "Presentations":
        return replace(self, claims=self.claims + (claim,))

    def without_claim(self, claim: Claim) -> "Presentations":
        return replace(self, claims=tuple(c for c in self.claims if c is not claim))

    def shown_name(self, claim: Claim) -> str:
        """The presenter as the site shows them: ``rules.publish_names`` chooses the name or its initials."""
        return initials(claim.name) if self.record.rules.publish_names == "initials" else claim.name

    @cached_property
    def talks(self) -> tuple[Presentation, ...]:
        """Every claim as a talk, in time order."""
        talks = []
        for claim in self.claims:
            info = self.slots[claim.slot]
            start = self.talk_start(claim)
            talks.append(Presentation(
                presenter=self.shown_name(claim), key=claim.paper, slot=claim.slot, start=start,
                end=start + dt.timedelta(minutes=info.minutes), presented=claim.presented,
                session=info.session.id if info.session else None,
            ))
        return tuple(sorted(talks, key=lambda t: (t.start, self.slots[t.slot].index)))

    @cached_property
    def by_session(self) -> dict[str, list[Presentation]]:
        """The talks given in each session (by session id)."""
        found: dict[str, list[Presentation]] = {}
        for talk in self.talks:
            if talk.session:
                found.setdefault(talk.session, []).append(talk)
        return found

    def listed_papers(self) -> list[str]:
        """The open papers, then papers claimed though not open (pinned by the instructor)."""
        return list(dict.fromkeys(list(self.open_papers) + [c.paper for c in self.claims]))

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
        bib = self.bibliography
        if bib is not None and claim.paper not in bib:
            hint = did_you_mean(claim.paper, bib.keys(), 0.7, "; did you mean {!r}?")
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
            hint = did_you_mean(claim.slot, self.slots)
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


def build(course: Course, sessions: tuple[Session, ...], bib: Bibliography | None, record: PresentationsFile,
          document: YamlDocument) -> tuple[Presentations, list[Problem]]:
    """Check the slots and open papers against the course, then admit every claim, reporting broken rules."""
    problems: list[Problem] = []
    slots = _slots(course, sessions, record, document, problems)
    board = Presentations(course, bib, record, slots, _open_papers(bib, record, document, problems),
                          broken=frozenset(slot.id for slot in record.slots if slot.id not in slots))
    first_line: dict[str, int] = {}
    for i, slot in enumerate(record.slots):
        if slot.id in first_line:
            problems.append(document.problem(("slots", i, "id"), f"slot id {slot.id!r} is already used on line {first_line[slot.id]}; ids must be unique"))
        first_line.setdefault(slot.id, document.positions.of_value(("slots", i, "id"))[0])
    today = now()
    for i, claim in enumerate(record.claims):
        for refusal in board.refusals(claim, claim.claimed, live=False):
            message = refusal.message + (f" ({refusal.fix})" if refusal.fix else "")
            problems.append(document.problem(("claims", i, refusal.field), message))
        board = board.with_claim(claim)
        info = board.slots.get(claim.slot)
        start = board.talk_start(claim) if info is not None else None
        if claim.presented and start is not None and start > today:
            problems.append(document.problem(("claims", i, "presented"), (
                f"'presented: true', but the talk is on {day(start)} {start.year}, which has not come yet; "
                "set it after the talk")))
    return board, problems


def _slots(course: Course, all_sessions: tuple[Session, ...], record: PresentationsFile, document: YamlDocument,
           problems: list[Problem]) -> dict[str, SlotInfo]:
    zone = ZoneInfo(course.term.timezone)
    sessions = {s.id: s for s in all_sessions}
    by_date = {s.date: s for s in all_sessions if not s.cancelled}
    result: dict[str, SlotInfo] = {}
    for i, slot in enumerate(record.slots):
        minutes = slot.minutes or record.rules.minutes
        if slot.session:
            session = sessions.get(slot.session)
            if session is None:
                hint = did_you_mean(slot.session, sessions, template="; did you mean {!r}?", otherwise=" (use an id from schedule.yml)")
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


def _open_papers(bib: Bibliography | None, record: PresentationsFile, document: YamlDocument,
                 problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    if bib is None:
        return {}
    chosen = record.papers
    known_topics = sorted({k for p in bib.papers.values() for k in p.keywords})
    if chosen is not None:
        for part in ("keys", "exclude"):
            for i, key in enumerate(getattr(chosen, part)):
                if key not in bib:
                    hint = did_you_mean(key, bib.keys(), 0.7, "; did you mean {!r}?")
                    problems.append(document.problem(("papers", part, i), f"paper {key!r} is not in {bib.display}{hint}"))
        for i, topic in enumerate(chosen.topics):
            if topic not in known_topics:
                hint = did_you_mean(topic, known_topics, template="; did you mean {!r}?")
                problems.append(document.problem(("papers", "topics", i), f"no paper in {bib.display} has the keyword {topic!r}{hint}"))
    result = {}
    for key, paper in bib.papers.items():
        if chosen is None or key in chosen.keys or set(paper.keywords) & set(chosen.topics):
            if chosen is None or key not in chosen.exclude:
                result[key] = paper.keywords
    return result


def read_presentations(document: YamlDocument, course: Course, sessions: tuple[Session, ...],
                       bib: Bibliography | None) -> tuple[Presentations | None, list[Problem]]:
    """The presentations presentations.yml (read into ``document``) describes, and every problem in it."""
    record, problems = validate(document, PresentationsFile)
    if record is None:
        return None, problems
    return build(course, sessions, bib, record, document)
