"""Many examples per loader (slow; CI runs them): YAML data files, BibTeX, issue JSON and Markdown citations.

Each input, however hostile, ends in records or in problems that say ``path:line:col`` (or ``path:`` for a
file that cannot be read at all); nothing else is raised, and each input takes bounded time and memory.
Examples are drawn from a fixed seed (``derandomize``), so a failure is the same on every machine.
"""

from __future__ import annotations

import json
import re
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.data.bibliography import parse_bibliography
from course.data.pages import citation_problems
from course.data.validate import validate
from course.ground.citation_syntax import find_citations
from course.ground.layout import Layout
from course.ground.yaml_source import parse_yaml
from course.signups.issues import IssueFileError, parse_body, read_issues
from test_fuzz_loaders import BIB_TRICKS, MODELS, YAML_TRICKS, mutated

ROOT = Path(__file__).resolve().parents[2]
LOCATED = re.compile(r"^[^:\n]+:\d+:\d+: \S.*", re.S)  # path:line:col: message
UNREADABLE = re.compile(r"^[^:\n]+: \S.*", re.S)  # a whole-file problem (not UTF-8 decoding is located)
MANY = settings(max_examples=1000, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
SECONDS, MEGABYTES = 5, 200  # per input: the default course's files take milliseconds and a few MB

pytestmark = pytest.mark.slow


def bounded(work):
    """Run ``work()`` and check it stayed within SECONDS and MEGABYTES."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        return work()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert time.perf_counter() - started < SECONDS
        assert peak < MEGABYTES * 2**20


def assert_located(problems) -> None:
    for problem in problems:
        text = str(problem)
        assert LOCATED.match(text) or (problem.line == 0 and UNREADABLE.match(text)), f"not path:line:col: {text!r}"


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_yaml_data_files(name):
    @MANY
    @given(mutated(lines(ROOT / "readings" / name), YAML_TRICKS + ["[" * 40, "{a: " * 40, "  " * 40 + "k:"]))
    def check(text):
        def work():
            document, problems = parse_yaml(text, f"readings/{name}")
            assert_located(problems)
            if document is not None:
                assert_located(validate(document, MODELS[name])[1])

        bounded(work)

    check()


def test_bibtex():
    laughs = ["@string{a = {aaaaaaaaaa}}\n"] + [f"@string{{{c} = {p} # {p} # {p}}}\n" for p, c in zip("abcdefgh", "bcdefghi")]

    @MANY
    @given(mutated(lines(ROOT / "papers.bib"), BIB_TRICKS + laughs + ["@misc{.x, title={t}, author={A}, year=1}\n",
                                                                       "@misc{" + "k" * 300 + ",\n"]))
    def check(text):
        bounded(lambda: assert_located(parse_bibliography(text, "papers.bib")[1]))

    check()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**12) | st.text(max_size=30)
    | st.sampled_from(["2027-03-01T17:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "OPEN", "presentation-signup"]),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(
        st.sampled_from(["number", "body", "author", "user", "login", "createdAt", "created_at", "labels", "name", "state"]),
        children, max_size=8),
    max_leaves=30)


def test_issue_json(tmp_path_factory):
    folder = tmp_path_factory.mktemp("issues")

    @MANY
    @given(st.one_of(JSON_VALUES.map(json.dumps), st.text(max_size=200), st.sampled_from(["[" * 5000, "{\"a\":" * 5000])))
    def check(text):
        path = folder / "issues.json"
        path.write_text(text, encoding="utf-8")

        def work():
            try:
                read_issues([path])
            except IssueFileError as error:
                assert str(error).startswith(str(path)), str(error)

        bounded(work)

    check()


def test_issue_bodies():
    @MANY
    @given(st.text(max_size=400) | st.lists(st.sampled_from(["### Your name, as shown on the site", "### Paper (BibTeX key)",
                                                             "### Slot", "_No response_", "Ada", "\r\n", "\n", "###"]),
                                            max_size=20).map("\n".join))
    def check(body):
        try:
            parse_body(body)
        except ValueError:
            pass

    check()


def test_markdown_citations():
    layout = Layout.from_mkdocs_yml(ROOT)
    bib, _ = parse_bibliography((ROOT / "papers.bib").read_text(encoding="utf-8"), "papers.bib")
    source = lines(ROOT / "content" / "schedule" / "transformers.md")
    tricks = ["[@", "]", "@vaswani2017attention", "[@x; @y]", "[@ba2016layer, p. 3]", "`", "```", "<div>", "</div>",
              "<!--", "-->", "\\[@x]", "![@x]", "[@x](y)", "[@x]: http://a", "---\ntitle: x\n---\n", "\n\n"]

    @MANY
    @given(mutated(source, tricks))
    def check(text):
        def work():
            find_citations(text)
            assert_located(citation_problems(text, "content/page.md", bib, layout))

        bounded(work)

    check()
