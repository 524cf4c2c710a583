"""What students do on the site, in Chromium: navigate, search, find the next session, switch to dark
mode, copy a BibTeX entry, read an executed notebook."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from browser.chromium import screenshot, watch

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

PAPER_TITLE = "Attention Is All You Need"
PAPER_PAGE = "papers/vaswani2017attention/"


def _h1(page) -> str:
    return page.locator("h1").first.inner_text().rstrip("\u00b6").strip()  # without the permalink mark


def test_tabs_sessions_and_pager_navigate_and_page_scripts_rerun(watched, base_url):
    page = watched.page
    watched.goto("")
    page.locator(".md-tabs__link", has_text="Schedule").first.click()
    page.wait_for_url(re.compile(r"/schedule/$"))
    assert _h1(page) == "Schedule"
    # course.js marks the next session on the page the click loaded
    page.locator(".cs-session.cs-next").first.wait_for()
    first = page.locator(".cs-session-title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/schedule/[\w-]+/$"))
    assert _h1(page) in title
    page.locator(".cs-pager-next").click()
    page.wait_for_url(re.compile(r"/schedule/[\w-]+/$"))
    assert page.locator(".cs-pager-prev").count() == 1


def test_typing_a_paper_title_in_search_finds_its_page(watched):
    page = watched.page
    watched.goto("")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(PAPER_TITLE, delay=20)
    result = page.locator(f".md-search-result__link[href*='{PAPER_PAGE}']").first
    result.wait_for(timeout=15_000)
    screenshot(page, "search")
    result.click()
    page.wait_for_url(re.compile(re.escape(PAPER_PAGE)))
    assert _h1(page) == PAPER_TITLE


def _sessions(page) -> list[dict]:
    return page.eval_on_selector_all(".cs-session", """els => els.map(e => ({id: e.id, start: e.dataset.start,
        end: e.dataset.end, cancelled: e.classList.contains('cs-session--cancelled'), next: e.classList.contains('cs-next')}))""")


def test_next_session_marker_before_the_term_is_the_first_session(watched):
    watched.goto("schedule/")
    sessions = _sessions(watched.page)
    assert dt.datetime.fromisoformat(sessions[0]["start"]) > dt.datetime.now(dt.timezone.utc), "the term has begun: update this test"
    marked = [s["id"] for s in sessions if s["next"]]
    assert marked == [next(s["id"] for s in sessions if not s["cancelled"])]
    watched.goto("")
    visible = watched.page.locator(".cs-upcoming-item:visible")
    assert visible.count() == 1 and visible.first.get_attribute("class").split().count("cs-next") == 1


def test_next_session_marker_follows_the_clock_in_mid_term(context, base_url, pages):
    from browser.chromium import watch

    watched = watch(context, base_url)
    page = watched.page
    watched.goto("schedule/")
    sessions = [s for s in _sessions(page) if not s["cancelled"]]
    before, target, after = sessions[9], sessions[10], sessions[11]
    # an hour after session 10 ended, session 11 is next: on the schedule, on its page and on the home page
    now = dt.datetime.fromisoformat(before["end"]) + dt.timedelta(hours=1)
    page.clock.set_fixed_time(now)
    watched.goto("schedule/")
    assert [s["id"] for s in _sessions(page) if s["next"]] == [target["id"]]
    assert page.locator(f"#{before['id']}.cs-past").count() == 1
    assert page.locator(f"#{after['id']}.cs-past").count() == 0
    screenshot(page, "schedule-mid-term")
    watched.goto(f"schedule/{target['id']}/")
    assert page.locator(".cs-session-head.cs-next").count() == 1
    watched.goto(f"schedule/{after['id']}/")
    assert page.locator(".cs-session-head.cs-next").count() == 0
    watched.goto("")
    assert page.locator(".cs-upcoming-item:visible a").first.get_attribute("href").rstrip("/").endswith(target["id"])
    watched.assert_clean()


def test_dark_mode_toggle_switches_and_is_remembered(watched):
    page = watched.page
    watched.goto("")
    scheme = lambda: page.get_attribute("body", "data-md-color-scheme")  # noqa: E731
    background = lambda: page.evaluate("getComputedStyle(document.body).backgroundColor")  # noqa: E731
    assert scheme() == "default"
    light = background()
    page.locator("form[data-cs-palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert background() != light
    screenshot(page, "home-dark")
    watched.goto("schedule/")
    assert scheme() == "slate"



def test_the_palette_is_the_systems_before_materials_script_runs_and_follows_it_until_the_reader_chooses(browser, base_url):
    """The palette toggle is the course's own (theme/partials/palette.html): applied while the header is read,
    so a dark system's reader sees no light page first, even with Material's bundle not run at all."""
    from browser.chromium import watch

    context = browser.new_context(viewport={"width": 390, "height": 800}, color_scheme="dark")
    page = context.new_page()
    page.route(re.compile(r"/assets/javascripts/bundle\.[^/]*\.js$"), lambda route: route.abort())
    page.goto(base_url)
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    assert page.locator("form[data-cs-palette] label:visible").get_attribute("title") == "Switch to light mode"
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    watched = watch(context, base_url)
    page = watched.page
    watched.goto("")
    scheme = lambda: page.get_attribute("body", "data-md-color-scheme")  # noqa: E731
    assert scheme() == "slate" and page.evaluate("getComputedStyle(document.documentElement).colorScheme") == "dark"
    page.emulate_media(color_scheme="light")  # nothing chosen yet: the page follows the system
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.locator("form[data-cs-palette] input:checked").focus()
    page.keyboard.press("Enter")  # the keyboard's way to the next palette
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert page.get_attribute("meta[name=theme-color]", "content") == header  # the phone's browser bar
    page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")  # transitions back on
    page.emulate_media(color_scheme="light")
    page.emulate_media(color_scheme="dark")  # chosen now: the system no longer decides
    page.wait_for_timeout(200)
    assert scheme() == "default"
    watched.goto("schedule/")
    assert scheme() == "default" and page.locator("form[data-cs-palette] label:visible").count() == 1
    page.locator("form[data-cs-palette] label:visible").click()  # dark here, then back to the page left light
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.go_back()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")  # the choice made since
    page.evaluate("localStorage.setItem(__md_scope.pathname + '.__palette', '{not json')")  # a saved value unread
    watched.goto("")
    assert scheme() == "slate" and page.locator("form[data-cs-palette] label:visible").count() == 1  # the system's
    watched.assert_clean()
    context.close()

def test_cards_and_code_boxes_turn_dark_in_dark_mode(watched):
    """Course colours are declared where Material sets its palette: on :root they kept light mode's values
    (a light BibTeX box with light text in dark mode)."""
    page = watched.page
    watched.goto(PAPER_PAGE)
    box = lambda: page.evaluate("getComputedStyle(document.querySelector('pre.cs-bibtex')).backgroundColor")  # noqa: E731
    light = box()
    page.locator("form[data-cs-palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    rgb = [int(x) for x in re.findall(r"\d+", box())[:3]]
    assert box() != light and sum(rgb) / 3 < 80, box()  # a dark box for the light text
    page.locator("form[data-cs-palette] label:visible").first.click()  # back to light for the other tests
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")


def test_copy_bibtex_button_puts_the_entry_on_the_clipboard(watched, context, base_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = watched.page
    watched.goto(PAPER_PAGE)
    button = page.locator("button[data-copy-target]", has_text="BibTeX").first
    assert button.is_visible(), "the Copy BibTeX button is hidden"
    button.click()
    text = page.evaluate("navigator.clipboard.readText()")
    assert "@inproceedings{vaswani2017attention," in text, text[:200]  # with the @string macros it uses
    assert "Attention Is All You Need" in text
    assert page.locator("button[data-copy-target]", has_text="Copied").count() == 1


# Without navigator.clipboard (an insecure origin, an older browser), course.js copies through a selected
# textarea and document.execCommand("copy"): record what that textarea holds when the command runs.
NO_CLIPBOARD_API = """
Object.defineProperty(Navigator.prototype, "clipboard", {get: () => undefined});
window.__copied = [];
const execCommand = document.execCommand.bind(document);
document.execCommand = (command, ...rest) => {
  const area = document.querySelector("body > textarea:last-of-type");
  window.__copied.push([command, area && area.value]);
  return execCommand(command, ...rest);
};
"""


def test_copy_button_of_a_reading_list_copies_the_papers_own_bibtex_file(watched, context, base_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = watched.page
    watched.goto("readings/#by-topic")
    button = page.locator("#by-topic button.cs-copy[data-copy-url]:visible").first  # in an entry readings.js loaded
    assert page.evaluate("typeof ClipboardItem") == "function"  # the write that waits for the fetch (Safari's way)
    url = button.get_attribute("data-copy-url")
    assert url.endswith(".bib")
    bibtex = page.evaluate("url => fetch(url).then(r => r.text())", url)
    button.click()
    page.wait_for_function("b => b.textContent === 'Copied'", arg=button.element_handle())
    assert page.evaluate("navigator.clipboard.readText()") == bibtex and bibtex.startswith("@")


def test_copy_buttons_in_reading_lists_fall_back_without_the_clipboard_api(watched, context):
    context.add_init_script(NO_CLIPBOARD_API)
    page = watched.page
    watched.goto("readings/")
    button = page.locator("button.cs-copy[data-copy-url]").first
    assert button.is_visible(), "the Copy BibTeX button of a reading list is hidden"
    entry = page.evaluate("url => fetch(url).then(r => r.text())", button.get_attribute("data-copy-url"))
    button.click()
    page.wait_for_function("window.__copied.length > 0")
    assert page.evaluate("window.__copied") == [["copy", entry]]
    assert entry.startswith("@") and button.inner_text() == "Copied"


EACH_ENTRYS_BUTTONS = ("els => els.map(e => [e.dataset.key, e.querySelector('a').href,"
                       " [...e.querySelectorAll('button.cs-copy')].map(b => b.getAttribute('data-copy-url'))])")


def test_course_js_gives_each_list_entry_one_copy_button_for_its_own_papers_bibtex(watched, context, base_url):
    """The lists ship no copy buttons (the readings page's views, an author's page): course.js makes one for each
    entry, those loaded later included, from the list's link to a .bib with * for the paper's slug."""
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = watched.page
    watched.goto("readings/")
    page.locator("#by-session details.cs-group").evaluate_all("gs => gs.forEach(g => { g.open = true; })")
    page.wait_for_function("!document.querySelector('#by-session a.cs-group-file:not([hidden])')")  # the collapsed ones' files
    page.locator(".cs-view-link[data-view='by-topic']").click()  # its entries load from its groups' files
    page.wait_for_function("document.querySelectorAll('#by-topic .cs-entry button.cs-copy').length"
                           " === document.querySelectorAll('#by-session .cs-entry:not(.cs-entry--ref)').length")
    entries = page.eval_on_selector_all(".cs-view .cs-entry:not(.cs-entry--ref)", EACH_ENTRYS_BUTTONS)
    assert len(entries) > 100 and len({key for key, _, _ in entries}) == len(entries) // 2  # in both views
    assert all(href == f"{base_url}papers/{key}/" and urls == [f"../papers/{key}/{key}.bib"] for key, href, urls in entries)
    button = page.locator('#by-topic .cs-entry[data-key="vaswani2017attention"] button.cs-copy')
    button.evaluate("b => { b.closest('details').open = true; }")
    button.click()
    page.wait_for_function("b => b.textContent === 'Copied'", arg=button.element_handle())
    text = page.evaluate("navigator.clipboard.readText()")
    assert text.startswith("@") and "{vaswani2017attention," in text and PAPER_TITLE in text
    watched.goto("authors/chris-olah/")
    entries = page.eval_on_selector_all(".cs-author-papers > .cs-entry", EACH_ENTRYS_BUTTONS)
    assert entries and all(href == f"{base_url}papers/{key}/" and urls == [f"../../papers/{key}/{key}.bib"]
                           for key, href, urls in entries)


def test_session_page_shows_its_executed_notebook(watched, pages):
    assert "session-notebook" in pages, "no session links a notebook that exists"
    watched.goto(pages["session-notebook"])
    page = watched.page
    assert page.locator("h2[id^=notebook-]").count() == 1
    notebook = page.locator(".course-notebook")
    assert notebook.count() == 1, "the lecture page has no embedded notebook"
    assert notebook.locator(".jp-OutputArea-output, .output_area").count() > 0, "the notebook has no outputs"
    download = notebook.locator("a[download]").first.get_attribute("href")
    assert download.endswith(".ipynb")
    # cells are laid out as they near the screen, but a heading the table of contents tracks is laid out at once
    # (reading its position would lay out its cell there and then: notebooks/slim.py)
    laid_out = "el => el.checkVisibility({contentVisibilityAuto: true})"
    headings = notebook.locator(".jp-Cell :is(h2, h3, h4)[id]")
    assert headings.count() > 2 and all(headings.nth(i).evaluate(laid_out) for i in range(headings.count()))
    assert not notebook.locator(".jp-CodeCell").last.evaluate(laid_out), "the last code cell was laid out on arrival"
    screenshot(page, "session-notebook-embedded")


def test_a_notebook_reads_on_a_phone_and_in_dark_mode(browser, base_url, pages):
    """At 390 px: figures fill the column (at least 350 px) and stay sharp (drawn at 2x), a tap opens one full
    size, code scrolls sideways instead of wrapping, the In/Out prompts are gone, nothing scrolls the page
    sideways; in dark mode the white plots are turned dark. Screenshots in both schemes."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        watched = watch(context, base_url)
        watched.goto(pages["session-notebook"])
        page = watched.page
        figure = page.locator(".course-notebook a.nb-figure img").first
        figure.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
        width = figure.bounding_box()["width"]
        assert width >= 350, f"a figure is {width:.0f} px wide on a 390 px phone"
        assert figure.evaluate("img => img.naturalWidth") >= 2 * width - 1, "not sharp on a 2x screen"
        assert figure.evaluate("img => img.closest('a').getAttribute('href') === img.getAttribute('src')")
        code = page.locator(".course-notebook .highlight-ipynb pre").first
        assert code.evaluate("el => [getComputedStyle(el).whiteSpace, getComputedStyle(el).overflowX]") == ["pre", "auto"]
        assert page.locator(".course-notebook .jp-InputPrompt").first.evaluate("el => getComputedStyle(el).display") == "none"
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"
        figure.screenshot(path=str(screenshot(page, "session-notebook-phone-light").with_name("notebook-figure-phone-light.png")))
        assert figure.evaluate("img => getComputedStyle(img).filter") == "none"
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")  # what the palette toggle sets
        assert "invert" in figure.evaluate("img => getComputedStyle(img).filter"), "a white plot on a dark page"
        figure.screenshot(path=str(screenshot(page, "session-notebook-phone-dark").with_name("notebook-figure-phone-dark.png")))
        watched.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("when, shown, past", [
    ("before", "hw1", []),  # before the first due date
    ("between", "project-proposal", ["hw1", "hw2"]),  # after hw2, before the proposal
    ("after", None, ["hw1", "hw2", "project-proposal", "hw3", "hw4", "project-report"]),  # after the last
])
def test_due_next_follows_the_readers_clock(context, base_url, pages, when, shown, past):
    from browser.chromium import watch

    watched = watch(context, base_url)
    page = watched.page
    watched.goto("assignments/")
    due = page.eval_on_selector_all(".cs-assignment", "els => els.map(e => [e.id, e.dataset.due])")
    times = {name: dt.datetime.fromisoformat(stamp) for name, stamp in due}
    now = {"before": times["hw1"] - dt.timedelta(days=3), "between": times["hw2"] + dt.timedelta(hours=1),
           "after": times["project-report"] + dt.timedelta(minutes=1)}[when]
    page.clock.set_fixed_time(now)
    watched.goto("")
    visible = page.locator(".cs-due-item:visible a")
    if shown is None:
        assert visible.count() == 0 and page.locator(".cs-all-done").is_visible()
    else:
        assert visible.count() == 1 and visible.first.get_attribute("href").rstrip("/").endswith(shown)
        assert not page.locator(".cs-all-done").is_visible()
    watched.goto("assignments/")
    order = page.eval_on_selector_all(".cs-assignment", "els => els.map(e => [e.id, e.classList.contains('cs-past')])")
    assert [name for name, is_past in order if is_past] == past
    assert [name for name, _ in order][-len(past):] == past if past else True  # past ones move to the end
    watched.assert_clean()


def test_the_schedule_offers_a_jump_to_this_week_and_a_compact_view(context, base_url, pages):
    from browser.chromium import watch

    watched = watch(context, base_url)
    page = watched.page
    page.clock.set_fixed_time(dt.datetime(2027, 3, 3, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=-7))))  # a Wednesday
    watched.goto("schedule/")
    jump = page.locator(".cs-jump-week")
    assert jump.is_visible()
    target = jump.get_attribute("href")
    monday = page.get_attribute(f"h2{target}", "data-monday")
    assert monday == "2027-03-01"  # the week of 3 March
    jump.click()
    page.wait_for_function(f"location.hash === '{target}'")
    summary = page.locator(".cs-session .cs-summary").first
    assert summary.is_visible()
    page.locator(".cs-compact-toggle").click()
    assert not summary.is_visible() and page.locator(".cs-compact-toggle").get_attribute("aria-pressed") == "true"
    watched.goto("schedule/")  # remembered
    assert not page.locator(".cs-session .cs-summary").first.is_visible()
    page.locator(".cs-compact-toggle").click()  # back, for the other tests
    assert page.locator(".cs-session .cs-summary").first.is_visible()
    watched.assert_clean()



SHIFTS = """window.__shifts = []; new PerformanceObserver(list => { for (const e of list.getEntries())
    window.__shifts.push([e.value, e.sources.map(s => s.node && s.node.nodeType === 1 ? s.node.className : '')]); })
    .observe({type: 'layout-shift', buffered: true});"""


def test_the_schedule_shows_its_tools_when_it_first_paints_and_without_javascript_not_at_all(browser, base_url):
    """What needs JavaScript is shown from the first paint on (html.js, theme/partials/javascripts/base.html), not
    pushed in when course.js runs (it moved the whole schedule down on a phone); without JavaScript it is not there."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True)
    page = context.new_page()
    page.add_init_script(SHIFTS)
    page.goto(base_url + "schedule/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert page.locator(".cs-compact-toggle").is_visible()
    moved = [sources for value, sources in page.evaluate("window.__shifts") if any("cs-" in name for name in sources)]
    assert not moved, f"the schedule moved as the page loaded: {moved}"
    context.close()
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "schedule/")
    assert page.locator(".cs-session").first.is_visible()
    assert not page.locator(".cs-compact-toggle").is_visible() and not page.locator(".md-header__button[for=__search]").is_visible()
    context.close()

def test_maths_comes_typeset_and_no_page_fetches_katexs_script(context, base_url, pages):
    """The build typesets the maths: a page with maths fetches KaTeX's stylesheet and fonts as the maths nears
    the screen, never its script, also on a page reached by a click."""
    from browser.chromium import watch

    watched = watch(context, base_url)
    page = watched.page
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    watched.goto("assignments/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in fetched if "katex" in url], "a page without maths fetched KaTeX"
    page.locator(".md-tabs__link", has_text="Schedule").first.click()  # then a page with maths
    page.wait_for_url(re.compile(r"/schedule/$"))
    page.locator("#transformers .cs-session-title a").click()
    page.wait_for_url(re.compile(r"/schedule/transformers/$"))
    maths = page.locator(".arithmatex .katex").first
    maths.scroll_into_view_if_needed()
    page.wait_for_function("""() => { const m = document.querySelector('.arithmatex .katex');
        return m && getComputedStyle(m).fontFamily.includes('KaTeX_Main'); }""", timeout=15_000)  # its stylesheet came
    assert maths.locator(".katex-html").is_visible() and "\\(" not in maths.inner_text()
    page.wait_for_load_state("networkidle")
    assert [url for url in fetched if url.endswith("katex.min.css")]
    assert not [url for url in fetched if url.endswith(".js") and "katex" in url], "the build typeset it: no KaTeX script"
    watched.assert_clean()


def test_before_katexs_stylesheet_comes_a_phones_page_does_not_scroll_sideways(browser, base_url):
    """Typeset maths arrives before its stylesheet (fetched as it nears the screen): a square root's 400em SVG,
    which that stylesheet clips, stays within the formula (the phone test once found a page 6,416 px wide)."""
    context = browser.new_context(viewport={"width": 375, "height": 667}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.route("**/katex.min.css", lambda route: route.abort())  # as if it had not come yet
    page.goto(base_url + "schedule/autodiff-optimization/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".arithmatex .katex .sqrt svg").count() > 0, "the page has a typeset square root"
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{widths[0]} px wide in a {widths[1]} px viewport"
    context.close()


def test_typeset_maths_comes_styled_and_is_laid_out_as_it_nears_the_screen(browser, base_url):
    """A page with maths has KaTeX's stylesheet with its others (the maths is laid out once, styled: no relayout of
    every formula when it comes); a block with maths far down is laid out only as it nears the screen; without
    JavaScript too."""
    far = "[...document.querySelectorAll('.md-typeset > *')].filter(e => e.querySelector('.katex')).at(-1)"
    for javascript in (True, False):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
        page = context.new_page()
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(base_url + "schedule/architectures/")
        page.wait_for_load_state("networkidle")
        assert [url for url in fetched if url.endswith("katex.min.css")], "the stylesheet comes with the page"
        assert page.evaluate("getComputedStyle(document.querySelector('.katex')).fontFamily").startswith("KaTeX_Main")
        maths = f"{far}.querySelector('.katex').checkVisibility({{contentVisibilityAuto: true}})"
        assert page.evaluate(f"{far}.getBoundingClientRect().top") > 3 * 900 and not page.evaluate(maths), "not laid out yet"
        page.evaluate(f"{far}.scrollIntoView()")
        page.wait_for_function(maths)
        context.close()


# What a first visit holds back until the reader acts (theme/partials/javascripts/base.html).
WORKER = re.compile(r"/assets/javascripts/workers/search\.[^/]*\.js$")
SITEMAP = re.compile(r"/sitemap\.xml$")
INDEX = re.compile(r"/search/search_index\.json$")


def _requests(watched) -> list:
    """Every request the watched page makes from now on (the search worker's script included)."""
    seen: list = []
    watched.page.context.on("request", lambda request: seen.append(request))
    return seen


def _fetched(seen, pattern) -> list[str]:
    return [r.url for r in seen if pattern.search(r.url.split("?")[0])]


def _first_visit(watched, path="") -> list:
    seen = _requests(watched)
    watched.goto(path)
    watched.page.wait_for_timeout(300)  # Material fetches the index and starts the worker after load
    watched.page.wait_for_load_state("networkidle")
    return seen


def test_a_first_visit_fetches_neither_the_search_worker_nor_the_sitemap_nor_the_index(watched):
    seen = _first_visit(watched)
    for name, pattern in (("search worker", WORKER), ("sitemap", SITEMAP), ("search index", INDEX)):
        assert not _fetched(seen, pattern), f"a first visit fetched the {name} before the reader did anything"


def test_opening_the_search_starts_its_worker_and_it_answers(watched):
    page = watched.page
    seen = _first_visit(watched)
    assert not _fetched(seen, WORKER)
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially("attention", delay=20)
    page.locator(f".md-search-result__link[href*='{PAPER_PAGE}']").first.wait_for(timeout=15_000)
    assert len(_fetched(seen, WORKER)) == 1 and len(_fetched(seen, INDEX)) == 1


def test_a_click_loads_the_next_page_whole_and_its_search_still_works(watched):
    """No instant navigation (mkdocs.yml says why): a click loads the page, once, with one history entry, and
    the search on the new page holds back its index and worker until it is opened, as on the first."""
    page = watched.page
    seen = _first_visit(watched)
    entries = page.evaluate("history.length")
    page.locator(".md-tabs__link", has_text="Schedule").first.click()
    page.wait_for_url(re.compile(r"/schedule/$"))
    page.locator(".cs-session.cs-next").first.wait_for()
    assert _h1(page) == "Schedule" and page.evaluate("history.length") == entries + 1
    assert [r.resource_type for r in seen if r.url.endswith("/schedule/")] == ["document"]
    page.wait_for_load_state("networkidle")
    assert not _fetched(seen, WORKER) and not _fetched(seen, INDEX)
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially("attention", delay=20)
    page.locator(f".md-search-result__link[href*='{PAPER_PAGE}']").first.wait_for(timeout=15_000)
    assert len(_fetched(seen, WORKER)) == 1 and len(_fetched(seen, INDEX)) == 1


def test_a_page_opened_with_a_query_searches_at_once(watched):
    page = watched.page
    seen = _first_visit(watched, "?q=attention")  # nothing pressed or clicked: the index and the worker come at once
    page.locator(f".md-search-result__link[href*='{PAPER_PAGE}']").first.wait_for(timeout=15_000)
    assert len(_fetched(seen, WORKER)) == 1 and len(_fetched(seen, INDEX)) == 1
