"""One page of each page kind of a built site, served gzip-compressed as GitHub Pages serves it, and
what a first visit to each really fetches in Chromium (Playwright's network events, bodies uncompressed).

Shared by ``make bench`` (bench_weight, bench_lighthouse) and the browser tests that assert the budgets
(tests/browser/test_weight.py, test_lighthouse.py).
"""

from __future__ import annotations

import gzip
import io
import re
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

# Budgets (issue 16): a first visit, uncompressed, search index included when it is fetched at start.
BUDGET = 400_000
NOTEBOOK_BUDGET = 800_000
NOTEBOOK_KIND = "session with a notebook (heaviest)"

# kind -> (index page, first link on it that leads to one of its items); None: the page itself.
_FIXED = [
    ("home", "index.html"),
    ("syllabus", "syllabus/index.html"),
    ("schedule", "schedule/index.html"),
    ("assignments", "assignments/index.html"),
    ("readings", "readings/index.html"),
    ("talks", "talks/index.html"),
    ("episodes", "episodes/index.html"),
    ("presentations", "presentations/index.html"),
    ("notebooks", "notebooks/index.html"),
    ("past terms", "terms/index.html"),
]


def page_kinds(site: Path) -> dict[str, list[str]]:
    """Site paths (ending in '/', '' for home) of the pages of each kind the site has that are weighed: one
    page per kind, the largest of its kind; every session with a notebook (the heaviest is reported)."""
    found: dict[str, list[str]] = {}
    for kind, path in _FIXED:
        if (site / path).exists():
            found[kind] = [path.removesuffix("index.html")]
    sessions = sorted((site / "schedule").glob("*/index.html"))
    with_notebook = [p for p in sessions if 'class="course-notebook"' in p.read_text(encoding="utf-8")]
    if with_notebook:
        found[NOTEBOOK_KIND] = [_rel(site, p) for p in with_notebook]
    without = [p for p in sessions if p not in with_notebook]
    if without:
        found["session without a notebook"] = [_rel(site, max(without, key=lambda p: p.stat().st_size))]
    for kind, folder in (("assignment", "assignments"), ("talk", "talks/*"), ("episode", "episodes"), ("paper", "papers")):
        items = sorted(site.glob(f"{folder}/*/index.html"))
        if items:
            found[kind] = [_rel(site, max(items, key=lambda p: p.stat().st_size))]
    return found


def heaviest_page(site: Path, paths: list[str]) -> str:
    """The page of ``paths`` with the largest HTML (Lighthouse audits one page per kind)."""
    return max(paths, key=lambda p: (site / p / "index.html").stat().st_size)


def _rel(site: Path, index: Path) -> str:
    return index.parent.relative_to(site).as_posix() + "/"


class _GzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when the client accepts it (text types, as GitHub Pages does)."""

    COMPRESS = re.compile(r"text/|application/(javascript|json|xml)|image/svg")

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's slash
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "") or not self.COMPRESS.match(ctype):
            return super().send_head()

        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def serve_gzip(site: Path):
    """Serve ``site`` on 127.0.0.1 (a free port), gzip-compressed: a context manager yielding the base URL."""
    from browser.chromium import serve  # tests/ on sys.path (pytest's pythonpath; bench_weight adds it)

    return serve(site, _GzipHandler)


def first_visit(browser, url: str) -> dict[str, int]:
    """Uncompressed bytes of everything a first visit to ``url`` fetched (fresh context: empty cache),
    by resource type (document, stylesheet, script, image, font, fetch ...), after the network is idle."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sizes: dict[str, int] = {}
    finished = []
    context.on("requestfinished", lambda request: finished.append(request))
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # the search worker fetches its index after load
        page.wait_for_load_state("networkidle")
        for request in finished:
            if urlsplit(request.url).scheme not in ("http", "https"):
                continue  # data: URIs are inside a file already counted
            response = request.response()
            body = response.body() if response is not None else b""
            kind = request.resource_type if request.resource_type != "xhr" else "fetch"
            if request.url.endswith("search_index.json"):
                kind = "search index"
            sizes[kind] = sizes.get(kind, 0) + len(body)
    finally:
        context.close()
    return sizes


def weigh(site: Path, browser) -> dict[str, tuple[str, dict[str, int]]]:
    """kind -> (path, bytes by resource type) of the heaviest page weighed of each kind of ``site``."""
    heaviest: dict[str, tuple[str, dict[str, int]]] = {}
    with serve_gzip(site) as base:
        for kind, paths in page_kinds(site).items():
            for path in paths:
                sizes = first_visit(browser, base + path)
                if kind not in heaviest or sum(sizes.values()) > sum(heaviest[kind][1].values()):
                    heaviest[kind] = (path, sizes)
    return heaviest


def budget(kind: str) -> int:
    return NOTEBOOK_BUDGET if kind == NOTEBOOK_KIND else BUDGET
