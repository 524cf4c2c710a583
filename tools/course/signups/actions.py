"""Claim, release and list: what the command line and the issue reconciler do to a draft of the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError

from course.data.presentations import Claim
from course.data.signup_board import Presentations
from course.ground.words import person
from course.data.validate import message_for
from course.signups.store import Draft

_LABELS = {"name": "name", "github": "GitHub handle", "paper": "paper", "slot": "slot", "claimed": "time", "issue": "issue"}


@dataclass(frozen=True)
class Result:
    ok: bool
    message: str
    claim: Claim | None = None


def proposed(name: str, paper: str, slot: str | None, handle: str | None, at: dt.datetime, issue: int | None = None) -> Claim | str:
    """The claim these fields describe, or why they cannot be one (hostile text is refused here)."""
    fields = {"name": name, "paper": paper, "slot": slot or "unassigned", "github": handle or None,
              "claimed": at.replace(microsecond=0), "issue": issue}
    try:
        claim = Claim.model_validate(fields)
    except ValidationError as error:
        reasons = []
        for item in error.errors(include_url=False):
            label = _LABELS.get(str(item["loc"][0]) if item["loc"] else "", "claim")
            reasons.append(f"{label}: {message_for(item)}")
        return "; ".join(reasons)
    return claim if slot else claim.model_copy(update={"slot": None})


def claim(draft: Draft, candidate: Claim) -> Result:
    """Add ``candidate`` if it breaks no rule; a claim without a slot gets the earliest with a free place."""
    board = draft.board
    at = candidate.claimed.astimezone(board.zone)
    candidate = candidate.model_copy(update={"claimed": at})
    if candidate.slot is None:
        free = board.first_free_slot(at)
        if free is None:
            if all(info.start <= at for info in board.slots.values()):
                last = max(board.slots.values(), key=lambda info: info.start)
                return Result(False, f"every slot has already started (the last one, {last.id!r}, on {last.when}); "
                                     "sign-ups are closed")
            return Result(False, "no slot has a free place left; ask the instructor")
        candidate = candidate.model_copy(update={"slot": free.id})
    refusals = board.refusals(candidate, at, live=True)
    if refusals:
        return Result(False, refusals[0].message)
    draft.add(candidate)
    return Result(True, describe(draft.board, candidate), candidate)


def describe(board: Presentations, claim: Claim) -> str:
    info = board.slots[claim.slot]
    paper = board.bibliography.get(claim.paper) if board.bibliography else None
    label = f" ({paper.label})" if paper else ""
    left = board.remaining(claim.slot)
    return (f"{claim.name} presents {claim.paper}{label} in slot {claim.slot!r} on {info.when} "
            f"({left} place{'' if left == 1 else 's'} left in the slot)")


def release(draft: Draft, paper: str, name: str | None) -> Result:
    board = draft.board
    claims = board.of_paper(paper)
    if name:
        claims = [c for c in claims if person(c.name) == person(name)]
    if not claims:
        who = f" by {name}" if name else ""
        return Result(False, f"there is no claim of paper {paper!r}{who}")
    if len(claims) > 1:
        return Result(False, f"{len(claims)} students claimed paper {paper!r} ({', '.join(c.name for c in claims)}); say whose claim to release with --name")
    target = claims[0]
    if target.pinned:
        return Result(False, f"the claim of {paper!r} by {target.name} is pinned by the instructor; edit the file to change it")
    if target.presented:
        return Result(False, f"{target.name} has already presented {paper!r}; edit the file to change the record")
    draft.remove(target)
    return Result(True, f"{target.name} no longer presents {paper} (slot {target.slot!r} has {draft.board.remaining(target.slot)} places left)", target)


def listing(board: Presentations) -> dict:
    """The sign-up state as `course signup list --json` prints it: public fields only."""
    bib = board.bibliography
    papers = []
    for key in board.listed_papers():
        claims = board.of_paper(key)
        paper = bib.get(key) if bib else None
        papers.append({"key": key, "title": paper.title if paper else key, "status": board.status(key),
                       "claimed_by": ", ".join(c.name for c in claims) or None})
    slots = [{"id": info.id, "date": info.start.date().isoformat(), "capacity": info.slot.capacity,
              "remaining": board.remaining(info.id)} for info in board.slots.values()]
    return {"slots": slots, "papers": papers}
