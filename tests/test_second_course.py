"""A second course, unrelated to the default one (tests/fixtures/second-course): Mon/Wed/Fri in Berlin, only
the required course facts, no talks, podcasts, presentations or notebooks, three papers. It builds, and
shows no page or tab for what it does not have."""

from __future__ import annotations

import shutil
from pathlib import Path

import icalendar
import pytest
from bs4 import BeautifulSoup

from conftest import build_site

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "second-course"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("second") / "course"
    shutil.copytree(FIXTURE, project)
    return build_site(project)


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_only_what_the_course_has_is_in_the_navigation(site):
    tabs = [a.get_text(" ", strip=True) for a in page(site, ".").select(".md-tabs__link")]
    assert tabs == ["Home", "Syllabus", "Schedule", "Assignments", "Readings"]
    for absent in ("talks", "episodes", "presentations", "notebooks", "project"):
        assert not (site / absent).exists(), absent


def test_sessions_fall_on_mon_wed_fri_in_berlin_skipping_the_holiday_and_the_break(site):
    schedule = page(site, "schedule")
    rows = schedule.select(".cs-session")
    assert [row["id"] for row in rows] == ["vectors-and-norms", "least-squares", "qr", "eigenvalues", "svd", "conditioning", "lu"]
    assert [row["data-start"] for row in rows] == [
        "2027-10-18T10:15:00+02:00", "2027-10-20T10:15:00+02:00", "2027-10-22T10:15:00+02:00",
        "2027-10-25T10:15:00+02:00", "2027-10-27T10:15:00+02:00", "2027-10-29T10:15:00+02:00",
        "2027-11-03T10:15:00+01:00"]  # not on Mon 1 Nov (a holiday), and after summer time ends on 31 Oct
    assert "cs-session--cancelled" in rows[3]["class"]
    calendar = icalendar.Calendar.from_ical((site / "calendar.ics").read_bytes())
    assert {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")} == {"Europe/Berlin"}
    home = page(site, ".")
    assert "NUM 210" in home.title.get_text() and home.select_one(".cs-due-item a")["href"] == "assignments/sheet-1/"
