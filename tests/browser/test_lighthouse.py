"""Lighthouse on every page kind in mobile emulation, the site served gzip-compressed (issue 16):
accessibility, best practices and SEO 100, performance at least 95.  Lighthouse comes from npm, pinned in
tools/lighthouse/package-lock.json (make test installs it)."""

from __future__ import annotations

import sys

import pytest

from browser.chromium import CHROMIUM, ROOT, require_chromium
from prerequisites import require

sys.path.insert(0, str(ROOT))
from bench import lighthouse  # noqa: E402
from bench.pages import NOTEBOOK_KIND, heaviest_page, page_kinds, serve_gzip  # noqa: E402

# quiet: make test runs these alone, after the rest (the scores are timings: a busy second core moved them)
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.quiet, pytest.mark.xdist_group("site")]

KINDS = ["home", "syllabus", "schedule", "assignments", "assignment", "readings", "paper", "talks", "talk", "episodes",
         "episode", "presentations", "notebooks", "session without a notebook", NOTEBOOK_KIND]
# (bench/pages.py also knows "past terms", a page of a course with an archive: the default course has none.)


@pytest.fixture(scope="module")
def gzip_url(real_site):
    require_chromium()
    require(lighthouse.install(), "Lighthouse (npm)", "npm ci --prefix tools/lighthouse, which make test runs")
    with serve_gzip(real_site) as url:
        yield url


_AUDITS: dict[str, dict] = {}


def _audit(real_site, gzip_url, kind) -> tuple[str, dict]:
    """One Lighthouse run per page kind, shared by the tests below."""
    kinds = page_kinds(real_site)
    assert kind in kinds, f"the default course has no {kind} page: bench/pages.py finds the kinds"
    path = heaviest_page(real_site, kinds[kind])
    if kind not in _AUDITS:
        _AUDITS[kind] = lighthouse.audit(gzip_url + path, chrome=CHROMIUM)
    return path, _AUDITS[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_accessibility_best_practices_and_seo_are_100(real_site, gzip_url, kind):
    path, result = _audit(real_site, gzip_url, kind)
    short = [s for s in lighthouse.short_of(result) if not s.startswith("performance")]
    assert not short, f"/{path}: {short} (audits under 0.9: {result['failing']})"


# Measured 2026-12-02, the machine quiet: 98-100 on every page kind, the heaviest notebook session 98 (it was 84-87
# before its start-up lost Material's palette component and instant loading, and its cells with headings were laid
# out on arrival). Lighthouse's own advice for a noisy machine is the median of several runs: a kind that misses
# the goal is measured twice more and judged on the median of its three runs (a loaded CI worker moves blocking
# time by a hundred ms or more).
@pytest.mark.parametrize("kind", KINDS)
def test_performance_is_at_least_95(real_site, gzip_url, kind):
    path, result = _audit(real_site, gzip_url, kind)
    goal = lighthouse.GOALS["performance"]
    runs = [result]
    if result["scores"]["performance"] < goal:
        runs += [lighthouse.audit(gzip_url + path, chrome=CHROMIUM) for _ in range(2)]
    median = sorted(runs, key=lambda run: run["scores"]["performance"])[len(runs) // 2]
    score = median["scores"]["performance"]
    assert score >= goal, (f"/{path}: performance {score}, the median of {[run['scores']['performance'] for run in runs]} "
                           f"({median['metrics']}; {median['failing']})")
