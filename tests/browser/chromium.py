"""Shared pieces for tests that look at the built site the way its users do.

Debian's chromium driven by Playwright through ``executable_path`` (Playwright's
own browser download does not work offline), a local HTTP server over a built
site, and a page wrapper that records console errors, uncaught exceptions,
dialogs and every request to a host other than the local server.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import shutil
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from prerequisites import require


def _root_conftest():
    """tests/conftest.py: imported by path, since inside tests/browser ``conftest`` names this folder's."""
    import importlib.util
    import sys

    name = "course_tests_root_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent.parent / "conftest.py")
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


ROOT = _root_conftest().ROOT
build_site = _root_conftest().build_site
copy_project = _root_conftest().copy_project
edit = _root_conftest().edit

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"


def require_chromium() -> None:
    require(Path(CHROMIUM).exists(), f"Debian's chromium ({CHROMIUM})", "tools/install-chromium.sh, which make test runs")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(site: Path, handler_class=_QuietHandler):
    """Serve ``site`` on 127.0.0.1 (a free port) in a thread; yields the base URL, ending in '/'."""
    handler = functools.partial(handler_class, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    """A headless Debian chromium under Playwright."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Tests of the notebook engine (nbclient) in the same pytest worker can leave an event loop
    # marked as running on this thread; Playwright's sync API then refuses to start.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        asyncio.events._set_running_loop(None)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watched:
    """A page plus what it did that a user would not want: errors, dialogs, requests elsewhere."""

    page: object
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path.lstrip("/"), wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response.status if response else 'no response'}"
        self.page.wait_for_load_state("networkidle")
        return response

    def assert_clean(self) -> None:
        assert not self.foreign_requests, f"requests to other hosts: {self.foreign_requests}"
        assert not self.page_errors, f"uncaught exceptions: {self.page_errors}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"


def watch(context, base_url: str) -> Watched:
    """A new page in ``context`` whose requests may only go to ``base_url``'s host (others are aborted)."""
    page = context.new_page()
    watched = Watched(page, base_url)
    local = urlsplit(base_url).netloc

    def route(route_, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == local:
            route_.continue_()
        else:
            watched.foreign_requests.append(request.url)
            route_.abort()

    def dialog(d):
        watched.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and watched.console_errors.append(f"{m.text} ({m.location.get('url', '')})"))
    page.on("pageerror", lambda e: watched.page_errors.append(str(e)))
    page.on("dialog", dialog)
    return watched


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (kept by CI as an artefact), once what the page
    loads late (KaTeX on a page with maths, lazy figures) has arrived and been drawn."""
    ARTIFACTS.mkdir(exist_ok=True)
    # The page typesets maths and loads figures as they come near the viewport: scroll it through once.
    page.evaluate("""async () => {
        for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
            window.scrollTo(0, y);
            await new Promise(done => setTimeout(done, 60));
        }
        window.scrollTo(0, 0);
    }""")
    page.wait_for_load_state("networkidle")
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


_REAL_SITE: list = []


def real_site(tmp_path_factory) -> Path:
    """The real project built once per test process (browser, HTML and link tests share it); a build
    that fails fails every test that needs it, without building again."""
    if not _REAL_SITE:
        try:
            _REAL_SITE.append(build_real_project(tmp_path_factory.mktemp("real") / "course"))
        except BaseException as error:  # mkdocs raises Abort (a SystemExit) on a failed build
            _REAL_SITE.append(error)
    if isinstance(_REAL_SITE[0], BaseException):
        pytest.fail(f"the real course does not build: {_REAL_SITE[0]!r} (see the first test's log)", pytrace=False)
    return _REAL_SITE[0]


def build_real_project(dest: Path) -> Path:
    """The default course with its notebooks, built like ``make site`` (the notebook cache of the checkout is
    reused, so only a cold checkout executes them).  The schedule is built as it is: a session naming a
    notebook that is missing fails the build, as it fails ``make site``."""
    project = copy_project(dest, notebooks=True)
    cache = (ROOT / ".cache" / "course").resolve()
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^  - course\s*$", f"  - course:\n      cache_dir: {cache}", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    return build_site(project)
