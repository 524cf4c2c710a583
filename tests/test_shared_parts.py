"""The parts that pages outside the navigation share (header, navigation, tabs, footer) are rendered once
per folder (theme/main.html): every page is the same as when each renders its own."""

from __future__ import annotations

import pytest
from conftest import build_site, copy_project

from course.ground import urls

pytestmark = pytest.mark.slow


def _pages(site):
    return {path.relative_to(site).as_posix(): path.read_text(encoding="utf-8") for path in site.rglob("*.html")}


def test_every_page_is_the_same_as_when_each_renders_its_own_parts(tmp_path, monkeypatch):
    shared = _pages(build_site(copy_project(tmp_path / "shared")))
    monkeypatch.setattr(urls, "shared_parts_key", lambda url, listed: None)  # no page shares its parts
    own = _pages(build_site(copy_project(tmp_path / "own")))
    assert sorted(shared) == sorted(own) and len(own) > 200
    assert [name for name in own if own[name] != shared[name]] == []
    paper = shared["papers/vaswani2017attention/index.html"]
    assert "Attention Is All You Need" in paper.split('data-md-component="header-topic"')[1][:200]
