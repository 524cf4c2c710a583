"""The readings page in Chromium: its two views (the entries of the by-session view's collapsed groups loaded
from their files when one opens or the filters are set, the by-topic view's when it is shown), its filters (topic, years, type, text) by mouse and by keyboard, from a file on disk (no server),
and its height on a phone."""

from __future__ import annotations

import re

import pytest

from browser.chromium import ROOT, screenshot
from course.data.load import load_course_data
from course.ground.layout import Layout
from course.render.readings import topic_groups

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

# The page's height on a 390 px phone before this view existed (every paper under each of its topics),
# measured in this Chromium: the page must stay within a third of it.
PHONE_HEIGHT_BEFORE = 35_452


@pytest.fixture(scope="module")
def bib():
    return load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False).bibliography


LOADED = ("!document.querySelector('.cs-group[aria-busy]') && [...document.querySelectorAll("
          "'.cs-view:not([hidden]) a.cs-group-file')].every(a => a.hidden || a.dataset.csFailed)")


def shown(page) -> set[str]:
    """The papers (slugs) a reader sees in the current view, once it has loaded its groups' files."""
    page.wait_for_function(LOADED)
    return set(page.eval_on_selector_all(".cs-view:not([hidden]) .cs-entry", "els => els.filter(e => e.checkVisibility())"
                                         ".map(e => e.dataset.key)"))


def status(page) -> str:
    return page.locator(".cs-filter-status").inner_text()


def slugs(bib, keep) -> set[str]:
    return {p.slug for p in bib.papers.values() if keep(p)}


def files_entries(page, view: str) -> dict[str, list[str]]:
    """The papers (slugs) of the files that ``view``'s groups link, by group, as the server has them."""
    links = page.locator(f"#{view} a.cs-group-file").evaluate_all("els => els.map(a => [a.closest('.cs-group').id, a.href])")
    found: dict[str, list[str]] = {}
    for group, href in links:
        found.setdefault(group, []).extend(re.findall(r'<li class="cs-entry" data-key="([^"]+)"', page.request.get(href).text()))
    return found


def test_by_session_is_the_first_view_in_course_order(watched):
    page = watched.page
    watched.goto("readings/")
    assert page.locator("#by-session").is_visible() and not page.locator("#by-topic").is_visible()
    groups = page.locator("#by-session details.cs-group")
    first = groups.first
    assert first.get_attribute("id") == "session-introduction"
    assert first.locator(".cs-label").all_inner_texts() == ["REQUIRED", "FURTHER READING"]  # text-transform
    assert first.locator(".cs-entry").first.is_visible()
    closed = page.locator("#" + page.locator("#by-session details.cs-group:not([open])").first.get_attribute("id"))
    entry = closed.locator(".cs-entry").first
    assert not entry.is_visible()
    assert closed.get_attribute("data-loads") == "open" and closed.locator(".cs-entry").count() == 0  # not fetched yet
    closed.locator("summary").focus()
    page.keyboard.press("Enter")  # a long group opens by keyboard, and its entries come from its file
    entry.wait_for(state="visible")
    assert closed.locator("a.cs-group-file").is_hidden()
    page.locator(".cs-view-link[data-view='by-topic']").focus()
    page.keyboard.press("Enter")
    assert page.locator("#by-topic").is_visible() and not page.locator("#by-session").is_visible()
    assert page.locator(".cs-view-link[data-view='by-topic']").get_attribute("aria-current") == "true"
    screenshot(page, "readings-by-topic")


def test_topic_filter(watched, bib):
    page = watched.page
    watched.goto("readings/")
    page.select_option("select[name=topic]", "circuits")
    circuits = next(t for t in bib.topics if t.slug == "circuits")
    assert shown(page) == {bib[k].slug for k in circuits.keys}
    assert status(page) == f"Showing {len(circuits.keys)} of {len(bib.papers)} papers."
    page.locator(".cs-view-link[data-view='by-topic']").click()  # the same papers in the other view
    assert shown(page) == {bib[k].slug for k in circuits.keys}
    page.locator(".cs-filter-clear").click()
    page.wait_for_function("document.querySelector('.cs-filter-status').textContent === ''")
    assert page.locator("#by-topic details.cs-group[open]").count() < page.locator("#by-topic details.cs-group").count()


def test_show_all_of_a_topic_group_made_by_the_script_filters_by_its_topic(watched, bib):
    page = watched.page
    watched.goto("readings/#by-topic")
    circuits = next(t for t in bib.topics if t.slug == "circuits")
    assert page.locator(".cs-show-topic").count() == len(bib.topics)  # one for each topic's group
    group = page.locator("#topic-circuits")
    group.evaluate("g => { g.open = true; }")
    button = group.locator(".cs-topic-meta .cs-show-topic")
    assert button.inner_text() == f"Show all {len(circuits.keys)}"
    button.click()
    assert page.input_value("select[name=topic]") == "circuits"
    assert shown(page) == {bib[k].slug for k in circuits.keys}


def test_topic_chip_of_an_entry_and_a_paper_page_link_filter_by_topic(watched, bib):
    page = watched.page
    watched.goto("readings/")
    page.locator("#by-session .cs-entry:visible .cs-topic[href$='#topic-safety']").first.click()
    assert page.input_value("select[name=topic]") == "safety"
    assert shown(page) == {bib[k].slug for k in next(t for t in bib.topics if t.slug == "safety").keys}
    watched.goto("papers/olsson2022context/")
    page.locator(".cs-paper-topic", has_text="Induction heads").click()
    page.wait_for_url("**/readings/#topic-induction-heads")
    page.wait_for_function("document.querySelector('select[name=topic]').value === 'induction-heads'")
    assert page.locator("#by-topic").is_visible()
    assert shown(page) == {bib[k].slug for k in next(t for t in bib.topics if t.slug == "induction-heads").keys}


def test_year_range_filter_by_keyboard(watched, bib):
    page = watched.page
    watched.goto("readings/")
    page.locator("input[name=from]").focus()
    page.keyboard.type("2020")
    page.keyboard.press("Tab")  # to the "to" year
    page.keyboard.type("2021")
    expected = slugs(bib, lambda p: p.year.isdigit() and 2020 <= int(p.year) <= 2021)
    assert 5 < len(expected) < len(bib.papers)
    assert shown(page) == expected
    assert status(page) == f"Showing {len(expected)} of {len(bib.papers)} papers."


def test_type_filter_by_keyboard(watched, bib):
    page = watched.page
    watched.goto("readings/")
    page.locator("select[name=type]").focus()
    options = page.eval_on_selector_all("select[name=type] option", "os => os.map(o => o.value)")
    assert options[0] == "" and options[1:] == sorted({p.type_label for p in bib.papers.values()})
    page.keyboard.press("ArrowDown")  # the first type
    chosen = page.input_value("select[name=type]")
    assert chosen == options[1]
    assert shown(page) == slugs(bib, lambda p: p.type_label == chosen)
    page.select_option("select[name=type]", "Conference paper")
    assert shown(page) == slugs(bib, lambda p: p.type_label == "Conference paper")


def test_text_filter_finds_authors_beyond_the_third_and_titles(watched, bib):
    page = watched.page
    watched.goto("readings/")
    page.locator("input[name=q]").focus()
    page.keyboard.type("Polosukhin")  # the eighth author of "Attention Is All You Need"
    assert shown(page) == {"vaswani2017attention"}
    page.fill("input[name=q]", "Grokking")  # in titles, and the topic "Grokking" of others
    expected = slugs(bib, lambda p: "grokking" in p.title.lower() or "grokking" in p.topic_slugs.split())
    assert len(expected) > 1 and shown(page) == expected
    page.fill("input[name=q]", "no paper has this text")
    assert shown(page) == set() and status(page) == f"Showing 0 of {len(bib.papers)} papers."
    assert page.locator(".cs-view:not([hidden]) details.cs-group:visible").count() == 0  # empty groups go


def test_by_topic_the_entries_load_from_the_groups_files_with_one_coins_per_paper(watched, bib):
    page = watched.page
    watched.goto("readings/#by-topic")
    page.wait_for_function(LOADED)
    view = page.locator("#by-topic")
    assert view.locator(".cs-entry--ref, a.cs-group-file:visible").count() == 0  # every group's files loaded
    keys = view.locator(".cs-entry").evaluate_all("els => els.map(e => e.dataset.key)")
    assert sorted(keys) == sorted(p.slug for p in bib.papers.values())
    entry = view.locator('.cs-entry[data-key="vaswani2017attention"]')
    entry.evaluate("e => { e.closest('details').open = true; }")
    assert entry.locator(".cs-topic").all_inner_texts() == ["Attention", "Transformers", "Architectures"]
    assert entry.locator(".cs-entry-authors").inner_text() == "Ashish Vaswani, Noam Shazeer, Niki Parmar, et al."
    assert view.locator(".Z3988").count() == 0
    in_page = page.locator("#by-session .cs-entry:not(.cs-entry--ref)").count()
    assert 0 < in_page < len(bib.papers) and page.locator("#by-session .Z3988").count() == in_page  # each once
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    entry.locator(".cs-topic", has_text="Transformers").click()  # the chips of a copy filter too
    assert shown(page) == {bib[k].slug for k in next(t for t in bib.topics if t.slug == "transformers").keys}


def test_the_by_topic_view_loads_its_groups_files_when_shown_and_the_filters_work_in_it(watched, bib):
    page = watched.page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    watched.goto("readings/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "/readings/list-" in url]  # a first visit loads none of them
    page.fill("input[name=from]", "2022")
    page.locator(".cs-view-link[data-view='by-topic']").click()
    assert shown(page) == slugs(bib, lambda p: p.year.isdigit() and int(p.year) >= 2022)
    files = {url.rsplit("/", 1)[1] for url in requested if "/readings/list-" in url}
    closed = page.locator("#by-session details.cs-group[data-loads=open]").evaluate_all("gs => gs.map(g => g.id)")
    # the by-session view's collapsed groups, for the filter set there first, and then every topic's
    assert closed and files == {f"list-{g.id}-1.html" for g in topic_groups(bib) if g.size} | {f"list-{g}-1.html" for g in closed}
    assert page.locator("#by-topic .cs-entry").count() == len(bib.papers)
    page.fill("input[name=from]", "")
    page.select_option("select[name=type]", "Conference paper")
    assert shown(page) == slugs(bib, lambda p: p.type_label == "Conference paper")
    page.fill("input[name=q]", "Polosukhin")  # an author the entry does not show
    assert shown(page) == {"vaswani2017attention"}
    assert status(page) == f"Showing 1 of {len(bib.papers)} papers."
    page.locator(".cs-filter-clear").click()
    page.select_option("select[name=topic]", "circuits")
    assert shown(page) == {bib[k].slug for k in next(t for t in bib.topics if t.slug == "circuits").keys}


def test_without_javascript_each_topic_links_the_pages_of_its_papers(browser, base_url, bib):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "readings/")
        assert page.locator("#by-topic").is_visible() and page.locator("#by-session").is_visible()
        files = page.locator("#by-topic a.cs-group-file").evaluate_all("els => els.map(a => [a.closest('.cs-group').id, a.href])")
        assert {group for group, _ in files} == {t for t in page.locator("#by-topic .cs-group").evaluate_all(
            "gs => gs.filter(g => +g.querySelector('.cs-count').textContent > 0).map(g => g.id)")}
        lines = []
        for group, href in files:  # each group's list is a page of its own, its entries linked to the papers' pages
            page.goto(href)
            lines += [[group, key, title] for key, title in page.locator(".cs-entry").evaluate_all(
                "els => els.map(e => [e.dataset.key, e.querySelector('a.cs-entry-title').href])")]
        assert sorted(key for _, key, _ in lines) == sorted(p.slug for p in bib.papers.values())
        assert all(href == f"{base_url}papers/{key}/" for _, key, href in lines)
        olsson = next(group for group, key, _ in lines if key == "olsson2022context")
        assert olsson == "topic-induction-heads"  # under its most specific topic
        page.goto(base_url + "readings/")  # the by-session view: its open groups' entries, its collapsed groups' files
        in_page = page.locator("#by-session .cs-entry:not(.cs-entry--ref)").evaluate_all("els => els.map(e => e.dataset.key)")
        in_files = [key for keys in files_entries(page, "by-session").values() for key in keys]
        assert sorted(in_page + in_files) == sorted(p.slug for p in bib.papers.values())
    finally:
        context.close()


def test_filters_work_from_a_file_without_a_server(browser, real_site, bib):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto((real_site / "readings" / "index.html").as_uri())
        page.select_option("select[name=topic]", "grokking")
        grokking = {bib[k].slug for k in next(t for t in bib.topics if t.slug == "grokking").keys}
        # The entries in the page are filtered; a collapsed group's file cannot load from a file: it shows its link
        in_page = set(page.locator("#by-session .cs-entry").evaluate_all("els => els.map(e => e.dataset.key)"))
        assert shown(page) == grokking & in_page and grokking - in_page
        assert status(page) == "Opened as a file, the page cannot load this view's lists: each opens from its link."
        assert page.locator("#by-session details.cs-group:has(a.cs-group-file[data-cs-failed]):visible").count() > 0
        # No fetch from a file: a copy button opens the paper's .bib instead.
        button = page.locator(".cs-view:not([hidden]) button.cs-copy:visible").first
        url = button.get_attribute("data-copy-url")
        button.click()
        page.wait_for_url((real_site / "readings" / url).resolve().as_uri())
        assert page.locator("body").inner_text().startswith("@")
        # No fetch of the by-topic view's lists either: each topic shows its group, whatever the filters, with
        # the link to its list, a page of its own.
        page.goto((real_site / "readings" / "index.html").as_uri())
        page.select_option("select[name=topic]", "grokking")
        page.locator(".cs-view-link[data-view='by-topic']").click()
        page.wait_for_function(LOADED)
        assert status(page) == "Opened as a file, the page cannot load this view's lists: each opens from its link."
        assert page.locator("#by-topic .cs-entry").count() == 0
        visible = page.locator("#by-topic details.cs-group:visible").evaluate_all("gs => gs.map(g => g.id)")
        assert visible == [g.id for g in topic_groups(bib) if g.size]
        link = page.locator("#topic-grokking a.cs-group-file")
        page.locator("#topic-grokking").evaluate("g => { g.open = true; }")
        link.click()
        page.wait_for_url("**/readings/list-topic-grokking-1.html")
        grokking = next(g for g in topic_groups(bib) if g.id == "topic-grokking")
        assert page.locator(".cs-entry").evaluate_all("els => els.map(e => e.dataset.key)") == [
            bib[item.key].slug for _, items in grokking.parts for item in items]
    finally:
        context.close()


def test_on_a_phone_the_page_is_a_third_of_its_old_height_with_every_paper_reachable(browser, base_url, bib):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(base_url + "readings/")
        page.wait_for_load_state("networkidle")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= PHONE_HEIGHT_BEFORE / 3, height
        view = page.locator(".cs-view:not([hidden])")
        keys = view.locator(".cs-entry:not(.cs-entry--ref)").evaluate_all("els => els.map(e => e.dataset.key)")
        keys += [key for keys in files_entries(page, "by-session").values() for key in keys]
        assert sorted(keys) == sorted(p.slug for p in bib.papers.values())  # each one a click on its group away
        assert page.locator("select[name=topic]").is_visible() and page.locator("input[name=q]").is_visible()
        screenshot(page, "readings-phone")
    finally:
        context.close()


def test_year_and_type_links_of_a_paper_page_filter_the_readings(watched, bib):
    page = watched.page
    watched.goto("papers/vaswani2017attention/")
    page.locator(".cs-paper-year a").click()
    page.wait_for_url("**/readings/?year=2017")
    page.wait_for_function("document.querySelector('input[name=to]').value === '2017'")
    assert shown(page) == slugs(bib, lambda p: p.year == "2017")
    watched.goto("papers/vaswani2017attention/")
    page.locator(".cs-paper-type a").click()
    page.wait_for_url("**/readings/?type=conference-paper")
    page.wait_for_function("document.querySelector('select[name=type]').value === 'Conference paper'")
    assert shown(page) == slugs(bib, lambda p: p.type_label == "Conference paper")


def test_opening_every_collapsed_group_brings_each_papers_entry_and_coins_once(watched, bib):
    page = watched.page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    watched.goto("readings/")
    closed = page.locator("#by-session details.cs-group[data-loads=open]")
    assert closed.count() > 0 and not [url for url in requested if "/readings/list-" in url]
    closed.evaluate_all("gs => gs.forEach(g => { g.open = true; })")
    page.wait_for_function(LOADED)
    files = {url.rsplit("/", 1)[1] for url in requested if "/readings/list-" in url}
    assert files == {f"list-{g}-1.html" for g in closed.evaluate_all("gs => gs.map(g => g.id)")}  # no topic's
    keys = page.locator("#by-session .cs-entry:not(.cs-entry--ref)").evaluate_all("els => els.map(e => e.dataset.key)")
    assert sorted(keys) == sorted(p.slug for p in bib.papers.values())
    assert page.locator(".Z3988").count() == len(bib.papers)  # Zotero finds each paper once
    assert page.locator("#by-session button.cs-copy").count() >= len(bib.papers)  # course.js: the loaded ones' too


def test_the_page_does_not_move_as_its_scripts_arrive(browser, base_url):
    """The filters show from the first paint (an inline script), not when readings.js comes: no layout shift
    (Lighthouse's CLS, 0.105 before)."""
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    page.add_init_script("""window.__shifts = [];
        new PerformanceObserver(list => list.getEntries().forEach(e => { if (!e.hadRecentInput) window.__shifts.push(e.value); }))
            .observe({type: "layout-shift", buffered: true});""")
    page.goto(base_url + "readings/")
    page.wait_for_load_state("networkidle")
    page.locator(".cs-readings-filter select[name=topic]").wait_for()
    page.wait_for_function("document.querySelector('.cs-readings-filter').dataset.csBound === '1'")
    assert page.evaluate("window.__shifts.reduce((a, b) => a + b, 0)") < 0.01
    context.close()
