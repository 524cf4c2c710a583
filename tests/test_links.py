"""No broken internal link or anchor anywhere in the built site.

The build itself is ``--strict`` with MkDocs' link validation on (mkdocs.yml: ``validation``), which
checks the Markdown links.  This crawler checks what MkDocs cannot: links inside raw HTML (every
generated page is mostly raw HTML), theme links, stylesheets, scripts and images, fetched from a
local HTTP server the way a browser would.  External links are listed but never fetched.
"""

from __future__ import annotations

import posixpath
import urllib.error
import urllib.request
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
import yaml

from browser import chromium as support

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]

LINKING = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src"}


class _Page(HTMLParser):
    """The ids (anchor targets) of a page and the URLs it refers to."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                self.ids.add(attrs[name])
        attr = LINKING.get(tag)
        if attr and attrs.get(attr) and not (tag == "link" and attrs.get("rel") in ("preconnect", "dns-prefetch")):
            self.refs.append(attrs[attr])


def _page_url(url: str) -> str:
    """``.../index.html`` and ``.../`` are one page."""
    return url[: -len("index.html")] if url.endswith("/index.html") else url


def crawl(base_url: str, seeds: list[str]) -> tuple[dict[str, set[str]], list[tuple[str, str]], dict[str, list[str]], set[str]]:
    """Fetch every page reachable from ``seeds``: (ids by page, broken links, anchors to check, external URLs)."""
    host = urlsplit(base_url).netloc
    ids: dict[str, set[str]] = {}
    broken: list[tuple[str, str]] = []
    anchors: dict[str, list[str]] = defaultdict(list)  # "url#fragment" -> pages linking to it
    external: set[str] = set()
    seen: set[str] = set()
    queue = [(_page_url(urljoin(base_url, s)), "(start)") for s in seeds]
    while queue:
        url, source = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                kind = response.headers.get_content_type()
                body = response.read()
        except urllib.error.HTTPError as error:
            broken.append((source, f"{url} (HTTP {error.code})"))
            continue
        if kind != "text/html":
            continue
        page = _Page()
        page.feed(body.decode("utf-8", errors="replace"))
        ids[url] = page.ids
        for ref in page.refs:
            target = urljoin(url, ref)
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                if parts.scheme in ("http", "https"):
                    external.add(target)
                continue
            target, fragment = urldefrag(target)
            if fragment:
                anchors[f"{_page_url(target)}#{fragment}"].append(url)
            queue.append((_page_url(target), url))
    return ids, broken, anchors, external


def test_every_internal_link_and_anchor_resolves(tmp_path_factory):
    site = support.real_site(tmp_path_factory)
    seeds = sorted(posixpath.relpath(p.as_posix(), site.as_posix()) for p in site.rglob("*.html"))
    # served under site_url's path, as on GitHub Pages: 404.html links absolutely (/decoding-gpt/...)
    prefix = urlsplit(yaml.safe_load((site.parent / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]).path
    root = tmp_path_factory.mktemp("served")
    mount = root / prefix.strip("/") if prefix.strip("/") else root
    mount.parent.mkdir(parents=True, exist_ok=True)
    if mount == root:
        root = site
    else:
        mount.symlink_to(site, target_is_directory=True)
    with support.serve(root) as server_url:
        base_url = server_url + prefix.lstrip("/")
        ids, broken, anchors, external = crawl(base_url, ["./"] + seeds)
    missing = []
    for link, sources in sorted(anchors.items()):
        page, fragment = link.split("#", 1)
        targets = ids.get(page)
        if targets is None:  # not an HTML page (a download): nothing to point into
            continue
        if unquote(fragment) not in targets and fragment not in targets:
            missing.append(f"{link} (from {sources[0].removeprefix(base_url)})")
    problems = [f"{source.removeprefix(base_url)} -> {target.removeprefix(base_url)}" for source, target in broken] + missing
    assert not problems, f"{len(problems)} broken link(s) or anchor(s):\n" + "\n".join(problems[:40])
    assert len(ids) >= len(seeds)  # every page was fetched and parsed
    print(f"links: {len(ids)} pages, {sum(len(s) for s in anchors.values())} anchored links, "
          f"{len(external)} external URLs not fetched")


def test_the_checker_catches_a_broken_link_and_a_missing_anchor(tmp_path: Path):
    (tmp_path / "index.html").write_text('<a href="a/">ok</a> <a href="missing/">no</a> <a href="a/#nope">x</a>'
                                         ' <a id="top" href="#top">top</a> <a href="https://example.org/">out</a>')
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h1 id="here">A</h1><img src="../pic.png">')
    with support.serve(tmp_path) as base_url:
        ids, broken, anchors, external = crawl(base_url, ["./"])
    assert sorted(t.removeprefix(base_url) for _, t in broken) == ["missing/ (HTTP 404)", "pic.png (HTTP 404)"]
    assert "nope" not in ids[base_url + "a/"] and "top" in ids[base_url]
    assert set(anchors) == {base_url + "a/#nope", base_url + "#top"}
    assert external == {"https://example.org/"}
