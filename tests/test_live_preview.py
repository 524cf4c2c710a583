"""mkdocs serve: data files are watched, a build never writes into docs_dir, and what leaves the site names the
published address."""

import os
from pathlib import Path

from mkdocs.config import load_config

from conftest import build_site


def snapshot(directory):
    return {p: p.stat().st_mtime_ns for p in directory.rglob("*")}


def configured(project, site_url=None):
    """The config after the plugins' on_config, as a build of ``project`` has it (``site_url``: as serve sets it)."""
    cwd = os.getcwd()
    os.chdir(project)
    try:
        config = load_config(str(project / "mkdocs.yml"))
        if site_url:
            config.site_url = site_url
        return config.plugins.on_config(config)
    finally:
        os.chdir(cwd)


def test_data_files_are_watched_and_docs_dir_is_untouched(project):
    before = snapshot(project / "content")
    build_site(project)
    assert snapshot(project / "content") == before
    watched = {os.path.realpath(p) for p in configured(project).watch}
    assert os.path.realpath(project / "readings") in watched
    assert os.path.realpath(project / "papers.bib") in watched


def test_what_leaves_the_site_names_the_published_address_in_mkdocs_serve(project):
    """mkdocs serve gives each build its own address as site_url: its pages link to it, but the decks' PDFs, the
    syllabus PDF and the notebooks' Colab setup keep the published address (so the decks rendered for it, cached
    by it, are not rendered again for the preview, nor again for the next make site)."""
    served = configured(project, site_url="http://127.0.0.1:8123/decoding-gpt/")
    assert served.site_url == "http://127.0.0.1:8123/decoding-gpt/"
    published = configured(project).plugins["course"].layout.site_url
    assert published == "https://mines-opt-ml.github.io/decoding-gpt/"
    assert served.plugins["course"].layout.site_url == published


def test_makefile_serves_with_livereload():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "mkdocs serve --livereload" in makefile  # click >= 8.3 drops live reload without the flag

