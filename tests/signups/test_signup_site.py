"""The built site: claims on the sign-up page, the paper pages, the schedule and the calendar; nothing private."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from course.data.load import load_course_data
from course.ground.layout import Layout
from course.render.env import SiteContext
from course.render.presentations import pages
from signup_helpers import build_site, claim, copy_project

HOSTILE = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) {{ 7*7 }}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("signup-site") / "course")
    class Quiet:  # claim() reads the output through a capsys-like object; module fixtures cannot have capsys
        def readouterr(self):
            return "", ""

    assert claim(Quiet(), project, HOSTILE, "nanda2023progress", "--handle", "secret-handle-42",
                 "--slot", "paper-presentations-3")[0] == 0
    return build_site(project)


def html(site, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "html.parser")


def unfolded(path) -> str:
    """An iCalendar file with its long lines joined again."""
    return path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n ", "")


def test_the_signup_page_shows_slots_and_each_papers_status(site):
    page = html(site, "presentations")
    slots = {s["id"]: s for s in page.select(".cs-slot")}
    assert slots["slot-paper-presentations-1"].select_one(".cs-places").get_text() == "2 of 4 places left"
    assert slots["slot-paper-presentations-3"].select_one(".cs-places").get_text() == "2 of 4 places left"
    talks = [li.get_text(" ", strip=True) for li in slots["slot-paper-presentations-3"].select(".cs-slot-talks li")]
    assert talks[1].startswith(f"15:45 {HOSTILE} : Nanda et al. 2023")
    rows = {row["id"]: row for row in page.select("tr.cs-signup-row")}
    status = {key: rows[f"paper-{key}"].select_one(".cs-status").get_text(" ", strip=True) for key in
              ("olsson2022context", "wang2022interpretability", "nanda2023progress", "conmy2023towards")}
    assert status == {"olsson2022context": "Presented by A. Student , Thu 15 Apr",
                      "wang2022interpretability": "Claimed by C. Student , Tue 20 Apr",
                      "nanda2023progress": f"Claimed by {HOSTILE} , Thu 22 Apr",
                      "conmy2023towards": "Open Sign up"}
    button = rows["paper-conmy2023towards"].select_one("a.cs-signup-button")
    assert button["href"].startswith("https://github.com/mines-opt-ml/decoding-gpt/issues/new?")
    assert "paper=conmy2023towards" in button["href"]
    assert "circuits" in rows["paper-conmy2023towards"]["data-topics"].split()
    assert [b["data-topic"] for b in page.select(".cs-signup-filter button")][:3] == ["", "circuits", "induction-heads"]
    assert "vaswani2017attention" not in str(page.select_one(".cs-signup-papers"))  # not open for presentation


def test_paper_pages_schedule_and_session_pages_show_the_presenter(site):
    assert "Presented by A. Student on Thu 15 Apr 2027" in html(site, "papers/olsson2022context").select_one(
        ".cs-backlink--presentation").get_text()
    assert html(site, "papers/nanda2023progress").select_one(".cs-backlink--presentation").get_text() == (
        f"To be presented by {HOSTILE} on Thu 22 Apr 2027")
    row = html(site, "schedule").select_one("#paper-presentations-1 .cs-row-presentations").get_text(" ", strip=True)
    assert row.startswith("Presentations A. Student: Olsson et al. 2022") and "B. Student: Elhage et al. 2022" in row
    session = html(site, "schedule/paper-presentations-3").get_text(" ", strip=True)
    assert f"{HOSTILE}: Nanda et al. 2023" in session
    calendar = unfolded(site / "calendar.ics")
    assert "SUMMARY:MATH 598B: A. Student presents “In-context Learning and Induction Heads”" in calendar
    assert "UID:presentation-paper-presentations-3-nanda2023progress@" in calendar


def test_hostile_text_is_shown_literally_and_nothing_private_is_published(site):
    texts = {path: path.read_text(encoding="utf-8") for path in site.rglob("*")
             if path.suffix in (".html", ".json", ".xml", ".ics") and path.is_file()}
    for path, text in texts.items():
        if path.suffix != ".ics":  # the calendar is plain text: there the name is shown as written
            assert "<img src=x" not in text, path
        for private in ("secret-handle-42", "a-student-example", "Swapped papers"):
            assert private not in text, (path, private)
    page = (site / "presentations" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "{{ 7*7 }}" in page and 'href="javascript' not in page
    assert f"SUMMARY:MATH 598B: {HOSTILE} presents" in unfolded(site / "calendar.ics")


def test_sign_up_buttons_open_the_prefilled_issue_form(tmp_path):
    project = copy_project(tmp_path / "course")
    data = load_course_data(Layout.from_mkdocs_yml(project))
    page = pages(data, SiteContext(repo_url="https://github.com/mines-opt-ml/decoding-gpt"))[0].content
    soup = BeautifulSoup(page.split("---\n", 2)[2], "html.parser")
    buttons = {a.find_parent("tr")["id"]: a["href"] for a in soup.select("a.cs-signup-button")}
    url = urlsplit(buttons["paper-conmy2023towards"])
    assert url.geturl().startswith("https://github.com/mines-opt-ml/decoding-gpt/issues/new?")
    assert parse_qs(url.query) == {"template": ["presentation-signup.yml"], "title": ["Presentation sign-up: conmy2023towards"],
                                   "paper": ["conmy2023towards"]}
    assert "paper-olsson2022context" not in buttons and "paper-wang2022interpretability" not in buttons
    # One button per open, unclaimed paper: what presentations.yml lists, less what is taken.
    rules = yaml.safe_load((project / "readings" / "presentations.yml").read_text(encoding="utf-8"))
    listed = {key for key, paper in data.bibliography.papers.items() if set(paper.keywords) & set(rules["papers"]["topics"])}
    open_papers = (listed | set(rules["papers"]["keys"])) - set(rules["papers"]["exclude"]) - {c["paper"] for c in rules["claims"]}
    assert set(buttons) == {f"paper-{key}" for key in open_papers} and len(buttons) > 30
    # No repository (or one that is not https): no buttons, and the page says whom to tell instead.
    for repo in (None, "javascript:alert(1)", "http://example.com/repo"):
        page = pages(data, SiteContext(repo_url=repo))[0].content
        assert "cs-signup-button" not in page and "Tell the instructor" in page


def test_with_initials_only_neither_the_site_nor_the_issue_form_shows_a_full_name(tmp_path):
    from course.link.backlinks import backlinks
    from course.signups import form

    project = copy_project(tmp_path / "course")
    presentations = project / "readings" / "presentations.yml"
    presentations.write_text(presentations.read_text(encoding="utf-8").replace(
        "publish_names: full", "publish_names: initials"), encoding="utf-8")
    data = load_course_data(Layout.from_mkdocs_yml(project), check_notebooks=False)
    assert {t.presenter for t in data.presentations.talks} == {"A. S.", "B. S.", "C. S.", "D. S.", "E. S."}
    page = pages(data, SiteContext(repo_url="https://github.com/mines-opt-ml/decoding-gpt"))[0].content
    assert "A. S." in page and "Student" not in page
    assert "your initials (this page shows initials only)" in page and "<strong>The issue is public</strong>" in page
    assert {link.via for links in backlinks(data).values() for link in links if link.kind == "presentation"} == \
        {"A. S.", "B. S.", "C. S.", "D. S.", "E. S."}
    issue_form = yaml.safe_load(form.render(data.presentations, None))
    name = next(item for item in issue_form["body"] if item.get("id") == "name")["attributes"]
    assert name["placeholder"] == "A. L." and "initials" in name["description"]
    assert "this issue is public on GitHub" in issue_form["body"][0]["attributes"]["value"]


def test_initials_are_made_from_any_name():
    from course.ground.words import initials

    assert [initials(n) for n in ("Ada Lovelace", "Ada L.", "A. L.", "Jean-Luc Picard", "élodie de la Tour", "  ")] == [
        "A. L.", "A. L.", "A. L.", "J.-L. P.", "É. D. L. T.", ""]
