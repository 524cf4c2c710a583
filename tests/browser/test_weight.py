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

OVER: dict[str, str] = {}  # kind -> what it weighs and of what (every page kind fits since 2026-12-02)
KINDS = ["home", "syllabus", "schedule", "assignments", "assignment", "readings", "paper", "talks", "talk", "episodes",
         "episode", "presentations", "notebooks", "session without a notebook", NOTEBOOK_KIND]
# (bench/pages.py also knows "past terms", a page of a course with an archive: the default course has none.)


@pytest.fixture(scope="module")
def weights(real_site, browser):
    return weigh(real_site, browser)


@pytest.mark.parametrize("kind", [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=OVER[k])) if k in OVER else k
                                  for k in KINDS])
def test_first_visit_fits_the_budget(weights, kind):
    assert kind in weights, f"the default course has no {kind} page: bench/pages.py finds the kinds"
    path, sizes = weights[kind]
    total = sum(sizes.values())
    detail = ", ".join(f"{name} {size / 1e3:.0f} kB" for name, size in sorted(sizes.items()))
    assert total <= budget(kind), f"/{path}: {total / 1e3:.0f} kB > {budget(kind) / 1e3:.0f} kB ({detail})"


def test_a_first_visit_fetches_no_search_index(weights):
    assert BUDGET < NOTEBOOK_BUDGET and NOTEBOOK_KIND in weights
    for kind, (path, sizes) in weights.items():
        assert "search index" not in sizes, f"/{path} ({kind}) fetched the search index before anyone searched"
