"""The previous build's site folder is moved aside and deleted in another process: nothing stale stays,
nothing MkDocs would keep goes, and no leftover outlives the build."""

from __future__ import annotations

import os

from conftest import copy_project

from course.ground.old_site import TRASH_PREFIX, clear_in_background


def _site_with_old_pages(root):
    site = root / "site"
    (site / "papers" / "old").mkdir(parents=True)
    (site / "papers" / "old" / "index.html").write_text("stale", encoding="utf-8")
    (site / "index.html").write_text("stale", encoding="utf-8")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    return site


def _leftovers(root):
    return sorted(p.name for p in root.glob(TRASH_PREFIX.format(name="site") + "*"))


def test_the_visible_entries_go_and_the_hidden_ones_stay(tmp_path):
    site = _site_with_old_pages(tmp_path)
    clearing = clear_in_background(site)
    assert sorted(os.listdir(site)) == [".git"], "moved out of the way at once, before the new pages are written"
    clearing.wait()
    assert (site / ".git" / "HEAD").read_text(encoding="utf-8").startswith("ref:")
    assert _leftovers(tmp_path) == []


def test_the_leftovers_of_a_build_that_was_killed_are_deleted_too(tmp_path):
    site = _site_with_old_pages(tmp_path)
    killed = tmp_path / (TRASH_PREFIX.format(name="site") + "killed")
    (killed / "papers").mkdir(parents=True)
    (killed / "papers" / "index.html").write_text("stale", encoding="utf-8")
    unrelated = tmp_path / ".site-notes"
    unrelated.mkdir()
    clear_in_background(site).wait()
    assert _leftovers(tmp_path) == [] and unrelated.is_dir()


def test_nothing_to_clear_starts_nothing(tmp_path):
    assert clear_in_background(tmp_path / "site").process is None
    (tmp_path / "site" / ".git").mkdir(parents=True)
    assert clear_in_background(tmp_path / "site").process is None
    assert _leftovers(tmp_path) == []


def _build(project, *, dirty: bool):
    """As ``mkdocs build`` runs it: the plugins hear the command first (how the plugin learns of --dirty)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cwd = os.getcwd()
    os.chdir(project)
    try:
        # strict off for --dirty: MkDocs warns that a dirty build may leave stale links
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"), strict=not dirty)
        config.plugins.on_startup(command="build", dirty=dirty)
        build(config, dirty=dirty)
    finally:
        os.chdir(cwd)


def test_a_build_replaces_the_old_site_and_leaves_no_leftover(tmp_path):
    project = copy_project(tmp_path / "course")
    site = _site_with_old_pages(project)
    _build(project, dirty=False)
    assert not (site / "papers" / "old").exists()
    assert "Decoding GPT" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "papers" / "vaswani2017attention" / "index.html").is_file()
    assert (site / ".git" / "HEAD").is_file()
    assert _leftovers(project) == []


def test_a_dirty_build_deletes_nothing(tmp_path):
    project = copy_project(tmp_path / "course")
    site = _site_with_old_pages(project)
    _build(project, dirty=True)
    assert (site / "papers" / "old" / "index.html").read_text(encoding="utf-8") == "stale"
    assert _leftovers(project) == []
