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


def _site(folder, extra=()):
    """A two-page MkDocs site's config, files and the page that links to a missing one (a warning)."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Home\n\n## Part\n\nSee [there](other.md), [gone](missing.md).\n")
    (folder / "docs" / "other.md").write_text("# Other\n")
    for name in extra:
        (folder / "docs" / name).write_text("# More\n")
    (folder / "mkdocs.yml").write_text("site_name: t\nmarkdown_extensions: [toc]\n")
    config = load_config(str(folder / "mkdocs.yml"))
    files = get_files(config)
    page = Page(None, files.get_file_from_path("index.md"), config)
    page.read_source(config)
    return config, files, page


def test_a_rebuild_reuses_a_pages_render_when_nothing_it_depends_on_changed(tmp_path, monkeypatch, caplog):
    """mkdocs serve keeps the plugin between rebuilds: the last build's renders are handed on, a page whose
    text, place and site are as they were is not converted again, and what it logged is logged again."""
    converted = []
    convert = SharedMarkdown._convert
    monkeypatch.setattr(SharedMarkdown, "_convert", lambda self, page, *a: converted.append(page.file.src_uri) or convert(self, page, *a))
    config, files, page = _site(tmp_path / "a")
    first = SharedMarkdown()
    with caplog.at_level("INFO", logger="mkdocs"):
        first.render(page, config, files)
    warned = [r.getMessage() for r in caplog.records if "missing.md" in r.getMessage()]
    assert warned and converted == ["index.md"]
    html, toc = page.content, page.toc
    caplog.clear()
    config, files, page = _site(tmp_path / "b")  # the next build: new objects, the same site (in another folder)
    again = SharedMarkdown(previous=first.done)
    with caplog.at_level("INFO", logger="mkdocs"):
        again.render(page, config, files)
    assert converted == ["index.md"], "converted again"
    assert page.content == html and [i.title for i in page.toc] == [i.title for i in toc] and page.toc is not toc
    assert [r.getMessage() for r in caplog.records if "missing.md" in r.getMessage()] == warned
    config, files, page = _site(tmp_path / "c", extra=["missing.md"])  # a site with one more page
    SharedMarkdown(previous=again.done).render(page, config, files)
    assert converted == ["index.md", "index.md"] and "missing/" in page.content
