"""Term after term: `course term archive` and `course term new` roll the default course over, and the site
keeps the past term under /<term-id>/ with its own dates, while the current term stays at the root."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from bs4 import BeautifulSoup

from conftest import build_site, copy_project, edit
from course.cli import main
from course.data.load import load_course_data
from course.ground.layout import Layout

FALL = ["term", "new", "--name", "Fall 2027", "--start", "2027-08-24", "--end", "2027-12-10"]


def html(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def rolled(tmp_path_factory):
    """The default course after `course term new` for Fall 2027, built with --strict."""
    project = copy_project(tmp_path_factory.mktemp("rolled") / "course")
    spring = load_course_data(Layout.from_mkdocs_yml(project), check_notebooks=False)
    before = {name: (project / "readings" / name).read_text(encoding="utf-8") for name in ("course.yml", "schedule.yml")}
    assert main(["--root", str(project), *FALL]) == 0
    return project, spring, before, build_site(project)


def test_the_fall_sessions_fall_on_tuesdays_and_thursdays_from_24_august(rolled):
    project, spring, _, _ = rolled
    fall = load_course_data(Layout.from_mkdocs_yml(project), check_notebooks=False)
    assert fall.course.term.name == "Fall 2027"
    assert fall.sessions[0].date == dt.date(2027, 8, 24)
    assert {s.date.strftime("%a") for s in fall.sessions} == {"Tue", "Thu"}
    assert [s.id for s in fall.sessions] == [s.id for s in spring.sessions]  # the sessions are kept
    assert [a.id for a in fall.archives] == ["2027-spring"]
    assert [s.date for s in fall.archives[0].data.sessions] == [s.date for s in spring.sessions]


def test_the_spring_pages_live_on_under_the_term_with_their_dates_and_a_banner(rolled):
    _, spring, _, site = rolled
    for session in spring.sessions:
        page = site / "2027-spring" / "schedule" / session.id / "index.html"
        soup = html(page)
        assert soup.select_one("time")["datetime"].startswith(session.start.isoformat()[:16])
        banner = soup.select_one(".cs-term-banner")
        assert "This page is from Spring 2027, a past term of MATH 598B" in banner.get_text()
        assert banner.select_one("a")["href"] == "../../../"  # the current term, at the root
    # the current term's pages keep their URLs, with Fall dates
    current = html(site / "schedule" / "attention-heads" / "index.html")
    assert current.select_one("time")["datetime"].startswith("2027-09-")
    assert current.select_one(".cs-term-banner") is None
    assert (site / "2027-spring" / "assignments" / "hw1" / "index.html").is_file()
    assert (site / "2027-spring" / "presentations" / "index.html").is_file()
    home = html(site / "2027-spring" / "index.html")
    assert home.h1.contents[0].strip() == "MATH 598B: Decoding GPT, Spring 2027"
    assert "Welcome to Decoding GPT" in home.get_text()  # the term's announcements are archived with it
    past = html(site / "past-terms" / "index.html")
    assert [a.get_text() for a in past.select(".cs-past-terms a")] == ["Spring 2027"]


def test_the_calendar_holds_only_the_fall_term(rolled):
    _, _, _, site = rolled
    calendar = icalendar.Calendar.from_ical((site / "calendar.ics").read_bytes())
    starts = [event.decoded("DTSTART") for event in calendar.walk("VEVENT")]
    assert len(starts) > 20
    assert all(dt.date(2027, 8, 24) <= (s.date() if isinstance(s, dt.datetime) else s) <= dt.date(2027, 12, 10)
               for s in starts)
    assert all("@2027-fall." in str(event["UID"]) for event in calendar.walk("VEVENT"))
    assert not (site / "2027-spring" / "calendar.ics").exists()


def test_paper_pages_list_the_backlinks_of_both_terms(rolled):
    _, _, _, site = rolled
    page = html(site / "papers" / "vaswani2017attention" / "index.html")
    links = {a.get_text(" ", strip=True): a["href"] for a in page.select(".cs-backlinks a")}
    assert links["Fall 2027: Reading for session 6: Attention heads (Thu 9 Sep 2027)"] == "../../schedule/attention-heads/"
    assert links["Spring 2027: Reading for session 6: Attention heads (Thu 28 Jan 2027)"] == \
        "../../2027-spring/schedule/attention-heads/"
    texts = list(links)
    assert texts.index("Fall 2027: Reading for session 6: Attention heads (Thu 9 Sep 2027)") < \
        texts.index("Spring 2027: Reading for session 6: Attention heads (Thu 28 Jan 2027)")  # current term first


def test_the_edited_files_keep_their_comments_and_change_only_what_the_term_needs(rolled):
    project, _, before, _ = rolled
    course = (project / "readings" / "course.yml").read_text(encoding="utf-8")
    old, new = before["course.yml"].splitlines(), course.splitlines()
    assert [line for line in old if line.startswith("#")] == [line for line in new if line.startswith("#")]
    assert "  name: Fall 2027\n  start: 2027-08-24\n  end: 2027-12-10\n" in course
    assert "holidays: []" in course and "Spring break" not in course
    assert (project / "readings" / "schedule.yml").read_text(encoding="utf-8") == before["schedule.yml"]
    archived = (project / "archive" / "2027-spring" / "schedule.yml").read_text(encoding="utf-8")
    assert archived.startswith("# yaml-language-server: $schema=../../readings/schemas/schedule.schema.json\n"
                               "# Spring 2027, archived on ")
    assert "  - id: attention-heads\n    title: Attention heads\n    date: 2027-01-28\n" in archived
    presentations = (project / "readings" / "presentations.yml").read_text(encoding="utf-8")
    assert "claims: []" in presentations
    assert "announcements: []" in (project / "readings" / "announcements.yml").read_text(encoding="utf-8")


def test_term_new_says_what_the_instructor_must_still_check(tmp_path, capsys):
    project = copy_project(tmp_path / "course")
    assert main(["--root", str(project), *FALL]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "archived Spring 2027 in archive/2027-spring/ (the site builds it under /2027-spring/)"
    assert "removed the break 2027-03-13 to 2027-03-21 (Spring break): add Fall 2027's breaks under term: in course.yml" in out
    assert "  assignment project-proposal due: 2027-02-26 -> 2027-10-08" in out
    assert "Fall 2027: 29 sessions from Tue 24 Aug to Tue 30 Nov 2027" in out
    assert "presentation slot paper-presentations-1: Tue 16 Nov 2027; check it is the right class" in out


def test_an_archive_is_never_overwritten(tmp_path, capsys):
    project = copy_project(tmp_path / "course")
    assert main(["--root", str(project), "term", "archive"]) == 0
    assert capsys.readouterr().out == "archived Spring 2027 in archive/2027-spring/: the site builds it under /2027-spring/\n"
    archived = (project / "archive" / "2027-spring" / "course.yml").read_bytes()
    assert main(["--root", str(project), "term", "archive"]) == 1
    assert capsys.readouterr().err == (
        "error: archive/2027-spring exists already, and an archive is never overwritten; choose another folder with "
        "--id, or remove that one first if it is a mistake\n")
    assert (project / "archive" / "2027-spring" / "course.yml").read_bytes() == archived
    # `term new` after `term archive` of the same term does not archive it again
    assert main(["--root", str(project), *FALL]) == 0
    assert capsys.readouterr().out.startswith("Spring 2027 is archived already in archive/2027-spring/; it is left as it is\n")


def test_term_new_refuses_a_term_that_does_not_follow_the_current_one(tmp_path, capsys):
    project = copy_project(tmp_path / "course")
    assert main(["--root", str(project), "term", "new", "--name", "Early", "--start", "2027-03-01", "--end", "2027-06-01"]) == 1
    assert capsys.readouterr().err == ("error: the new term starts (2027-03-01) before the current one, Spring 2027, ends "
                                       "(2027-04-29); a new term comes after the current one\n")
    assert main(["--root", str(project), "term", "new", "--name", "Fall", "--start", "2027-08-24", "--end", "24 Dec"]) == 1
    assert capsys.readouterr().err == "error: --end '24 Dec' is not a date; write it as YYYY-MM-DD, e.g. 2027-08-24\n"
    assert not (project / "archive").exists()


def test_a_problem_in_an_archived_term_points_into_the_archive(tmp_path, capsys):
    project = copy_project(tmp_path / "course")
    assert main(["--root", str(project), "term", "archive"]) == 0
    schedule = project / "archive" / "2027-spring" / "schedule.yml"
    edit(schedule, "    readings: [vaswani2017attention, alammar2019illustrated]", "    readings: [vaswani2017atention]")
    line = schedule.read_text(encoding="utf-8").splitlines().index("    readings: [vaswani2017atention]") + 1
    assert main(["--root", str(project), "check"]) == 1
    out = capsys.readouterr().out
    assert f"archive/2027-spring/schedule.yml:{line}:16: " in out and "vaswani2017attention" in out


def test_an_archive_folder_must_be_named_by_year_and_season(tmp_path, capsys):
    project = copy_project(tmp_path / "course")
    assert main(["--root", str(project), "term", "archive", "--id", "spring"]) == 1
    assert capsys.readouterr().err == ("error: 'spring' cannot name an archived term: use the year, then the season, "
                                       "e.g. 2027-spring\n")
    (project / "archive" / "old").mkdir(parents=True)
    (project / "archive" / "old" / "course.yml").write_text((project / "readings" / "course.yml").read_text())
    assert main(["--root", str(project), "check"]) == 1
    assert ("archive/old: an archived term's folder is named by its year and season, e.g. 2027-spring (it becomes "
            "the URL of the term's pages); rename the folder") in capsys.readouterr().out
