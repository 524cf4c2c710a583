"""Facets and typed links on paper pages: year and entry type, and biblatex's related / relatedtype both ways."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from conftest import build_site, copy_project, edit
from course.cli import main
from course.ground import urls
from course.link.related import words

OLSSON = "  keywords = {interpretability, circuits, induction-heads},\n"


def soup(site, key):
    return BeautifulSoup((site / urls.page_url(urls.paper_page(key)) / "index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def related_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("related") / "course")
    bib = project / "papers.bib"
    edit(bib, OLSSON, OLSSON + "  related = {elhage2021mathematical},\n  relatedtype = {extends},\n")
    edit(bib, "@article{elhage2022toy,\n", "@article{elhage2022toy,\n  related = {olsson2022context, bricken2023monosemanticity},\n")
    return build_site(project)


def relations(page):
    return [(li.select_one(".cs-relation-type").get_text(), li.a["href"]) for li in page.select(".cs-relations li")]


def test_related_papers_are_typed_links_in_both_directions(related_site):
    assert relations(soup(related_site, "olsson2022context")) == [
        ("Extends", "../elhage2021mathematical/"),  # declared here
        ("Related", "../elhage2022toy/"),  # declared by elhage2022toy, without a type
    ]
    assert relations(soup(related_site, "elhage2021mathematical")) == [("Extended by", "../olsson2022context/")]
    assert relations(soup(related_site, "elhage2022toy")) == [("Related", "../olsson2022context/"),
                                                               ("Related", "../bricken2023monosemanticity/")]
    page = soup(related_site, "olsson2022context")
    assert page.select(".cs-related li")  # related by topic stays


def test_relation_words():
    assert words("extends") == ("Extends", "Extended by")
    assert words("responds to") == words("responds-to") == words("respondsto") == ("Responds to", "Responded to by")
    assert words("reprintof") == ("Reprint of", "Reprinted as")
    assert words("bytranslator") == ("Related (bytranslator)", "Related (bytranslator, the other way)")


def test_an_unknown_related_key_is_reported_at_its_field(project, capsys):
    bib = project / "papers.bib"
    edit(bib, OLSSON, OLSSON + "  related = {elhage2021mathematicl},\n")
    assert main(["--root", str(project), "check"]) == 1
    line = bib.read_text().splitlines().index("  related = {elhage2021mathematicl},") + 1
    assert capsys.readouterr().out.strip().splitlines() == [
        f"papers.bib:{line}:3: entry 'olsson2022context' has related = {{elhage2021mathematicl}}, but there is no entry "
        "with that key; fix the key or add the entry"]


def test_paper_pages_show_year_and_type_linked_to_the_readings_filters(built_site):
    page = soup(built_site, "vaswani2017attention")
    type_, year = page.select_one(".cs-paper-type a"), page.select_one(".cs-paper-year a")
    assert (type_.get_text(), type_["href"]) == ("Conference paper", "../../readings/?type=conference-paper")
    assert (year.get_text(), year["href"]) == ("2017", "../../readings/?year=2017")
    assert soup(built_site, "heimersheim2024use").select_one(".cs-paper-type a").get_text() == "Preprint"
