"""The generated navigation: hand-written pages beside the generated ones, grouped by folder."""

from bs4 import BeautifulSoup

from conftest import ROOT, build_site
from course.data.load import load_course_data
from course.ground.layout import Layout
from course.render.nav import build_nav


def test_hand_written_pages_in_a_folder_form_a_section_named_after_it():
    data = load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False)
    pages = ["faq.md", "about/benchmarks.md", "about/index.md", "about/team/people.md", "<b>&amp;/x.md"]
    nav = build_nav(data, pages)
    assert nav[-3:] == [
        {"\u2039b\u203a&\u200bamp;": ["<b>&amp;/x.md"]},  # Material prints section titles unescaped
        # index first; the generated report of the notebook runs beside the hand-written pages
        {"About": ["about/index.md", "about/benchmarks.md", "about/notebook-runs.md", {"Team": ["about/team/people.md"]}]},
        "faq.md",
    ]


def test_a_built_site_lists_a_folder_of_pages_as_a_section(project):
    (project / "content" / "about").mkdir(exist_ok=True)  # the real course has one (make bench writes it)
    (project / "content" / "about" / "benchmarks.md").write_text("# Benchmarks\n\nFigures.\n", encoding="utf-8")
    (project / "content" / "about" / "colophon.md").write_text("# Colophon\n\nHow it is made.\n", encoding="utf-8")
    (project / "content" / "faq.md").write_text("# Questions\n\nAnswers.\n", encoding="utf-8")
    site = build_site(project)
    page = BeautifulSoup((site / "about" / "benchmarks" / "index.html").read_text(encoding="utf-8"), "html.parser")
    tabs = [a.get_text(" ", strip=True) for a in page.select(".md-tabs__link")]
    assert tabs[-2:] == ["About", "Questions"]  # a section of its own, then the loose page
    section = page.select_one("nav.md-nav--primary").get_text(" ", strip=True)
    assert "Benchmarks" in section and "Colophon" in section
