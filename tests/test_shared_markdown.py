"""The generated pages share one Markdown converter (course.shared_markdown): the site is the same, page
for page, as with MkDocs' own converter per page."""

from __future__ import annotations

import pytest
from conftest import build_site, copy_project
from mkdocs.structure.pages import Page

from course.shared_markdown import SharedMarkdown

pytestmark = pytest.mark.slow


def _pages(site):
    return {path.relative_to(site).as_posix(): path.read_text(encoding="utf-8") for path in site.rglob("*.html")}


def test_every_page_is_the_same_as_with_a_converter_per_page(tmp_path, monkeypatch):
    shared = _pages(build_site(copy_project(tmp_path / "shared")))
    calls = []

    def mkdocs_own(self, page, config, files):
        calls.append(page.file.src_uri)
        Page.render(page, config, files)

    monkeypatch.setattr(SharedMarkdown, "render", mkdocs_own)
    own = _pages(build_site(copy_project(tmp_path / "own")))
    assert len(calls) > 100, "the generated pages went through the shared converter's place"
    assert sorted(shared) == sorted(own)
    differ = [name for name in own if own[name] != shared[name]]
    assert differ == []
