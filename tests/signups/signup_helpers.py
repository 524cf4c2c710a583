"""Helpers for the sign-up tests: a throw-away course, the CLI in-process, the shared build helpers."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from course.cli import main

NOW = "2027-03-01T12:00:00-07:00"  # before every slot of the default course
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]


def _root_helpers():
    """tests/conftest.py, loaded by path: `import conftest` is ambiguous once a test folder has its own conftest.py."""
    name = "course_tests_root_conftest"  # the name tests/browser loads it under: one copy for both
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "tests" / "conftest.py")
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


_helpers = _root_helpers()
build_site = _helpers.build_site
edit = _helpers.edit
AFTER_THE_SLOTS = "2027-05-01T12:00:00-06:00"  # COURSE_NOW: `presented: true` is only allowed once a talk has happened


def copy_project(dest: Path, **options) -> Path:
    """A copy of the default course with the example claims of fixtures/example-claims.yml (open, claimed,
    presented and pinned papers): the default course itself ships with none."""
    project = _helpers.copy_project(dest, **options)
    presentations = project / "readings" / "presentations.yml"
    text = presentations.read_text(encoding="utf-8").rstrip()
    assert text.endswith("claims: []"), "the default course ships without claims"
    claims = (FIXTURES / "example-claims.yml").read_text(encoding="utf-8")
    claims = claims[claims.index("  - "):]  # without the fixture's own header: the claims keep their line numbers
    text = text.replace("publish_names: initials", "publish_names: full")  # the tests read the names as given
    presentations.write_text(text[: -len("[]")].rstrip() + "\n" + claims, encoding="utf-8")
    return project


def data_file(root: Path) -> Path:
    return root / "readings" / "presentations.yml"


def course(capsys, root: Path, *args: str) -> tuple[int, str, str]:
    """Run `course --root ROOT ARGS...` in-process; returns the exit status, stdout and stderr."""
    capsys.readouterr()
    status = main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    return status, out, err


def claim(capsys, root: Path, name: str, paper: str, *more: str, now: str = NOW) -> tuple[int, str, str]:
    return course(capsys, root, "signup", "claim", "--name", name, "--paper", paper, "--now", now, *more)


def comment_lines(text: str) -> list[str]:
    """The full-line comments of a YAML text, in order."""
    return [line.strip() for line in text.splitlines() if re.match(r"^\s*#", line)]


TINY_COURSE = """\
code: TEST 101
title: Sign-up test course
institution: Nowhere
description: A course small enough to load in a blink, for tests that start many processes.
term: {name: Spring 2027, start: 2027-01-12, end: 2027-04-29, timezone: America/Denver}
meetings: {days: [Tue, Thu], start: "15:30", end: "16:45", location: Room 1}
instructors: [{name: I. Structor}]
outline: [{id: talks, title: Talks}]
"""

TINY_SCHEDULE = """\
sessions:
  - {id: talks-1, title: Talks I, part: talks, date: 2027-04-15}
  - {id: talks-2, title: Talks II, part: talks, date: 2027-04-20}
  - {id: talks-3, title: Talks III, part: talks, date: 2027-04-22}
"""

TINY_PRESENTATIONS = """\
# yaml-language-server: $schema=schemas/presentations.schema.json
# Comments must survive every write.
rules:
  presenters_per_paper: 1  # once each
  minutes: 5
slots:  # three of them
  - id: talks-1
    session: talks-1
    capacity: 10
  - id: talks-2
    session: talks-2
    capacity: 10
  - id: talks-3
    session: talks-3
    capacity: 10

# Claims below.
claims:
  # An early one.
  - name: Early Bird
    paper: p00
    slot: talks-1
    claimed: 2027-02-01T09:00:00-07:00
# The end.
"""


def tiny_course(root: Path, papers: int = 30) -> Path:
    """A course with three slots and ``papers`` papers p00, p01, ...: a `course` process loads it quickly."""
    (root / "readings").mkdir(parents=True)
    (root / "readings" / "course.yml").write_text(TINY_COURSE, encoding="utf-8")
    (root / "readings" / "schedule.yml").write_text(TINY_SCHEDULE, encoding="utf-8")
    (root / "readings" / "presentations.yml").write_text(TINY_PRESENTATIONS, encoding="utf-8")
    bib = "".join(f"@misc{{p{i:02d},\n  title = {{Paper {i}}},\n  author = {{Writer, Ann}},\n  year = {{2020}}\n}}\n\n" for i in range(papers))
    (root / "papers.bib").write_text(bib, encoding="utf-8")
    return root
