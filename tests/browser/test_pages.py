"""Every main page kind in Chromium: loads from the local server alone, without errors, readable on a
phone, and accessible (axe-core: no serious or critical violation).  Screenshots go to test-artifacts/."""

from __future__ import annotations

import json

import pytest

from browser.chromium import ARTIFACTS, screenshot, watch

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

KINDS = ["home", "schedule", "session-notebook", "session-deck", "deck", "notebooks", "talk", "episode", "paper", "readings", "signup"]
PHONE = {"width": 375, "height": 740}


def _path(pages, kind):
    assert kind in pages, f"the built site has no page of kind {kind!r}"
    return pages[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_page_loads_cleanly_and_is_saved(watched, pages, kind):
    watched.goto(_path(pages, kind))
    page = watched.page
    assert page.locator("h1").first.is_visible()
    assert page.title().strip()
    screenshot(page, f"{kind}-desktop")


@pytest.mark.parametrize("kind", KINDS)
def test_phone_viewport_has_no_horizontal_scrolling(browser, base_url, pages, kind):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        watched = watch(context, base_url)
        watched.goto(_path(pages, kind))
        page = watched.page
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"{kind}: content {widths[0]}px wide in a {widths[1]}px viewport: {_overflowing(page)}"
        screenshot(page, f"{kind}-phone")
        watched.assert_clean()
    finally:
        context.close()


def _overflowing(page) -> list[str]:
    """The elements that stick out of the viewport, to say what to fix."""
    return page.evaluate("""() => {
        const w = document.documentElement.clientWidth, out = [];
        for (const el of document.querySelectorAll('.md-content *')) {
            const r = el.getBoundingClientRect();
            if (r.right > w + 1 && getComputedStyle(el).position !== 'fixed') out.push(el.tagName + '.' + el.className);
        }
        return out.slice(0, 10);
    }""")


@pytest.mark.parametrize("kind", KINDS)
def test_no_serious_accessibility_violations(watched, pages, kind):
    from axe_playwright_python.sync_playwright import Axe

    watched.goto(_path(pages, kind))
    results = Axe().run(watched.page)
    violations = results.response["violations"]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{kind}.json").write_text(json.dumps(violations, indent=1), encoding="utf-8")
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
               for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)
