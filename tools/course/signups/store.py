"""Change presentations.yml safely: one writer at a time, all or nothing, checked before it lands.

Every change runs under a file lock, re-reads the file inside the lock (so two
concurrent claims see each other), and replaces the file atomically: the new
text goes to a temporary file in the same folder, is flushed to disk, and is
renamed over the old one.  Before the rename the new text is read back and
must hold exactly the claims intended, so a bad edit can never reach the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from filelock import FileLock, Timeout

from course.data.load import CourseData
from course.data.presentations import Claim
from course.data.signup_board import Presentations, read_presentations
from course.ground.errors import CourseDataError, Problem
from course.ground.source_files import read_source, write_atomic  # noqa: F401 (the tests import it from here)
from course.ground.yaml_source import parse_yaml
from course.signups.yamledit import append_claim, remove_claim

LOCK_TIMEOUT = 120  # seconds; a claim takes well under one

T = TypeVar("T")


class StoreError(Exception):
    """The change could not be made (the lock was not free, or the edit did not check out)."""


@dataclass
class Draft:
    """The file being changed inside the lock: the presentations it holds, and the text as it will be written."""

    board: Presentations
    text: str

    def add(self, claim: Claim) -> None:
        self.text = append_claim(self.text, claim_fields(claim))
        self.board = self.board.with_claim(claim)

    def remove(self, claim: Claim) -> None:
        index = next(i for i, c in enumerate(self.board.claims) if c is claim)
        self.text = remove_claim(self.text, index)
        self.board = self.board.without_claim(claim)


def claim_fields(claim: Claim) -> dict:
    """A new claim as it is written to the file, in the file's key order (unset keys left out)."""
    return {
        "name": claim.name,
        "github": claim.github,
        "paper": claim.paper,
        "slot": claim.slot,
        "claimed": claim.claimed.isoformat(timespec="seconds") if claim.claimed else None,
        "issue": claim.issue,
    }


def read_board(data: CourseData, text: str) -> tuple[Presentations | None, list[Problem]]:
    """The presentations ``text`` (presentations.yml as it is, or would be) describes, and its problems."""
    path = data.layout.presentations_file()
    document, problems = parse_yaml(text, data.layout.show(path), path)
    if problems or document is None:
        return None, problems
    return read_presentations(document, data.course, data.sessions, data.bibliography)


def change(data: CourseData, lock_path: Path, decide: Callable[[Draft], T]) -> T:
    """Run ``decide`` on a fresh draft under the lock, then write what it changed."""
    path = data.layout.presentations_file()
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(lock_path), timeout=LOCK_TIMEOUT):
            if not path.is_file():
                raise StoreError(f"{path.name} not found in {path.parent}; create it first (see the README's instructor guide)")
            for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a write that was killed: we hold the lock
                stale.unlink(missing_ok=True)
            text, problems = read_source(path, data.layout.show(path), data.layout.root)
            if text is None:
                raise CourseDataError(problems)
            board, problems = read_board(data, text)
            if problems or board is None:
                raise CourseDataError(problems)
            draft = Draft(board, text)
            result = decide(draft)
            if draft.text != text:
                _check(data, draft)
                write_atomic(path, draft.text)
            return result
    except Timeout:
        raise StoreError(f"another sign-up has held {lock_path} for {LOCK_TIMEOUT} s; try again") from None
    except OSError as error:  # e.g. a folder where the lock file goes
        raise StoreError(f"{lock_path}: cannot take the sign-up lock ({error.strerror or error}); "
                         "remove what is in its place") from None


def _check(data: CourseData, draft: Draft) -> None:
    """The new text must parse, pass every rule, and hold exactly the intended claims."""
    board, problems = read_board(data, draft.text)
    if problems or board is None:
        raise StoreError("the edited file did not check out, so nothing was written:\n" + "\n".join(str(p) for p in problems))
    if [c.model_dump() for c in board.claims] != [c.model_dump() for c in draft.board.claims]:
        raise StoreError("the edited file did not hold the intended claims, so nothing was written; edit it by hand")
