"""Fixtures for the browser tests: the real course built once, served locally, and Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browser import chromium as support
from browser.chromium import chromium, serve, watch


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    return support.real_site(tmp_path_factory)


@pytest.fixture(scope="session")
def base_url(real_site):
    with serve(real_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    yield context
    context.close()


@pytest.fixture
def watched(context, base_url):
    """A page that fails the test on console errors, exceptions, dialogs or requests to other hosts."""
    w = watch(context, base_url)
    yield w
    w.assert_clean()


def _first_link(site: Path, page: str, selector: str) -> str | None:
    html = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    link = html.select_one(selector)
    if link is None:
        return None
    base = Path(page).parent
    return _normalise(base, link["href"].split("#")[0])


def _normalise(base: Path, href: str) -> str:
    import posixpath

    return posixpath.normpath(posixpath.join(base.as_posix(), href)).lstrip("./") + "/"


@pytest.fixture(scope="session")
def pages(real_site) -> dict[str, str]:
    """Site paths (relative, ending in '/') of one page of each kind; a kind the site lacks is absent."""
    found = {"home": "", "schedule": "schedule/", "readings": "readings/", "notebooks": "notebooks/"}
    found["session-notebook"] = _first_link(real_site, "schedule/index.html", ".cs-chip--notebook")
    found["session"] = _first_link(real_site, "schedule/index.html", ".cs-session-title a")
    found["talk"] = _first_link(real_site, "talks/index.html", ".cs-talk-item a")
    found["episode"] = _first_link(real_site, "episodes/index.html", ".cs-talk-item a")
    found["paper"] = "papers/vaswani2017attention/"
    deck = _first_link(real_site, "schedule/index.html", "a.cs-chip--slides[href$='.html']")
    if deck is not None:  # a session with a lecture deck, and the deck itself (a page of its own, not a folder)
        found["deck"] = deck.rstrip("/")
        found["session-deck"] = "schedule/" + deck.rstrip("/").rsplit("/", 1)[-1][: -len(".html")] + "/"
    if (real_site / "presentations" / "index.html").exists():
        found["signup"] = "presentations/"
    return {kind: path for kind, path in found.items()
            if path is not None and ((real_site / path / "index.html").exists() or (real_site / path).is_file())}
