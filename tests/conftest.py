"""Shared test helpers: copies of the real project that tests may break, and in-process builds."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
_THIS = sys.modules[__name__]


def pytest_collectstart(collector):
    """The test modules next to this file import their helpers with ``from conftest import ...``, but
    pytest imports every sub-folder's conftest.py (lab/, notebooks/, browser/) under the same name
    ``conftest``, and the last one wins: point the name back at this file before each is imported."""
    if isinstance(collector, pytest.Module) and collector.path.parent == ROOT / "tests":
        sys.modules["conftest"] = _THIS


def pytest_collection_modifyitems(config, items):
    """``make test`` runs the suite in two passes, COURSE_TESTS=busy (two workers) and then COURSE_TESTS=quiet
    (alone): the measurements that need the machine to themselves, marked ``quiet`` (Lighthouse's scores), run
    in the second. Chosen here, not by ``-m``, so that a ``-m`` or ``-k`` of the reader's own still applies."""
    which = os.environ.get("COURSE_TESTS")
    if which not in ("busy", "quiet"):
        return  # a plain pytest: everything together
    keep = [item for item in items if (item.get_closest_marker("quiet") is not None) == (which == "quiet")]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep


def copy_project(dest: Path, *, notebooks: bool = False, slides: bool = False) -> Path:
    """A copy of the default course in ``dest``. Without notebooks, sessions link none, and without slides
    (unless asked for) there are no decks to render: fast builds.  With notebooks it is the whole course."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copy(ROOT / "papers.bib", dest / "papers.bib")
    shutil.copytree(ROOT / "readings", dest / "readings")
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    if notebooks:
        shutil.copytree(ROOT / "content", dest / "content", ignore=ignore)
    else:
        skip = ("notebooks", "__pycache__") + (() if slides else ("slides",))
        shutil.copytree(ROOT / "content", dest / "content", ignore=shutil.ignore_patterns(*skip))
        schedule = dest / "readings" / "schedule.yml"
        for listing in ("schedule.yml", "assignments.yml"):
            path = dest / "readings" / listing
            path.write_text(re.sub(r"(?m)^\s+notebooks: .*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


def build_site(project: Path, *, strict: bool = True) -> Path:
    """Build ``project`` in-process with MkDocs; returns the site directory."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cwd = os.getcwd()
    os.chdir(project)
    try:
        config = load_config(str(project / "mkdocs.yml"), strict=strict, site_dir=str(project / "site"))
        build(config)
    finally:
        os.chdir(cwd)
    return project / "site"


def readings_view(site: Path, view: str):
    """The built readings page's ``view`` (by-session, by-topic) as readings.js shows it once its groups' files
    are in: each file's lists in place of its link."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup((site / "readings" / "index.html").read_text(encoding="utf-8"), "html.parser")
    shown = page.find(id=view)
    for link in shown.select("a.cs-group-file"):
        part = BeautifulSoup((site / "readings" / link["href"]).read_text(encoding="utf-8"), "html.parser")
        link.find_parent("details").extend(part.select("p.cs-label, ul.cs-entries"))
        link.decompose()
    return shown


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a file, failing loudly when the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "course")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The default course (without notebook execution), built once per test session."""
    project = copy_project(tmp_path_factory.mktemp("built") / "course")
    return build_site(project)
