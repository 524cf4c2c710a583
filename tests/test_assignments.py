"""Assignments: one page each, linked from the schedule, the home page and the final-project page, and
every mistake in readings/assignments.yml at its path:line:col."""

from __future__ import annotations

from bs4 import BeautifulSoup

from conftest import build_site, edit
from course.cli import main


def soup(site, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "html.parser")


def check(project, capsys) -> tuple[int, list[str]]:
    code = main(["--root", str(project), "check"])
    return code, capsys.readouterr().out.strip().splitlines()


def line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_every_assignment_has_a_page_and_the_index_lists_them_by_due_date(built_site):
    index = soup(built_site, "assignments")
    assert [li["id"] for li in index.select(".cs-assignment")] == [
        "hw1", "hw2", "project-proposal", "hw3", "hw4", "project-report"]
    for li in index.select(".cs-assignment"):
        assert (built_site / "assignments" / li["id"] / "index.html").is_file()
    hw2 = soup(built_site, "assignments/hw2")
    meta = hw2.select_one(".cs-assignment-head").get_text(" ", strip=True)
    assert "Due Thursday 11 February 2027, 15:30 (America/Denver), at the start of session 10" in meta
    assert "Out Thursday 28 January 2027, at session 6" in meta


def test_the_home_page_the_schedule_and_the_project_page_link_to_them(built_site):
    home = soup(built_site, ".")
    due = home.select(".cs-due-item")
    assert [li.select_one("a")["href"] for li in due][:2] == ["assignments/hw1/", "assignments/hw2/"]
    assert [li.has_attr("hidden") for li in due] == [False] + [True] * 5  # the reader's clock picks one
    session = soup(built_site, "schedule/language-modelling")
    assert session.select_one("a.cs-chip--due")["href"] == "../../assignments/hw1/"
    project = soup(built_site, "project")
    assert [a["href"] for a in project.select("#milestones + ul a")] == [
        "../assignments/project-proposal/", "../assignments/project-report/"]


def test_instructions_come_from_content_assignments(project):
    (project / "content" / "assignments").mkdir()
    (project / "content" / "assignments" / "hw2.md").write_text(
        "## Instructions\n\nImplement one head as in [@vaswani2017attention], then $\\mathrm{softmax}(QK^T)$.\n",
        encoding="utf-8")
    site = build_site(project)
    page = soup(site, "assignments/hw2")
    assert page.select_one("#instructions") and "Implement one head" in page.get_text()
    assert page.select_one("a[href='../../papers/vaswani2017attention/']")
    paper = soup(site, "papers/vaswani2017attention")
    assert any(a["href"] == "../../assignments/hw2/#cite-vaswani2017attention" for a in paper.select(".cs-backlinks a"))


def test_each_mistake_at_its_line(project, capsys):
    path = project / "readings" / "assignments.yml"
    edit(path, "    released: attention-heads\n    due: training-llms", "    released: training-llms\n    due: attention-heads")
    edit(path, "    due: circuits", "    due: circuit")
    edit(path, "    due: alignment-problem", "    due: alignment-problem\n    due2: x")
    edit(path, "    due: 2027-02-26", "    due: 2027-06-26")
    edit(path, "    due: 2027-04-29", "    due: 2027-04-31")
    code, lines = check(project, capsys)
    assert code == 1
    assert lines == [
        f"readings/assignments.yml:{line_of(path, 'due: attention-heads')}:10: 'hw2' is due (2027-01-28 15:30) before or "
        "when it is released (2027-02-11 15:30); check 'released' and 'due'",
        f"readings/assignments.yml:{line_of(path, 'due: circuit')}:10: no session with id 'circuit'; did you mean 'circuits'?",
        f"readings/assignments.yml:{line_of(path, 'due2:')}:5: unknown key 'due2'; did you mean 'due'?",
        f"readings/assignments.yml:{line_of(path, '2027-06-26')}:10: 'project-proposal' is due on 2027-06-26, outside the "
        "term (2027-01-12 to 2027-04-29); pick a date inside it",
        f"readings/assignments.yml:{line_of(path, '2027-04-31')}:10: '2027-04-31' is not a real date (check the month and day)",
    ]


def test_unknown_notebooks_and_papers(project, capsys):
    path = project / "readings" / "assignments.yml"
    edit(path, "    due: language-modelling\n", "    due: language-modelling\n    notebooks: [nope]\n    readings: [vaswani2017atention]\n")
    code, lines = check(project, capsys)
    assert lines == [
        f"readings/assignments.yml:{line_of(path, '[nope]')}:17: no notebook 'nope' in content/notebooks/: add nope.py there or fix the name",
        f"readings/assignments.yml:{line_of(path, 'atention')}:16: unknown paper key 'vaswani2017atention': did you mean "
        "'vaswani2017attention'? add it to papers.bib or fix the key",
    ]


def test_homework_in_the_schedule_is_told_where_it_went(project, capsys):
    schedule = project / "readings" / "schedule.yml"
    edit(schedule, "sessions:\n", "homework:\n  - id: hw1\n    title: Homework 1\n    out: introduction\n    due: neural-networks\n\nsessions:\n")
    code, lines = check(project, capsys)
    assert lines == [f"readings/schedule.yml:{line_of(schedule, 'homework:')}:1: 'homework' are now assignments, in "
                     "readings/assignments.yml (see the README's 'Add an assignment'); move them there"]
