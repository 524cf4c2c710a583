"""Each sign-up rule: the refusal `course signup claim` prints, and the problem `course check` reports."""

from __future__ import annotations

import json

import pytest

from signup_helpers import claim, copy_project, course, data_file, edit

SLOTS = "the slots are paper-presentations-1, paper-presentations-2, paper-presentations-3"


@pytest.fixture(scope="module")
def unchanged(tmp_path_factory):
    """One copy of the default course for the tests that only read it (refused claims change nothing)."""
    return copy_project(tmp_path_factory.mktemp("signups") / "course")


def test_a_claim_is_recorded_with_its_slot_and_time(project, capsys):
    status, out, err = claim(capsys, project, "Ada L.", "nanda2023progress", "--handle", "@ada-l")
    assert (status, err) == (0, "")
    assert out == ("recorded: Ada L. presents nanda2023progress (Nanda et al. 2023) in slot 'paper-presentations-1' "
                   "on Thu 15 Apr 2027, 15:30 (1 place left in the slot)\n")
    assert data_file(project).read_text(encoding="utf-8").endswith(
        '  - name: "Ada L."\n    github: "ada-l"\n    paper: "nanda2023progress"\n'
        '    slot: "paper-presentations-1"\n    claimed: "2027-03-01T12:00:00-07:00"\n')
    assert course(capsys, project, "check")[0] == 0


@pytest.mark.parametrize("name, paper, more, message", [
    ("Ada L.", "olson2022context", (),
     "paper 'olson2022context' is not in papers.bib; did you mean 'olsson2022context'?"),
    ("Ada L.", "vaswani2017attention", (),
     "paper 'vaswani2017attention' is not open for presentation; choose one of the open papers on the sign-up page"),
    ("Ada L.", "olsson2022context", (),
     "paper 'olsson2022context' is already presented by A. Student; choose another paper"),
    ("Ada L.", "wang2022interpretability", (),
     "paper 'wang2022interpretability' is already claimed by C. Student; choose another paper"),
    ("Ada L.", "nanda2023progress", ("--slot", "paper-presentation-2"),
     f"there is no slot 'paper-presentation-2': did you mean 'paper-presentations-2'? {SLOTS}"),
    ("Ada L.", "nanda2023progress", ("--slot", "paper-presentations-1", "--now", "2027-04-15T15:30:00-06:00"),
     "slot 'paper-presentations-1' (Thu 15 Apr 2027, 15:30) has already started; choose a later slot"),
    ("a. STUDENT", "nanda2023progress", (),
     "A. Student already holds a claim (paper 'olsson2022context' in slot 'paper-presentations-1'); "
     "a student presents one paper, so release that claim first"),
    ("Someone Else", "nanda2023progress", ("--handle", "A-Student-Example"),
     "A. Student already holds a claim (paper 'olsson2022context' in slot 'paper-presentations-1'); "
     "a student presents one paper, so release that claim first"),
])
def test_each_rule_refuses_with_its_reason(unchanged, capsys, name, paper, more, message):
    before = data_file(unchanged).read_bytes()
    status, out, err = claim(capsys, unchanged, name, paper, *more)
    assert (status, out, err) == (1, "", f"refused: {message}\n")
    assert data_file(unchanged).read_bytes() == before


def test_a_full_slot_refuses(project, capsys):
    for name, paper in [("F. One", "nanda2023progress"), ("G. Two", "conmy2023towards")]:
        assert claim(capsys, project, name, paper, "--slot", "paper-presentations-1")[0] == 0
    status, _, err = claim(capsys, project, "H. Three", "meng2022locating", "--slot", "paper-presentations-1")
    assert (status, err) == (1, "refused: slot 'paper-presentations-1' (Thu 15 Apr 2027, 15:30) is full (4 of 4 places taken); "
                                "choose another slot\n")
    # Without --slot, a claim goes to the earliest slot with a free place.
    assert "in slot 'paper-presentations-2'" in claim(capsys, project, "H. Three", "meng2022locating")[1]


def test_when_every_slot_is_full(project, capsys):
    edit(data_file(project), "capacity: 4\n  - id: paper-presentations-2", "capacity: 2\n  - id: paper-presentations-2")
    edit(data_file(project), "capacity: 4\n  - id: paper-presentations-3", "capacity: 2\n  - id: paper-presentations-3")
    edit(data_file(project), "    capacity: 4\n\n", "    capacity: 1\n\n")
    assert claim(capsys, project, "Ada L.", "nanda2023progress") == (1, "", "refused: no slot has a free place left; ask the instructor\n")


def test_more_presenters_per_paper_when_the_rules_allow(project, capsys):
    edit(data_file(project), "presenters_per_paper: 1", "presenters_per_paper: 2")
    assert claim(capsys, project, "Ada L.", "wang2022interpretability")[0] == 0
    status, _, err = claim(capsys, project, "Bo M.", "wang2022interpretability")
    assert err == "refused: paper 'wang2022interpretability' is already claimed by C. Student, Ada L.; choose another paper\n"


@pytest.mark.parametrize("name, message", [
    ("<script>alert(1)</script>\u202e", "name: contains the invisible direction control U+202E; remove it"),
    ("x" * 10_240, "name: is 10240 characters long; the limit is 500"),
    ("x" * 101, "name: is 101 characters long; the limit for a name is 100"),
    ("Ada\x07", "name: contains the control character U+0007; remove it"),
    ("Ada\nL.", "name: contains the control character U+000A; remove it"),
    ("Ada\u2028L.", "name: contains the line separator U+2028; a name is one line"),
    ("   ", "name: must not be empty"),
    ("\u200b\u200b", "name: must contain letters (write the name to show on the site)"),
    ("ada@mines.edu", "name: looks like an e-mail address; give the name to show on the site instead (e-mail addresses are never published)"),
])
def test_hostile_names_are_refused_with_a_reason(unchanged, capsys, name, message):
    assert claim(capsys, unchanged, name, "nanda2023progress") == (1, "", f"refused: {message}\n")


def test_bad_handles_papers_and_slots_are_refused(unchanged, capsys):
    assert claim(capsys, unchanged, "Ada", "nanda2023progress", "--handle", "ada lovelace")[2] == (
        "refused: GitHub handle: 'ada lovelace' is not a GitHub user name (letters, digits and single hyphens, at most 39 characters)\n")
    assert claim(capsys, unchanged, "Ada", "<b>x</b>")[2] == "refused: paper: '<b>x</b>' is not a BibTeX key (letters, digits and _ : . - + / only)\n"
    assert claim(capsys, unchanged, "Ada", "nanda2023progress", "--slot", "../x")[2].startswith("refused: slot: '../x' is not a valid id")


def test_release(project, capsys):
    assert claim(capsys, project, "Ada L.", "nanda2023progress")[0] == 0
    status, out, _ = course(capsys, project, "signup", "release", "--paper", "nanda2023progress")
    assert (status, out) == (0, "released: Ada L. no longer presents nanda2023progress (slot 'paper-presentations-1' has 2 places left)\n")
    assert course(capsys, project, "signup", "release", "--paper", "nanda2023progress")[2] == (
        "refused: there is no claim of paper 'nanda2023progress'\n")
    assert course(capsys, project, "signup", "release", "--paper", "olsson2022context")[2] == (
        "refused: A. Student has already presented 'olsson2022context'; edit the file to change the record\n")
    assert course(capsys, project, "signup", "release", "--paper", "bricken2023monosemanticity")[2] == (
        "refused: the claim of 'bricken2023monosemanticity' by D. Student is pinned by the instructor; edit the file to change it\n")


def test_list_json(unchanged, capsys):
    status, out, _ = course(capsys, unchanged, "signup", "list", "--json")
    state = json.loads(out)
    assert status == 0 and set(state) == {"slots", "papers"}
    assert state["slots"][0] == {"id": "paper-presentations-1", "date": "2027-04-15", "capacity": 4, "remaining": 2}
    by_key = {p["key"]: p for p in state["papers"]}
    assert by_key["olsson2022context"] == {"key": "olsson2022context", "title": "In-context Learning and Induction Heads",
                                          "status": "presented", "claimed_by": "A. Student"}
    assert by_key["wang2022interpretability"]["status"] == "claimed"
    assert by_key["nanda2023progress"] == {"key": "nanda2023progress", "status": "open", "claimed_by": None,
                                          "title": "Progress Measures for Grokking via Mechanistic Interpretability"}
    assert "vaswani2017attention" not in by_key and "a-student-example" not in out and "Swapped" not in out


CHECKED = """\
rules:
  presenters_per_paper: 1
papers:
  topics: [circuits, activation-patching]
slots:
  - id: early
    session: paper-presentations-1
    capacity: 1
  - id: late
    date: 2027-04-30
    capacity: 2
claims:
  - name: Ada L.
    paper: nanda2023progress
    slot: early
    claimed: 2027-03-01T12:00:00-07:00
  - name: Bo M.
    paper: nanda2023progress
    slot: late
    claimed: 2027-03-01T12:00:00-07:00
  - name: Cy N.
    paper: conmy2023towards
    slot: early
    claimed: 2027-03-01T12:00:00-07:00
  - name: ada l.
    paper: meng2022locating
    slot: late
    claimed: 2027-03-01T12:00:00-07:00
  - name: Di O.
    paper: olsson2022contxt
    slot: lately
    claimed: 2027-03-01T12:00:00-07:00
  - name: Ed P.
    paper: zhang2023towards
    slot: early
    claimed: 2027-04-16T09:00:00-06:00
  - name: Flo Q.
    paper: vaswani2017attention
    slot: late
  - name: Gus R.
    paper: vaswani2017attention
    slot: late
    claimed: 2027-05-01T09:00:00-06:00
    pinned: true
"""


def test_check_reports_every_broken_rule_with_its_line(project, capsys):
    data_file(project).write_text(CHECKED, encoding="utf-8")
    status, out, err = course(capsys, project, "check")
    assert status == 1 and err == "11 problem(s) found.\n"
    # Every claim in the file takes its place, so the later claims of a full slot are reported too.
    assert out.splitlines() == [
        "readings/presentations.yml:18:12: paper 'nanda2023progress' is already claimed by Ada L.; choose another paper "
        "(or raise rules.presenters_per_paper)",
        "readings/presentations.yml:23:11: slot 'early' (Thu 15 Apr 2027, 15:30) is full (1 of 1 places taken); choose another slot "
        "(or raise its capacity)",
        "readings/presentations.yml:25:11: Ada L. already holds a claim (paper 'nanda2023progress' in slot 'early'); "
        "a student presents one paper, so release that claim first",
        "readings/presentations.yml:30:12: paper 'olsson2022contxt' is not in papers.bib; did you mean 'olsson2022context'?",
        "readings/presentations.yml:31:11: there is no slot 'lately': did you mean 'late'? the slots are early, late",
        "readings/presentations.yml:35:11: slot 'early' (Thu 15 Apr 2027, 15:30) is full (1 of 1 places taken); choose another slot "
        "(or raise its capacity)",
        "readings/presentations.yml:36:14: the claim was made after slot 'early' started (Thu 15 Apr 2027, 15:30); "
        "claims must be made before their slot (fix 'claimed', or set 'pinned: true' on the claim)",
        "readings/presentations.yml:38:12: paper 'vaswani2017attention' is not open for presentation; choose one of the open papers "
        "on the sign-up page (or add it to 'papers', or set 'pinned: true' on the claim)",
        "readings/presentations.yml:39:11: slot 'late' (Fri 30 Apr 2027, 15:30) is full (2 of 2 places taken); choose another slot "
        "(or raise its capacity)",
        "readings/presentations.yml:41:12: paper 'vaswani2017attention' is already claimed by Flo Q.; choose another paper "
        "(or raise rules.presenters_per_paper)",
        "readings/presentations.yml:42:11: slot 'late' (Fri 30 Apr 2027, 15:30) is full (2 of 2 places taken); choose another slot "
        "(or raise its capacity)",
    ]


def test_check_reports_mistakes_in_the_records(project, capsys):
    path = data_file(project)
    edit(path, "    session: paper-presentations-1\n", "    session: paper-presentations-1\n    date: 2027-04-15\n")
    edit(path, "    presented: true\n  - name: B. Student", "    presneted: true\n  - name: B. Student")
    edit(path, "    claimed: 2027-03-02T10:15:00-07:00", "    claimed: 2027-03-02 10:15")
    status, out, _ = course(capsys, project, "check")
    assert status == 1 and out.splitlines() == [
        "readings/presentations.yml:22:5: 'slots': give either 'session' or 'date', not both",
        "readings/presentations.yml:49:14: 'claimed': '2027-03-02 10:15' has no UTC offset; add one, "
        "e.g. 2027-03-01T09:30:00-07:00 (or Z for UTC)",
        "readings/presentations.yml:50:5: unknown key 'presneted'; did you mean 'presented'?",
    ]


def test_check_reports_slots_and_papers_that_do_not_fit_the_course(project, capsys):
    path = data_file(project)
    edit(path, "    session: paper-presentations-1\n", "    session: paper-presentation-1\n")
    edit(path, "    capacity: 4\n  - id: paper-presentations-3", "    capacity: 6\n  - id: paper-presentations-3")
    edit(path, "  - id: paper-presentations-3\n", "  - id: paper-presentations-2\n")
    edit(path, "topics: [circuits,", "topics: [circiuts,")
    edit(path, "keys: [geva2021transformer,", "keys: [geva2021transformr,")
    status, out, _ = course(capsys, project, "check")
    assert status == 1 and out.splitlines() == [
        "readings/presentations.yml:23:14: no session with id 'paper-presentation-1'; did you mean 'paper-presentations-1'?",
        "readings/presentations.yml:27:15: 6 talks of 15 minutes need 90 minutes, but session 'paper-presentations-2' lasts 75; "
        "lower 'capacity' or 'minutes'",
        "readings/presentations.yml:28:9: slot id 'paper-presentations-2' is already used on line 25; ids must be unique",
        "readings/presentations.yml:35:12: no paper in papers.bib has the keyword 'circiuts'; did you mean 'circuits'?",
        "readings/presentations.yml:36:10: paper 'geva2021transformr' is not in papers.bib; did you mean 'geva2021transformer'?",
        # The renamed slot leaves its claim without a slot; the claims of the broken slot are not reported again.
        "readings/presentations.yml:67:11: there is no slot 'paper-presentations-3': did you mean 'paper-presentations-2'? "
        "the slots are paper-presentations-2",
    ]


def test_presented_is_only_for_a_talk_that_has_happened(project, capsys, monkeypatch):
    monkeypatch.setenv("COURSE_NOW", "2027-04-01T12:00:00-06:00")  # before the first slot
    status, out, _ = course(capsys, project, "check")
    text = data_file(project).read_text(encoding="utf-8").splitlines()
    lines = [i for i, line in enumerate(text, 1) if line.strip() == "presented: true"]
    assert status == 1
    assert out.splitlines() == [
        f"readings/presentations.yml:{lines[0]}:16: 'presented: true', but the talk is on Thu 15 Apr 2027, which has not "
        "come yet; set it after the talk",
        f"readings/presentations.yml:{lines[1]}:16: 'presented: true', but the talk is on Thu 15 Apr 2027, which has not "
        "come yet; set it after the talk",
    ]


def test_the_default_course_ships_without_invented_students():
    from signup_helpers import REPO

    text = (REPO / "readings" / "presentations.yml").read_text(encoding="utf-8")
    assert text.rstrip().endswith("claims: []") and "A. Student" not in text
