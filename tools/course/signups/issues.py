"""Reconcile sign-up issues into presentations.yml: `course signup apply-issues ISSUES.json`.

The issues come as JSON, from ``gh issue list --json number,title,body,author,createdAt,labels,state``
or GitHub's REST API (``user``, ``created_at``).  They are taken first come, first
served by creation time.  A claim remembers its issue number, so running again
over the same issues changes nothing.  The issue text is data from a stranger:
it is parsed, validated like any claim, and quoted back in code blocks only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from course.data.fields import YEARS, in_years
from course.data.presentations import Handle
from course.ground.source_files import read_source
from course.signups.actions import claim, describe, proposed
from course.signups.form import FIELD_LABELS, LABEL, NO_PREFERENCE
from course.signups.store import Draft

BODY_LIMIT = 65_536  # GitHub's own limit on an issue body
ISSUES_LIMIT = 50 * 2**20  # bytes of one issues file: tens of thousands of issues
NO_RESPONSE = "_No response_"


class IssueFileError(Exception):
    """An issues file that is not what `gh issue list --json` writes."""


@dataclass(frozen=True)
class Issue:
    number: int
    body: str | None
    author: str | None
    created: dt.datetime
    open: bool = True
    labelled: bool = True


@dataclass(frozen=True)
class Outcome:
    number: int
    status: str  # recorded | already-recorded | refused
    message: str  # one line for the log
    comment: str  # Markdown for the issue
    close_reason: str  # for `gh issue close --reason`: completed | not planned


def read_issues(paths: list[Path]) -> list[Issue]:
    """Every issue in the files, once each (a later file's copy of an issue does not replace an earlier one)."""
    issues: dict[int, Issue] = {}
    for path in paths:
        if not path.exists():
            raise IssueFileError(f"{path}: not found")
        text, problems = read_source(path, str(path), None, limit=ISSUES_LIMIT)
        if text is None:
            raise IssueFileError(str(problems[0]))
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            raise IssueFileError(f"{path}:{error.lineno}:{error.colno}: not JSON ({error.msg}); "
                                 "write the issues as `gh issue list --json ...` does") from None
        except RecursionError:
            raise IssueFileError(f"{path}: the JSON is nested too deeply to be a list of issues") from None
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            raise IssueFileError(f"{path}: expected a JSON list of issues")
        for i, item in enumerate(items):
            issue = _issue(item, f"{path}: issue {i + 1}")
            issues.setdefault(issue.number, issue)
    return list(issues.values())


def issue_from_env(environ: dict[str, str] = os.environ) -> Issue | None:
    """The issue that triggered the workflow, passed as ISSUE_* environment variables (never as script text)."""
    if not environ.get("ISSUE_NUMBER"):
        return None
    return _issue({
        "number": environ["ISSUE_NUMBER"], "body": environ.get("ISSUE_BODY"), "user": {"login": environ.get("ISSUE_AUTHOR")},
        "created_at": environ.get("ISSUE_CREATED_AT"), "state": environ.get("ISSUE_STATE") or "open",
    }, "the ISSUE_* environment variables")


def _issue(item: object, where: str) -> Issue:
    if not isinstance(item, dict):
        raise IssueFileError(f"{where}: expected a JSON object")
    number = item.get("number")
    if isinstance(number, str) and number.isdigit():
        number = int(number)
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise IssueFileError(f"{where}: 'number' must be a positive whole number")
    created = item.get("createdAt") or item.get("created_at")
    try:
        moment = dt.datetime.fromisoformat(created)
        if moment.tzinfo is None:
            raise ValueError
        in_years(moment, created)
    except (TypeError, ValueError):
        raise IssueFileError(f"{where}: 'createdAt' must be a time stamp with its UTC offset, like 2027-03-01T17:00:00Z, "
                             f"in the years {YEARS[0]} to {YEARS[1]}") from None
    person = item.get("author") or item.get("user") or {}
    author = person.get("login") if isinstance(person, dict) else None
    body = item.get("body")
    state = item.get("state")
    if state is not None and not isinstance(state, str):
        raise IssueFileError(f"{where}: 'state' must be text such as \"OPEN\" or \"closed\"")
    return Issue(number, body if isinstance(body, str) else None, author if isinstance(author, str) else None, moment,
                 open=state is None or state.lower() == "open", labelled=_labelled(item.get("labels"), where))


def _labelled(labels: object, where: str) -> bool:
    """Whether the issue has the sign-up label (an issue list without labels: assume so)."""
    if labels is None:
        return True
    if not isinstance(labels, list):
        raise IssueFileError(f"{where}: 'labels' must be a list of labels, like [{{\"name\": \"{LABEL}\"}}]")
    names = set()
    for label in labels:
        name = label.get("name") if isinstance(label, dict) else label
        if not isinstance(name, str):
            raise IssueFileError(f"{where}: each label must be a name or {{\"name\": ...}} with a name as text")
        names.add(name)
    return LABEL in names


def parse_body(body: str | None) -> dict[str, str | None]:
    """The answers of the issue form, by field id (None: left empty); raises ValueError if it is not the form."""
    if body is None or not body.strip():
        raise ValueError("the issue is empty; open it from the sign-up form")
    if len(body) > BODY_LIMIT:
        raise ValueError(f"the issue is {len(body)} characters long; a sign-up is a few lines")
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.split("\n"):
        heading = re.match(r"^###\s+(.*?)\s*$", line)
        if heading:
            current = heading.group(1)
            if current in sections:  # a second copy of a heading is not the form's
                raise ValueError(f"the heading {current!r} appears twice; use the sign-up form as it is")
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    answers: dict[str, str | None] = {}
    for field_id, label in FIELD_LABELS.items():
        if label not in sections:
            raise ValueError(f"the issue has no {label!r} section; open it from the sign-up form")
        value = "\n".join(sections[label]).strip()
        if "\n" in value:
            raise ValueError(f"the answer to {label!r} must be one line")
        answers[field_id] = None if value in ("", NO_RESPONSE) else value
    return answers


def _slot_choice(answer: str | None, slots: list[str]) -> str | None:
    """The slot id from the dropdown text ("paper-presentations-1: Thu 15 Apr 2027, 15:30"), or None for no preference."""
    if answer is None or answer.startswith(NO_PREFERENCE):
        return None
    choice = answer.split(":", 1)[0].strip()
    if choice not in slots:
        raise ValueError(f"there is no slot {choice!r}: the slots are {', '.join(slots)}")
    return choice


def reconcile(draft: Draft, issues: list[Issue]) -> list[Outcome]:
    """Apply the open sign-up issues in order of creation; one outcome per issue."""
    outcomes = []
    for issue in sorted(issues, key=lambda i: (i.created, i.number)):
        if not issue.open or not issue.labelled:
            continue
        done = next((c for c in draft.board.claims if c.issue == issue.number), None)
        if done is not None:
            text = describe(draft.board, done)
            outcomes.append(Outcome(issue.number, "already-recorded", f"already recorded: {text}", _recorded(text), "completed"))
            continue
        reason, text = _apply(draft, issue)
        if reason is None:
            outcomes.append(Outcome(issue.number, "recorded", f"recorded: {text}", _recorded(text), "completed"))
        else:
            outcomes.append(Outcome(issue.number, "refused", f"refused: {reason}", _refused(reason), "not planned"))
    return outcomes


def _apply(draft: Draft, issue: Issue) -> tuple[str | None, str]:
    try:
        handle = TypeAdapter(Handle).validate_python(issue.author or "")
    except ValidationError:
        return "the issue was not opened by a GitHub user account", ""
    try:
        answers = parse_body(issue.body)
        slot = _slot_choice(answers["slot"], list(draft.board.slots))
    except ValueError as error:
        return str(error), ""
    candidate = proposed(answers["name"] or "", answers["paper"] or "", slot, handle, issue.created, issue.number)
    if isinstance(candidate, str):
        return candidate, ""
    result = claim(draft, candidate)
    return (None, result.message) if result.ok else (result.message, "")


def _fence(text: str) -> str:
    """``text`` in a code block that nothing inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _recorded(text: str) -> str:
    return ("Your sign-up is recorded:\n\n" + _fence(text) + "\n\n"
            "The Presentations page of the course site shows it after the next build. "
            "To change or cancel it, ask the instructor.")


def _refused(reason: str) -> str:
    return ("This sign-up could not be recorded:\n\n" + _fence(reason) + "\n\n"
            "Choose again on the Presentations page of the course site and open a new sign-up issue.")


def outcomes_json(outcomes: list[Outcome]) -> str:
    return json.dumps([asdict(o) for o in outcomes], indent=2, ensure_ascii=False) + "\n"
