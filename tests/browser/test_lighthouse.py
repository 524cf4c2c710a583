"""Lighthouse on every page kind in mobile emulation, the site served gzip-compressed (issue 16):
performance at least 95, accessibility, best practices and SEO 100.  Lighthouse comes from npm, pinned
in tools/lighthouse/package-lock.json (make test installs it)."""

from __future__ import annotations

import sys

import pytest

from browser.chromium import CHROMIUM, ROOT, require_chromium
from prerequisites import require

sys.path.insert(0, str(ROOT))
from bench import lighthouse  # noqa: E402
from bench.pages import NOTEBOOK_KIND, heaviest_page, page_kinds, serve_gzip  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("site")]

KINDS = ["home", "syllabus", "schedule", "assignments", "assignment", "readings", "paper", "talks", "talk", "episodes",
         "episode", "presentations", "notebooks", "session without a notebook", NOTEBOOK_KIND, "past terms"]


@pytest.fixture(scope="module")
def gzip_url(real_site):
    require_chromium()
    require(lighthouse.install(), "Lighthouse (npm)", "npm ci --prefix tools/lighthouse, which make test runs")
    with serve_gzip(real_site) as url:
        yield url


@pytest.mark.parametrize("kind", KINDS)
def test_lighthouse_scores_meet_the_goals(real_site, gzip_url, kind):
    kinds = page_kinds(real_site)
    if kind not in kinds:
        pytest.skip(f"the default course has no {kind} page")
    path = heaviest_page(real_site, kinds[kind])
    result = lighthouse.audit(gzip_url + path, chrome=CHROMIUM)
    assert not lighthouse.short_of(result), f"/{path}: {lighthouse.short_of(result)} ({result['metrics']}; {result['failing']})"
