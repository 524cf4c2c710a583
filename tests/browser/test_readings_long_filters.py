"""A long readings list in Chromium: a group loads its entries when it opens and the next file on a click, and the
filters read every paper's words before loading the groups that have papers to show."""

from __future__ import annotations

import pytest

from browser.chromium import build_site, copy_project, serve, watch
from course.data.load import load_course_data
from course.ground.layout import Layout
from course.render import readings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def long_site(tmp_path_factory):
    """The default course (no notebooks) built as if its list were long: on demand above 10 papers, five a file."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readings, "ON_DEMAND_ABOVE", 10)
        patch.setattr(readings, "PART", 5)
        project = copy_project(tmp_path_factory.mktemp("long") / "course")
        site = build_site(project)
    bib = load_course_data(Layout.from_mkdocs_yml(project), check_notebooks=False).bibliography
    with serve(site) as url:
        yield url, bib


@pytest.fixture
def long_page(browser, long_site):
    url, bib = long_site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = watch(context, url)
    watched.goto("readings/")
    yield watched.page, bib
    watched.assert_clean()
    context.close()


def shown(page) -> list[str]:
    """The papers (slugs) a reader sees in the current view, once the groups have loaded (aria-busy)."""
    page.wait_for_function("!document.querySelector('.cs-group[aria-busy]')")
    return page.eval_on_selector_all(".cs-view:not([hidden]) .cs-entry", "els => els.filter(e => e.checkVisibility()).map(e => e.dataset.key)")


def test_a_group_loads_its_entries_when_it_opens_and_the_next_file_on_a_click(long_page):
    page, _ = long_page
    assert page.locator(".cs-entry").count() == 0
    group = page.locator("#session--none")
    group.locator("summary").click()
    page.wait_for_selector("#session--none .cs-entry")
    assert group.locator(".cs-entry").count() == 5
    assert group.locator("button.cs-copy").first.is_visible()  # course.js binds the copy buttons of loaded entries
    group.locator("a.cs-group-file:visible").first.click()
    page.wait_for_function("document.querySelectorAll('#session--none .cs-entry').length === 10")
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))


def filter_by_topic(page, bib, slug: str) -> set[str]:
    page.select_option("select[name=topic]", slug)
    page.wait_for_function("document.querySelector('.cs-filter-status').textContent.startsWith('Showing')")
    return {bib[k].slug for k in next(t for t in bib.topics if t.slug == slug).keys}


def test_the_topic_filter_shows_the_papers_of_the_topic_in_both_views(long_page):
    page, bib = long_page
    circuits = filter_by_topic(page, bib, "circuits")
    assert page.locator(".cs-filter-status").inner_text() == f"Showing {len(circuits)} of {len(bib.papers)} papers."
    assert set(shown(page)) == circuits
    page.locator(".cs-view-link[data-view='by-topic']").click()
    assert set(shown(page)) == circuits
    page.locator(".cs-filter-clear").click()
    page.wait_for_function("document.querySelector('.cs-filter-status').textContent === ''")
    assert page.locator("details.cs-group[open]").count() == 0


def test_a_filter_opens_ten_groups_and_counts_the_papers_of_the_others(long_page):
    page, bib = long_page
    papers = filter_by_topic(page, bib, "interpretability")
    assert page.locator(".cs-filter-status").inner_text() == f"Showing {len(papers)} of {len(bib.papers)} papers."
    view = page.locator("#by-session")
    counts = view.locator("details.cs-group:visible .cs-count").all_inner_texts()  # "2 of 5": every group with some
    assert len(counts) > 10 and all(0 < int(c.split(" of ")[0]) <= int(c.split(" of ")[1]) for c in counts)
    assert view.locator("details.cs-group[open]").count() == 10
    assert set(shown(page)) < papers
    closed = page.locator("#" + view.locator("details.cs-group:visible:not([open])").first.get_attribute("id"))
    wanted = int(closed.locator(".cs-count").inner_text().split(" of ")[0])
    closed.locator("summary").click()
    page.wait_for_function(f"document.querySelectorAll('#{closed.get_attribute('id')} .cs-entry').length > 0")
    shown(page)
    assert closed.locator(".cs-entry:visible").count() == wanted


def test_the_text_filter_finds_an_author_beyond_the_third(long_page):
    page, _ = long_page
    page.locator("input[name=q]").fill("Polosukhin")
    page.wait_for_function("document.querySelector('.cs-filter-status').textContent.startsWith('Showing 1 ')")
    assert set(shown(page)) == {"vaswani2017attention"}  # its entry, and a line where a session assigns it again
