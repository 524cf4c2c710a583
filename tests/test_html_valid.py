"""Every page of the built site is valid HTML by the Nu Html Checker (vnu.jar, the W3C validator).

vnu.jar comes from npm (package.json: `npm ci`, which `make test` runs when node_modules is missing)
and runs on Java.  Only errors count (warnings are advice).  A few errors come from
mkdocs-material's own theme templates, not from ours; they are filtered one by one below, each
matched on its message *and* on markup that only the theme writes, so the same mistake in one of
our templates still fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import chromium as support
from browser.chromium import ROOT
from prerequisites import require

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]

THEME_ERRORS = [
    # base.html: <input class="md-toggle" type="checkbox" ... autocomplete="off"> for the drawer and the
    # search toggles. autocomplete is not allowed on checkboxes; Material sets it so Firefox does not
    # restore a toggled drawer after a reload.
    (r"Attribute “autocomplete” is only allowed when the input type is", r'<input class="md-toggle" data-md-toggle="(drawer|search)"'),
    # partials/nav-item.html: section labels get tabindex="" when navigation.sections is on
    # (`tabindex="{{ '0' if ... }}"` renders empty) - an empty tabindex, which browsers ignore.
    (r"Bad value “” for attribute “tabindex” on element “label”", r'<label class="md-nav__link[^"]*" for="__nav_[\d_]+" id="__nav_[\d_]+_label" tabin'),
    # partials/toc.html: <label class="md-nav__title" for="__toc"> points at the table-of-contents toggle,
    # which the theme only renders in the navigation drawer when toc.integrate is on.
    (r"The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
     r'<label class="md-nav__title" for="__toc">'),
    # mkdocs-jupyter's notebook template (embedded notebooks): every code cell gets
    # <clipboard-copy ,="" aria-label="Copy to Clipboard" for="cell-N"> - a stray comma attribute and an
    # aria-label on an element without a role.
    (r"The “aria-label” attribute must not be specified on any “clipboard-copy” element", r'<clipboard-copy ,="" aria-label='),
]


def validate(site: Path) -> list[dict]:
    """vnu's error messages for every HTML file under ``site``."""
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--skip-non-html", "--errors-only", str(site)],
                         capture_output=True, text=True, timeout=600)
    return json.loads(run.stderr or '{"messages": []}')["messages"]


def from_marp(message: dict) -> bool:
    """Marp's own theme stylesheet inside a lecture deck (slides/<id>.html) uses CSS newer than vnu's CSS
    checker knows (container queries, view transitions, custom properties); the deck's markup is still checked."""
    return message.get("message", "").startswith("CSS:") and re.search(r"/slides/[^/]+\.html$", message.get("url", "")) is not None


def from_theme(message: dict) -> bool:
    if from_marp(message):
        return True
    return any(re.search(text, message.get("message", "")) and re.search(markup, message.get("extract", ""))
               for text, markup in THEME_ERRORS)


@pytest.fixture(scope="module")
def messages(tmp_path_factory):
    require(shutil.which("java") is not None, "Java (it runs vnu.jar)", "apt-get install default-jre-headless, as .ci/run does")
    require(VNU.exists(), f"the HTML validator {VNU.relative_to(ROOT)}", "npm ci, which make test runs")
    site = support.real_site(tmp_path_factory)
    return site, validate(site)


def test_every_page_is_valid_html(messages):
    site, found = messages
    ours = [m for m in found if not from_theme(m)]
    report = [f"{m['url'].split(str(site))[-1]}:{m.get('lastLine', '?')}: {m['message']}\n    {m.get('extract', '').strip()[:160]}"
              for m in ours]
    assert not report, f"{len(report)} HTML error(s):\n" + "\n".join(report[:40])
    print(f"vnu.jar: {sum(1 for _ in site.rglob('*.html'))} pages, 0 errors from our templates, "
          f"{len(found)} from mkdocs-material's theme markup (filtered: {len(THEME_ERRORS)} kinds)")


def test_the_theme_filters_still_match_something(messages):
    """A filter that no longer matches anything (a new Material fixed it) should be removed."""
    _, found = messages
    for text, markup in THEME_ERRORS[:3]:  # the notebook one matches only when notebooks are embedded
        assert any(re.search(text, m.get("message", "")) and re.search(markup, m.get("extract", "")) for m in found), text
