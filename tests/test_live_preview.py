"""mkdocs serve: data files are watched, and a build never writes into docs_dir."""

import os

from mkdocs.config import load_config

from conftest import build_site


def snapshot(directory):
    return {p: p.stat().st_mtime_ns for p in directory.rglob("*")}


def test_data_files_are_watched_and_docs_dir_is_untouched(project):
    before = snapshot(project / "content")
    build_site(project)
    assert snapshot(project / "content") == before
    cwd = os.getcwd()
    os.chdir(project)
    try:
        config = load_config(str(project / "mkdocs.yml"))
        config = config.plugins.on_config(config)
    finally:
        os.chdir(cwd)
    watched = {os.path.realpath(p) for p in config.watch}
    assert os.path.realpath(project / "readings") in watched
    assert os.path.realpath(project / "papers.bib") in watched


def test_makefile_serves_with_livereload():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "mkdocs serve --livereload" in makefile  # click >= 8.3 drops live reload without the flag
