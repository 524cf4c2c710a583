"""The student path: issue form, recorded sign-up issues reconciled into the YAML, and the workflow that runs it."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from course.signups.form import FIELD_LABELS
from course.signups.issues import parse_body
from signup_helpers import FIXTURES, REPO, comment_lines, course, data_file

ISSUES = str(FIXTURES / "issues.json")
REST = str(FIXTURES / "issues_rest.json")

OUTCOMES = [
    (102, "recorded", "Bo M. presents nanda2023progress (Nanda et al. 2023) in slot 'paper-presentations-2' on Tue 20 Apr 2027, 15:30 "
                      "(1 place left in the slot)"),
    (101, "refused", "paper 'nanda2023progress' is already claimed by Bo M.; choose another paper"),
    (103, "refused", "A. Student already holds a claim (paper 'olsson2022context' in slot 'paper-presentations-1'); "
                     "a student presents one paper, so release that claim first"),
    (104, "recorded", "<img src=x onerror=alert(1)> presents conmy2023towards (Conmy et al. 2023) in slot 'paper-presentations-3' "
                      "on Thu 22 Apr 2027, 15:30 (2 places left in the slot)"),
    (105, "refused", "name: contains the invisible direction control U+202E; remove it"),
    (106, "refused", "the issue has no 'Your name, as shown on the site' section; open it from the sign-up form"),
    (109, "refused", "there is no slot 'paper-presentations-9': the slots are paper-presentations-1, paper-presentations-2, "
                     "paper-presentations-3"),
    (110, "recorded", "*anchor presents meng2022locating (Meng et al. 2022) in slot 'paper-presentations-1' on Thu 15 Apr 2027, 15:30 "
                      "(1 place left in the slot)"),
    (111, "refused", "the issue was not opened by a GitHub user account"),
    (113, "refused", "paper 'vaswani2017attention' is not open for presentation; choose one of the open papers on the sign-up page"),
    (114, "refused", "the answer to 'Your name, as shown on the site' must be one line"),
    (115, "refused", "name: is 10240 characters long; the limit is 500"),
    (120, "recorded", "Nia Y. presents zhang2023towards (Zhang and Nanda 2024) in slot 'paper-presentations-1' on Thu 15 Apr 2027, "
                      "15:30 (0 places left in the slot)"),
    (112, "refused", "slot 'paper-presentations-1' (Thu 15 Apr 2027, 15:30) has already started; choose a later slot"),
]


def apply(capsys, root, *files, env=False):
    args = ["signup", "apply-issues", *files, "--outcomes", str(root / "outcomes.json")] + (["--from-env"] if env else [])
    status, out, err = course(capsys, root, *args)
    assert (status, err) == (0, ""), err
    return out, json.loads((root / "outcomes.json").read_text(encoding="utf-8"))


def test_issues_are_applied_first_come_first_served_and_a_second_run_changes_nothing(project, capsys):
    before = data_file(project).read_text(encoding="utf-8")
    out, outcomes = apply(capsys, project, ISSUES, REST)
    # Closed issues (107) and issues without the sign-up label (108) are left alone.
    assert [(o["number"], o["status"]) for o in outcomes] == [(n, s) for n, s, _ in OUTCOMES]
    assert out.splitlines() == [f"#{n} {s}: {m}" for n, s, m in OUTCOMES]
    after = data_file(project).read_text(encoding="utf-8")
    assert after.startswith(before) and comment_lines(after) == comment_lines(before)
    assert after[len(before):] == (
        '  - name: "Bo M."\n    github: "bo-m"\n    paper: "nanda2023progress"\n    slot: "paper-presentations-2"\n'
        '    claimed: "2027-03-01T09:00:00-07:00"\n    issue: 102\n'
        '  - name: "<img src=x onerror=alert(1)>"\n    github: "cy-n"\n    paper: "conmy2023towards"\n    slot: "paper-presentations-3"\n'
        '    claimed: "2027-03-02T02:00:00-07:00"\n    issue: 104\n'
        '  - name: "*anchor"\n    github: "ivy-t"\n    paper: "meng2022locating"\n    slot: "paper-presentations-1"\n'
        '    claimed: "2027-03-02T08:00:00-07:00"\n    issue: 110\n'
        '  - name: "Nia Y."\n    github: "nia-y"\n    paper: "zhang2023towards"\n    slot: "paper-presentations-1"\n'
        '    claimed: "2027-03-04T01:30:00-07:00"\n    issue: 120\n')

    _, again = apply(capsys, project, ISSUES, REST)
    assert data_file(project).read_text(encoding="utf-8") == after
    assert [(o["number"], o["status"]) for o in again] == [
        (n, "already-recorded" if s == "recorded" else s) for n, s, _ in OUTCOMES]
    assert course(capsys, project, "check")[0] == 0


def test_outcomes_say_what_to_post_without_letting_the_text_do_anything(project, capsys):
    _, outcomes = apply(capsys, project, ISSUES)
    by_number = {o["number"]: o for o in outcomes}
    assert set(by_number[104]) == {"number", "status", "message", "comment", "close_reason"}
    assert by_number[104]["close_reason"] == "completed" and by_number[101]["close_reason"] == "not planned"
    assert by_number[104]["comment"] == (
        "Your sign-up is recorded:\n\n```text\n<img src=x onerror=alert(1)> presents conmy2023towards (Conmy et al. 2023) "
        "in slot 'paper-presentations-3' on Thu 22 Apr 2027, 15:30 (2 places left in the slot)\n```\n\n"
        "The Presentations page of the course site shows it after the next build. To change or cancel it, ask the instructor.")
    assert by_number[101]["comment"].startswith(
        "This sign-up could not be recorded:\n\n```text\npaper 'nanda2023progress' is already claimed by Bo M.; choose another paper\n```\n\n")
    assert "@everyone" not in json.dumps(outcomes)  # the free-text issue is not echoed back


def test_the_triggering_issue_comes_through_the_environment(project, capsys, monkeypatch):
    body = "### Your name, as shown on the site\n\nQ. Env\n\n### Paper (BibTeX key)\n\nhewitt2019designing\n\n### Slot\n\n_No response_\n"
    for key, value in {"ISSUE_NUMBER": "130", "ISSUE_BODY": body, "ISSUE_AUTHOR": "q-env",
                       "ISSUE_CREATED_AT": "2027-03-05T10:00:00Z", "ISSUE_STATE": "open"}.items():
        monkeypatch.setenv(key, value)
    _, outcomes = apply(capsys, project, env=True)
    assert [(o["number"], o["status"]) for o in outcomes] == [(130, "recorded")]
    assert '    github: "q-env"\n    paper: "hewitt2019designing"\n' in data_file(project).read_text(encoding="utf-8")


def test_an_unreadable_issues_file_is_an_error(project, capsys, tmp_path):
    bad = tmp_path / "issues.json"
    bad.write_text('[{"number": "x", "createdAt": "2027-03-01T00:00:00Z"}]')
    assert course(capsys, project, "signup", "apply-issues", str(bad)) == (
        1, "", f"error: {bad}: issue 1: 'number' must be a positive whole number\n")


@pytest.mark.parametrize("body, message", [
    (None, "the issue is empty; open it from the sign-up form"),
    ("x" * 70_000, "the issue is 70000 characters long; a sign-up is a few lines"),
    ("### Your name, as shown on the site\n\nA\n\n### Your name, as shown on the site\n\nB\n",
     "the heading 'Your name, as shown on the site' appears twice; use the sign-up form as it is"),
])
def test_bodies_that_are_not_the_form(body, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        parse_body(body)


def test_the_issue_form_is_generated_from_the_data(project, capsys):
    shutil.copytree(REPO / ".github", project / ".github")
    data_file(project).write_text(data_file(project).read_text(encoding="utf-8").replace(
        "publish_names: full", "publish_names: initials"), encoding="utf-8")  # as the default course has it
    assert course(capsys, project, "signup", "form", "--check") == (
        0, ".github/ISSUE_TEMPLATE/presentation-signup.yml: up to date\n", "")
    form = yaml.safe_load((project / ".github/ISSUE_TEMPLATE/presentation-signup.yml").read_text(encoding="utf-8"))
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert {key: item["attributes"]["label"] for key, item in fields.items()} == FIELD_LABELS
    assert fields["slot"]["attributes"]["options"] == [
        "No preference: the earliest slot with a free place", "paper-presentations-1: Thu 15 Apr 2027, 15:30",
        "paper-presentations-2: Tue 20 Apr 2027, 15:30", "paper-presentations-3: Thu 22 Apr 2027, 15:30"]
    assert form["labels"] == ["presentation-signup"]

    (data_file(project)).write_text(data_file(project).read_text(encoding="utf-8").replace(
        "  - id: paper-presentations-3\n    session: paper-presentations-3\n", "  - id: late\n    date: 2027-04-28\n"), encoding="utf-8")
    data_file(project).write_text(data_file(project).read_text(encoding="utf-8").replace(
        "slot: paper-presentations-3", "slot: late"), encoding="utf-8")
    assert course(capsys, project, "signup", "form", "--check") == (
        1, "", ".github/ISSUE_TEMPLATE/presentation-signup.yml: out of date; run `course signup form`\n")
    assert course(capsys, project, "signup", "form")[1] == "wrote .github/ISSUE_TEMPLATE/presentation-signup.yml\n"
    assert "late: Wed 28 Apr 2027, 15:30" in (project / ".github/ISSUE_TEMPLATE/presentation-signup.yml").read_text()


def test_the_workflow_keeps_issue_text_out_of_its_scripts():
    workflow = yaml.safe_load((REPO / ".github/workflows/signups.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # PyYAML reads the key `on` as true
    assert set(triggers["issues"]["types"]) >= {"opened", "edited", "reopened"} and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "write", "issues": "write", "actions": "write"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    scripts = [step["run"] for step in steps if "run" in step]
    assert scripts and all("${{" not in script for script in scripts)
    env = {key: value for step in steps for key, value in (step.get("env") or {}).items()}
    assert env["ISSUE_BODY"] == "${{ github.event.issue.body }}"
    assert any("course signup apply-issues" in script and "--from-env" in script for script in scripts)
    assert any("--body-file" in script for script in scripts)


def test_quoted_text_cannot_close_its_code_block():
    from course.signups.issues import _refused

    assert _refused("name ```\n@everyone").startswith("This sign-up could not be recorded:\n\n````text\nname ```\n@everyone\n````\n")
