"""Writing presentations.yml: one claim in or out, every other line, comment and quote left as it was."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.signups.store import write_atomic
from course.signups.yamledit import append_claim, remove_claim
from course.ground.yaml_source import parse_yaml
from signup_helpers import claim, comment_lines, course, data_file

NEW = {"name": "NO", "paper": "*x", "slot": "null", "claimed": "2027-03-01T12:00:00-07:00", "issue": 7}

FILE = """\
# head
slots:
  - id: a   # inline
    capacity: 4
claims:
  # about A
  - name: A
    paper: x  # pinned
  # about B
  - name: B
    paper: y
    note: |
      two
      lines

  # about C
  - name: C
    paper: z
# end
"""


def claims_of(text: str) -> list[dict]:
    document, problems = parse_yaml(text, "t.yml")
    assert not problems
    return document.data["claims"] or []


def test_append_goes_after_the_last_claim_and_quotes_every_string():
    text = append_claim(FILE, NEW)
    assert text == FILE.replace("    paper: z\n", "    paper: z\n" + (
        '  - name: "NO"\n    paper: "*x"\n    slot: "null"\n    claimed: "2027-03-01T12:00:00-07:00"\n    issue: 7\n'))
    assert claims_of(text)[-1] == {"name": "NO", "paper": "*x", "slot": "null", "claimed": "2027-03-01T12:00:00-07:00", "issue": "7"}


@pytest.mark.parametrize("index, gone", [(0, "  - name: A\n    paper: x  # pinned\n"),
                                         (1, "  - name: B\n    paper: y\n    note: |\n      two\n      lines\n"),
                                         (2, "  - name: C\n    paper: z\n")])
def test_remove_takes_only_the_claims_own_lines(index, gone):
    text = remove_claim(FILE, index)
    assert text == FILE.replace(gone, "", 1)
    assert comment_lines(text) == [c for c in comment_lines(FILE) if c != "# pinned" or index != 0]


@pytest.mark.parametrize("before, after", [
    ("slots: []\nclaims:\n", 'slots: []\nclaims:\n  - name: "NO"\n'),
    ("slots: []\nclaims: []  # none yet\n# tail\n", 'slots: []\nclaims:  # none yet\n  - name: "NO"\n'),
    ("slots: []\n", 'slots: []\nclaims:\n  - name: "NO"\n'),
    ("slots: []", 'slots: []\nclaims:\n  - name: "NO"\n'),
    ("claims:\n- name: A\n  paper: x\n", 'claims:\n- name: A\n  paper: x\n- name: "NO"\n'),
])
def test_append_to_an_empty_or_differently_indented_list(before, after):
    text = append_claim(before, NEW)
    assert text.startswith(after)
    assert claims_of(text)[-1]["name"] == "NO"
    assert comment_lines(text) == comment_lines(before)


def test_a_flow_style_list_goes_through_a_round_trip():
    text = append_claim("claims: [{name: A, paper: x}]  # flow\n", NEW)
    assert [c["name"] for c in claims_of(text)] == ["A", "NO"] and "# flow" in text
    assert [c["name"] for c in claims_of(remove_claim(text, 0))] == ["NO"]


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_any_string_comes_back_as_written(value):
    text = append_claim(FILE, {"name": value, "paper": value})
    assert claims_of(text)[-1] == {"name": value, "paper": value}
    assert claims_of(text)[:3] == claims_of(FILE)


def test_write_atomic_replaces_the_file_and_keeps_its_mode(tmp_path):
    path = tmp_path / "p.yml"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    write_atomic(path, "new\n")
    assert path.read_text() == "new\n" and (path.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["p.yml"]  # no temporary file left behind


SPECIALS = ["NO", "yes", "True", "null", "012345", "0x1F", "1e3", "14:30", "*anchor", "&anchor x", "!!python/object:os.system",
            "'quoted'", '"double"', "a: b", "- item", "# hash", "{{ 7*7 }}", "<b>bold</b>", "%TAG", "@at", "José Ñúñez"]


@pytest.mark.parametrize("name", SPECIALS)
def test_yaml_specials_are_written_quoted_and_read_back_literally(name):
    text = append_claim(FILE, {"name": name, "paper": "k"})
    assert f"  - name: {json.dumps(name, ensure_ascii=False)}\n" in text  # double-quoted, as JSON would write it
    assert claims_of(text)[-1] == {"name": name, "paper": "k"}


def test_yaml_specials_through_the_command(project, capsys):
    before = data_file(project).read_text(encoding="utf-8")
    for name, paper in [("NO", "nanda2023progress"), ("!!python/object:os.system", "conmy2023towards")]:
        assert claim(capsys, project, name, paper)[0] == 0
    after = data_file(project).read_text(encoding="utf-8")
    assert after.startswith(before) and comment_lines(after) == comment_lines(before)
    assert '  - name: "NO"\n' in after and '  - name: "!!python/object:os.system"\n' in after
    listed = json.loads(course(capsys, project, "signup", "list", "--json")[1])
    claimed_by = {p["key"]: p["claimed_by"] for p in listed["papers"]}
    assert claimed_by["nanda2023progress"] == "NO" and claimed_by["conmy2023towards"] == "!!python/object:os.system"


def test_a_file_with_problems_is_not_written(project, capsys):
    path = data_file(project)
    path.write_text(path.read_text(encoding="utf-8").replace("capacity: 4", "capacity: four", 1), encoding="utf-8")
    before = path.read_bytes()
    status, out, err = claim(capsys, project, "Ada L.", "nanda2023progress")
    assert status == 1 and out == ""
    assert err.splitlines() == ["readings/presentations.yml:24:15: 'capacity': 'four' is not a whole number",
                                "1 problem(s) in the course data; fix them first (course check lists them)."]
    assert path.read_bytes() == before
