"""Talk pages say only what the seminar said: its own recommended reading apart from the course's additions,
and times and a place only with the source that gives them."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from conftest import build_site
from course.ground import urls


def page(site: Path, src: str) -> BeautifulSoup:
    return BeautifulSoup((site / urls.page_url(src) / "index.html").read_text(encoding="utf-8"), "html.parser")


def section(soup: BeautifulSoup, heading: str) -> list[str]:
    """The paper keys listed under an ``<h2>``, up to the next one."""
    h2 = next(h for h in soup.select("article h2") if h.get_text(strip=True).rstrip("¶") == heading)
    keys = []
    for sibling in h2.find_next_siblings():
        if sibling.name == "h2":
            break
        keys += [a["href"].rstrip("/").split("/")[-1] for a in sibling.select("a.cs-paper")]
    return keys


def headings(soup: BeautifulSoup) -> list[str]:
    return [h.get_text(strip=True).rstrip("¶") for h in soup.select("article h2")]


def test_the_seminars_recommendation_and_the_courses_related_papers_are_apart(built_site):
    own = page(built_site, urls.talk_page("cs25-v4", "new-training-objective"))
    assert "Recommended reading" in headings(own) and "Related papers" not in headings(own)
    assert section(own, "Recommended reading") == ["hu2023amortizing"]
    added = page(built_site, urls.talk_page("cs25-v4", "aligning-open-language-models"))
    assert "Recommended reading" not in headings(added)
    assert section(added, "Related papers") == ["ouyang2022training", "rafailov2023direct", "dettmers2023qlora", "schulman2017proximal"]
    assert "the seminar does not recommend them" in added.get_text()


def test_paper_pages_say_whether_a_talk_recommends_a_paper_or_the_course_relates_it(built_site):
    def talk_links(key):
        soup = page(built_site, urls.paper_page(key))
        return [(li["class"][-1], li.get_text(" ", strip=True)) for li in soup.select(".cs-backlinks li") if "talk" in li["class"][-1]]

    assert talk_links("hu2023amortizing") == [("cs-backlink--talk", "Recommended by the CS25: Transformers United V4 talk "
                                               "\u201cTBD (Edward Hu)\u201d (Thu 16 May 2024)")]
    assert talk_links("rafailov2023direct") == [("cs-backlink--talk-related", "Related to the CS25: Transformers United V4 talk "
                                                 "\u201cAligning Open Language Models\u201d (Thu 18 Apr 2024), chosen by this course")]


def test_times_and_place_are_shown_with_their_source_and_left_out_without(built_site, project):
    sourced = page(built_site, urls.talk_page("cs25-v4", "overview-of-transformers"))
    meta = sourced.select_one(".cs-talk-head").get_text(" ", strip=True)
    assert "16:30" in meta and "Gates Computer Science Building" in meta
    assert sourced.select_one(".cs-source a")["href"] == "https://web.stanford.edu/class/cs25/"
    assert "DTSTART;TZID=America/Los_Angeles:20240404T163000" in event(built_site, "talk-cs25-v4-overview-of-transformers")

    talks = project / "readings" / "talks" / "cs25-v4.yml"
    talks.write_text(talks.read_text().replace("  source: https://web.stanford.edu/class/cs25/", ""), encoding="utf-8")
    site = build_site(project, strict=False)  # --strict refuses the warning
    bare = page(site, urls.talk_page("cs25-v4", "overview-of-transformers"))
    meta = bare.select_one(".cs-talk-head").get_text(" ", strip=True)
    assert "16:30" not in meta and "Gates" not in meta and bare.select_one(".cs-source") is None
    assert "Thursday 4 April 2024" in meta
    bare_event = event(site, "talk-cs25-v4-overview-of-transformers")
    assert "DTSTART;VALUE=DATE:20240404" in bare_event and "LOCATION" not in bare_event


def event(site: Path, uid: str) -> str:
    """The calendar's event with this UID (lines unfolded)."""
    calendar = (site / "talks" / "cs25-v4.ics").read_text(encoding="utf-8").replace("\n ", "")
    return next(block for block in calendar.split("BEGIN:VEVENT") if f"UID:{uid}@" in block)


def test_each_series_has_its_own_feed_offered_on_the_talks_page(built_site):
    talks = page(built_site, urls.TALKS)
    links = [a["href"] for a in talks.select(".cs-series-feed a")]
    assert "cs25-v4.ics" in links and any(href.startswith("webcal://") and href.endswith("/talks/cs25-v4.ics") for href in links)
    assert (built_site / "talks" / "cs25-v4.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
