"""Fuzzing the loaders: whatever an instructor (or a merge gone wrong) puts in a data file, loading it
never raises and every problem reads ``path:line[:col]: message``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.data.bibliography import load_bibliography
from course.data.announcements import AnnouncementsFile
from course.data.course import Course
from course.data.podcasts import PodcastFile
from course.data.schedule import ScheduleFile
from course.data.talks import TalkSeriesFile
from course.data.validate import validate
from course.ground.yaml_source import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
PROBLEM = re.compile(r"^[^:\n]+:\d+(:\d+)?: \S.*", re.S)
UNREADABLE = re.compile(r"^[^:\n]+: \S.*", re.S)  # a file that cannot be read at all has no line to point at
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

MODELS = {"course.yml": Course, "schedule.yml": ScheduleFile, "talks/cs25-v4.yml": TalkSeriesFile,
          "podcasts/axrp.yml": PodcastFile, "announcements.yml": AnnouncementsFile}

YAML_TRICKS = ["", "  ", "\t", "- ", ": ", "? ", "&a ", "*a", "!!python/object:os.system ", "!!binary ", "<<: *a",
               "{", "}", "[", "]", "'", '"', "|", ">-", "#", "---", "...", "%YAML 1.1", "NO", "14:30", "012345", "1e3",
               "2027-02-30", "~", "null", "\\u0000", "\x00", "\x85", "\ufeff", "\u202e", "é", "😀", "\r\n", "\r"]
BIB_TRICKS = ["@", "@article{", "@string{v = {", "@comment{", "@preamble{", "{", "}", "\\", "{\\\"o}", "\\'{e}", "#",
              " and ", "others", "crossref = {", "author = {", "title = ", "month = jan", "year = {20x7}", ",", "=",
              '"', "%", "\n", "\x00", "\ufeff", "é", "$x^2$", "\\href{javascript:alert(1)}{x}"]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def mutated(source: list[str], tricks: list[str]):
    """Real files with lines dropped, repeated, cut and spliced with tricky fragments."""
    piece = st.one_of(st.sampled_from(source), st.sampled_from(tricks), st.text(max_size=12),
                      st.sampled_from(source).flatmap(lambda line: st.integers(0, len(line)).map(lambda i: line[:i])))
    return st.lists(piece, max_size=60).map("".join)


def assert_problems_located(problems, unreadable_ok: bool = False) -> None:
    for problem in problems:
        text = str(problem)
        assert PROBLEM.match(text) or (unreadable_ok and UNREADABLE.match(text)), f"no path:line in {text!r}"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_yaml_loading_never_raises_and_always_says_where(name):
    source = _lines(ROOT / "readings" / name)

    @FUZZ
    @given(mutated(source, YAML_TRICKS))
    def check(text):
        display = f"readings/{name}"
        document, problems = parse_yaml(text, display)
        assert_problems_located(problems)
        if document is not None:
            _, more = validate(document, MODELS[name])
            assert_problems_located(more)

    check()


def test_bibtex_loading_never_raises_and_always_says_where(tmp_path_factory):
    source = _lines(ROOT / "papers.bib")
    folder = tmp_path_factory.mktemp("bib")

    @FUZZ
    @given(mutated(source, BIB_TRICKS))
    def check(text):
        path = folder / "papers.bib"
        path.write_text(text, encoding="utf-8")
        _, problems = load_bibliography(path, "papers.bib")
        assert_problems_located(problems)

    check()


@FUZZ
@given(st.binary(max_size=200))
def test_a_bibliography_that_is_not_utf8_is_one_problem(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bin") / "papers.bib"
    path.write_bytes(b"@article{k, title = {" + data + b"}}\n")
    _, problems = load_bibliography(path, "papers.bib")
    assert_problems_located(problems, unreadable_ok=True)
