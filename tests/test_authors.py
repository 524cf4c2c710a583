"""Authors: names normalised from BibTeX, the authors index, author pages, and paper pages linking them."""

from __future__ import annotations

import textwrap

from bs4 import BeautifulSoup

from course.data.bibliography import parse_bibliography
from course.ground import urls

NAMES = textwrap.dedent(r"""
    @misc{a, author = {Nanda, Neel and {\'E}mile Zola and {Anthropic Interpretability Team}}, title = {A}, year = {2023}}
    @misc{b, author = {Neel Nanda and Chris Olah et al.}, title = {B}, year = {2024}}
    @misc{c, author = {Zola, {\'{E}}mile and others}, title = {C}, year = {2022}}
    @misc{d, author = {de las Casas, Diego}, title = {D}, year = {2021}}
    @misc{e, author = {Diego de Las Casas and Kaiser, {\L}ukasz and Lukasz Kaiser}, title = {E}, year = {2020}}
    """)


def test_names_are_one_person_however_papers_bib_writes_them():
    bib, problems = parse_bibliography(NAMES, "names.bib")
    assert problems == []
    people = {a.slug: (a.name, a.keys) for a in bib.authors.values()}
    assert people == {
        "anthropic-interpretability-team": ("Anthropic Interpretability Team", ("a",)),  # braced: one name, whole
        "diego-de-las-casas": ("Diego de las Casas", ("d", "e")),
        "lukasz-kaiser": ("Łukasz Kaiser", ("e",)),  # "Łukasz" and "Lukasz" meet; one paper counts once
        "neel-nanda": ("Neel Nanda", ("b", "a")),  # "Nanda, Neel" = "Neel Nanda"; newest first
        "chris-olah": ("Chris Olah", ("b",)),  # "et al." is not part of the name, nor a person
        "emile-zola": ("Émile Zola", ("a", "c")),  # accents decoded in either spelling
    }
    assert list(bib.authors) == ["anthropic-interpretability-team", "diego-de-las-casas", "lukasz-kaiser",
                                 "neel-nanda", "chris-olah", "emile-zola"]  # by surname ("de las Casas" under C)
    assert bib.people("b") == (("Neel Nanda", "neel-nanda"), ("Chris Olah", "chris-olah"))
    assert bib["b"].authors == ("Neel Nanda", "Chris Olah", "et al.")


def soup(site, src):
    return BeautifulSoup((site / urls.page_url(src) / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_an_author_with_several_papers_has_a_page_that_both_paper_pages_link(built_site):
    page = soup(built_site, urls.author_page("neel-nanda"))
    assert page.h1.get_text(strip=True).rstrip("¶") == "Neel Nanda"
    listed = [li["data-key"] for li in page.select(".cs-author-papers > .cs-entry")]
    assert len(listed) == 10 and {"olsson2022context", "nanda2023progress"} <= set(listed)
    olsson = page.select_one('.cs-entry[data-key="olsson2022context"]')
    uses = [a.get_text(" ", strip=True) for a in olsson.select(".cs-backlinks a")]
    assert any(u.startswith("Reading for session") for u in uses), uses  # where the course uses it
    for key in ("olsson2022context", "nanda2023progress"):
        paper = soup(built_site, urls.paper_page(key))
        links = {a.get_text(): a["href"] for a in paper.select(".cs-authors a.cs-author")}
        assert links["Neel Nanda"] == "../../authors/neel-nanda/"
        assert (built_site / "papers" / key / links["Neel Nanda"] / "index.html").resolve().exists()


def test_the_index_lists_every_author_and_links_single_paper_authors_to_their_paper(built_site):
    index = soup(built_site, urls.AUTHORS)
    assert index.select_one('a[href="neel-nanda/"]').get_text() == "Neel Nanda"
    vaswani = index.find(id="author-ashish-vaswani")  # one paper: no page of their own
    assert vaswani.a["href"] == "../papers/vaswani2017attention/"
    assert not (built_site / "authors" / "ashish-vaswani").exists()
    paper = soup(built_site, urls.paper_page("vaswani2017attention"))
    first = paper.select_one(".cs-authors a.cs-author")
    assert (first.get_text(), first["href"]) == ("Ashish Vaswani", "../../authors/#author-ashish-vaswani")
    assert paper.select(".cs-authors a.cs-author")[6].get_text() == "Łukasz Kaiser"
    olsson = soup(built_site, urls.paper_page("olsson2022context")).select_one(".cs-authors").get_text(" ", strip=True)
    assert olsson.endswith("Anna Chen , and others")  # "and others" is not a person
