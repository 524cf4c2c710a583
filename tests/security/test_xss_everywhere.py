"""XSS payloads in every text and URL field of every data kind and in every displayed BibTeX field:
the site builds, and in Chromium nothing executes, no element is injected and no unsafe link exists."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import hostile
from browser.chromium import build_site, copy_project, serve, chromium, watch

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("security")]

HOSTILE_KEY = "vaswani2017attention"  # cited by sessions, talks and episodes: its fields reach many pages
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")
# Elements only a payload would create (the site has no frames, no inline SVG with handlers, no img src="x").
INJECTED = "[data-xss], img[src^='x'], iframe, object, embed, svg[onload], #xss, .xss"

# Run in every page: what a payload could have left behind.
INSPECT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) bad.push(`${el.tagName} has a ${name} handler`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc'].includes(name)) {
        const value = attr.value.replace(/[\\u0000-\\u0020\\u200b]/g, '').toLowerCase();
        if (/^(javascript|data|vbscript|file):/.test(value)) bad.push(`${el.tagName} ${name}="${attr.value.slice(0, 60)}"`);
      }
    }
  }
  for (const el of document.querySelectorAll(%r)) bad.push(`injected ${el.outerHTML.slice(0, 100)}`);
  if (window.__xss) bad.push('window.__xss was set');
  return bad;
}""" % INJECTED


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("hostile") / "course")
    hostile.add_optional_links(project)
    kept = hostile.inject(project)
    hostile.replace_bib_entry(project / "papers.bib", HOSTILE_KEY, hostile.hostile_bib_entry(HOSTILE_KEY))
    hostile.add_hostile_topic(project)
    assert not hostile.load_problems(project)
    warnings = _Warnings()
    logging.getLogger("mkdocs").addHandler(warnings)
    try:
        site = build_site(project, strict=False)
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)
    return site, kept, warnings.messages


def test_payloads_reach_every_kind_of_field(hostile_site):
    _, kept, _ = hostile_site
    files = {leaf.path.name for leaf in kept}
    assert {"course.yml", "schedule.yml", "announcements.yml", "cs25-v4.yml", "axrp.yml"} <= files
    assert sum(leaf.is_url for leaf in kept) >= 20 and len(kept) >= 200


def test_hostile_data_builds_without_warnings(hostile_site):
    """A Markdown link or image made from data would show up as an 'unrecognized relative link'."""
    _, _, warnings = hostile_site
    assert not warnings, "\n".join(warnings)


def test_no_page_has_a_handler_an_unsafe_link_or_an_injected_element(hostile_site):
    site, _, _ = hostile_site
    problems = []
    for path in sorted(site.rglob("*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        where = path.relative_to(site).as_posix()
        for element in page.find_all(True):
            for attribute, value in element.attrs.items():
                value = " ".join(value) if isinstance(value, list) else value
                if attribute.lower().startswith("on"):
                    problems.append(f"{where}: <{element.name} {attribute}=...>")
                if attribute in ("href", "src", "action", "formaction") and \
                        "".join(value.split()).replace("\u200b", "").lower().startswith(UNSAFE_SCHEMES):
                    problems.append(f"{where}: <{element.name} {attribute}={value[:60]!r}>")
        for element in page.select(INJECTED):
            problems.append(f"{where}: injected {str(element)[:100]}")
        for script in page.find_all("script"):
            if "alert(" in script.get_text():
                problems.append(f"{where}: a script contains the payload")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])


def test_nothing_executes_in_chromium(hostile_site):
    site, _, _ = hostile_site
    pages = _sample(site)
    problems = []
    with serve(site) as base_url, chromium() as browser:
        context = browser.new_context()
        watched = watch(context, base_url)
        page = watched.page
        for path in pages:
            page.goto(base_url + path, wait_until="domcontentloaded")
            page.wait_for_load_state("load")
            # hover and focus everything a payload may have put a handler on, and render the maths
            page.evaluate("() => document.querySelectorAll('a, img, svg, p, li, h1, h2, h3').forEach(el => {"
                          " el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); })")
            problems += [f"{path}: {b}" for b in page.evaluate(INSPECT)]
        page.wait_for_timeout(300)
        context.close()
    problems += [f"dialog: {d}" for d in watched.dialogs] + [f"request elsewhere: {r}" for r in watched.foreign_requests]
    problems += [f"exception: {e}" for e in watched.page_errors]
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])
    assert len(pages) > 15


def _sample(site: Path) -> list[str]:
    """Every section's index and its first two pages, and the hostile paper's page (the static check
    above reads every page; the browser looks at each page kind, which is what varies)."""
    by_section: dict[str, list[str]] = {}
    for path in sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")):
        by_section.setdefault(path.split("/")[0], []).append(path)
    chosen = {path for paths in by_section.values() for path in paths[:3]}
    chosen |= {f"papers/{HOSTILE_KEY}/index.html", "404.html"}
    return sorted(chosen)


@pytest.mark.parametrize("url", hostile.UNSAFE_URLS)
def test_unsafe_links_are_refused_in_every_url_field(tmp_path: Path, url: str):
    project = copy_project(tmp_path / "course")
    hostile.add_optional_links(project)
    files = hostile.data_files(project)
    url_leaves = [leaf for p in files for leaf in hostile.leaves(p) if leaf.is_url]
    for p in files:
        hostile.write_leaves(p, {leaf.start: url for leaf in url_leaves if leaf.path == p}, url_leaves)
    problems = hostile.load_problems(project)
    refused = {(str((project / pr.path).resolve()), pr.line) for pr in problems}
    missed = [f"{leaf.path.relative_to(project)}:{leaf.line}" for leaf in url_leaves if (str(leaf.path.resolve()), leaf.line) not in refused]
    assert not missed, f"{url!r} accepted at {missed}"
    for problem in problems:
        assert problem.line > 0 and str(problem).startswith(f"{problem.path}:{problem.line}:"), str(problem)
