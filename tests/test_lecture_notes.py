"""Every lecture session has notes (content/schedule/<id>.md) in the shape students can rely on: 3 to 5
learning goals, a "Before class" list and "Check yourself" questions, and citations that agree with the
schedule (each required reading is cited in the notes). The project-presentation sessions say what is
presented and in what format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from course.ground.citation_syntax import cited_keys

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = yaml.safe_load((ROOT / "readings" / "schedule.yml").read_text(encoding="utf-8"))["sessions"]
LECTURES = [s for s in SESSIONS if s.get("readings")]  # a lecture has readings; presentation sessions do not


def notes(session_id: str) -> str:
    path = ROOT / "content" / "schedule" / f"{session_id}.md"
    assert path.is_file(), f"session {session_id!r} has no lecture notes: write {path.relative_to(ROOT)}"
    return path.read_text(encoding="utf-8")


def section(text: str, title: str) -> str:
    match = re.search(rf"(?ms)^#+ {re.escape(title)}[^\n]*\n(.*?)(?=^#+ |\Z)", text)
    assert match, f"no '{title}' section"
    return match.group(1)


def items(text: str) -> list[str]:
    return re.findall(r"(?m)^(?:\d+\.|[-*]) +(.+)$", text)


def test_there_are_24_lecture_sessions():
    assert len(LECTURES) == 24


@pytest.mark.parametrize("session", LECTURES, ids=lambda s: s["id"])
def test_a_lecture_has_goals_a_before_class_list_questions_and_cites_its_readings(session):
    text = notes(session["id"])
    assert 3 <= len(items(section(text, "Learning goals"))) <= 5
    assert items(section(text, "Before class")), "a 'Before class' list"
    assert len(items(section(text, "Check yourself"))) >= 3, "at least three 'Check yourself' questions"
    cited = set(cited_keys(text))
    missing = [key for key in session["readings"] if key not in cited]
    assert not missing, f"the schedule's readings {missing} are not cited in the notes"


@pytest.mark.parametrize("session_id", [s["id"] for s in SESSIONS if s["id"].startswith("project-presentations")])
def test_a_project_presentation_session_says_what_is_presented_and_how(session_id):
    text = notes(session_id)
    assert section(text, "What is presented").strip() and section(text, "Format and length").strip()
