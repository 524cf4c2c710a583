"""The real default course, built with mkdocs --strict: assertions on its HTML."""

import datetime as dt
import re

from bs4 import BeautifulSoup

CS25_DATES = ["2024-04-04", "2024-04-11", "2024-04-18", "2024-04-25", "2024-05-02", "2024-05-09", "2024-05-16", "2024-05-23", "2024-05-30"]
CS25_SPEAKERS = ["Steven Feng", "Div Garg", "Emily Bunnapradist", "Seonghee Lee", "Jason Wei", "Hyung Won Chung", "Nathan Lambert",
                 "Albert Jiang", "Jake Williams", "Ming Ding", "Edward Hu", "Loubna Ben Allal"]
AXRP_STAMPS = ["1:05", "24:16", "54:27", "1:11:57", "1:24:43", "1:39:31", "1:49:26", "1:59:42", "2:11:05", "2:12:55", "2:30:10",
               "2:38:47", "2:46:19", "2:50:57", "2:50:57", "3:11:37", "3:34:16", "3:43:57", "3:49:28"]


def soup(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_every_session_is_on_a_meeting_day_and_none_on_a_holiday(built_site):
    page = soup(built_site, "schedule/index.html")
    sessions = page.select("article.cs-session")
    assert len(sessions) == 29
    holidays = {dt.date(2027, 2, 16)} | {dt.date(2027, 3, 13) + dt.timedelta(days=i) for i in range(9)}
    for article in sessions:
        start = dt.datetime.fromisoformat(article["data-start"])
        assert start.strftime("%a") in ("Tue", "Thu") and start.time() == dt.time(15, 30)
        assert start.date() not in holidays
    assert "No class: Spring break" in page.get_text()
    assert page.select_one("#week-1") and page.select_one("#part-interpretability")


def test_schedule_shows_readings_materials_and_deadlines(built_site):
    page = soup(built_site, "schedule/index.html")
    row = page.select_one("article#attention-heads")
    assert row.select_one("a.cs-paper")["href"] == "../papers/vaswani2017attention/"
    out = row.select_one("a.cs-chip--out")
    assert out.get_text() == "Out: Homework 2: attention heads and a transformer from scratch"
    assert out["href"] == "../assignments/hw2/"
    due = page.select_one("#due-project-proposal")  # due on a date of its own: a row of its week
    assert "Final project proposal" in due.get_text() and due.select_one("a")["href"] == "../assignments/project-proposal/"
    assert page.select_one('a[href^="webcal://mines-opt-ml.github.io/decoding-gpt/calendar.ics"]')
    assert page.select_one('a[href^="https://calendar.google.com/calendar/render?cid=webcal"]')


def test_session_page_has_details_and_links_back(built_site):
    page = soup(built_site, "schedule/transformers/index.html")
    text = page.get_text(" ")
    assert "Session 8" in text and "Thu 4 Feb" in text and "130 Alderson Hall" in text
    assert page.select_one('a[href="../../papers/xiong2020layer/"]')
    assert page.select_one("a.cs-pager-prev")["href"] == "../positional-causal/"


def test_all_nine_cs25_dates_with_their_speakers(built_site):
    page = soup(built_site, "talks/index.html")
    text = page.get_text(" ")
    for date in CS25_DATES:
        day = dt.date.fromisoformat(date)
        assert f"{day:%a} {day.day} {day:%b} 2024" in text
    for speaker in CS25_SPEAKERS:
        assert speaker in text
    talk = soup(built_site, "talks/cs25-v4/aligning-open-language-models/index.html").get_text(" ")
    assert "Nathan Lambert" in talk and "Allen Institute for AI" in talk and "Virtual (Zoom)" in talk and "16:30" in talk


def test_axrp_episode_has_every_timestamp(built_site):
    page = soup(built_site, "episodes/axrp-19/index.html")
    stamps = [s.get_text() for s in page.select(".cs-stamp")]
    assert stamps == AXRP_STAMPS
    assert len(page.select("h2#writings-discussed + ul li")) == 17


def test_home_has_course_facts_next_session_and_announcements(built_site):
    page = soup(built_site, "index.html")
    text = page.get_text(" ")
    for fact in ("MATH 598B", "Decoding GPT", "130 Alderson Hall", "Samy Wu Fung", "Michael Ivanitskiy", "mivanits@mines.edu", "269 Chauvenet Hall"):
        assert fact in text
    assert page.select(".cs-upcoming-item[data-end]")
    titles = [h.get_text() for h in page.select(".cs-announcement-title")]
    assert titles == ["Paper presentation sign-ups are open", "Welcome to Decoding GPT"]  # newest first
    assert page.select_one('a[href="feed.xml"]')


def test_feed_is_atom_newest_first(built_site):
    import xml.etree.ElementTree as ET

    feed = ET.parse(built_site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.find("a:title", ns).text for e in feed.findall("a:entry", ns)][0] == "Paper presentation sign-ups are open"


def test_navigation_is_generated_and_maths_bundled(built_site):
    nav_text = soup(built_site, "schedule/index.html").select_one("nav.md-nav--primary").get_text(" ")
    assert "15. Induction heads" in nav_text  # navigation.prune: sessions are listed inside the Schedule tab
    page = soup(built_site, "index.html")
    scripts = [s.get("src", "") for s in page.select("script[src]")]
    assert not any("katex" in s for s in scripts)  # the build typesets the maths (course.js fetches KaTeX only where it could not)
    assert any(s.endswith("assets/course/course.js") for s in scripts)
    assert (built_site / "assets/course/katex/katex.min.js").exists()
    assert not any(s.startswith(("http://", "https://", "//")) for s in scripts)
    assert (built_site / "assets/course/katex/fonts/KaTeX_Main-Regular.woff2").exists()
    assert not any(l.get("href", "").startswith(("http://", "https://", "//")) for l in page.select("link[rel=stylesheet]"))


def test_syllabus_and_project_pages(built_site):
    syllabus = soup(built_site, "syllabus/index.html").get_text(" ")
    for text in ("Learning outcomes", "MATH 213 (Calculus 3)", "Homework", "40%", "Start here"):
        assert text in syllabus
    project = soup(built_site, "project/index.html").get_text(" ")
    assert "10 to 15 page report" in project and "Compressing one component" in project


def test_no_page_links_outside_without_rel_noopener(built_site):
    for html in built_site.rglob("*.html"):
        for link in BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select(".md-content a[href^='http']"):
            if "cs-" in " ".join(link.get("class", [])) or link.find_parent(class_=re.compile("^cs-")):
                assert "noopener" in (link.get("rel") or []), (html, link)


def test_what_a_student_sees_first_says_things_once(built_site):
    home = soup(built_site, "index.html")
    assert home.title.get_text() == "MATH 598B: Decoding GPT"  # not "... - MATH 598B: Decoding GPT"
    schedule = soup(built_site, "schedule/index.html")
    offs = [div.get_text(" ", strip=True) for div in schedule.select(".cs-off-name")]
    assert "No class: Instructors travelling" in offs and not any(text.count("No class") > 1 for text in offs)
    talks = soup(built_site, "talks/index.html").select_one(".cs-lead").get_text()
    assert "recordings" not in talks and "slides" not in talks  # no talk page has either
