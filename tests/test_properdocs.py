"""The engine risk: MkDocs 1.6 is the last 1.x, so the site must also build with ProperDocs, the maintained drop-in
fork of MkDocs 1.6 that still runs plugins. Both engines build the same copy; the pages and their content agree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import copy_project

BIN = Path(sys.executable).parent
PAGES = ["index.html", "schedule/index.html", "schedule/attention-heads/index.html", "papers/vaswani2017attention/index.html",
         "readings/index.html", "assignments/hw2/index.html", "presentations/index.html"]


def build(engine: str, project: Path, site: str) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    run = subprocess.run([str(BIN / engine), "build", "--strict", "--site-dir", site], cwd=project, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return project / site


def main_content(path: Path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("article.md-content__inner").decode()


@pytest.mark.slow
def test_properdocs_builds_the_same_site(tmp_path):
    if not (BIN / "properdocs").exists():
        pytest.fail("properdocs is not installed: it is pinned in requirements.lock (make test installs it)")
    project = copy_project(tmp_path / "course")
    mkdocs_site = build("mkdocs", project, "site-mkdocs")
    proper_site = build("properdocs", project, "site-properdocs")

    def pages(site: Path) -> list[str]:
        return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))

    assert pages(mkdocs_site) == pages(proper_site)
    assert len(pages(mkdocs_site)) > 100
    for page in PAGES:
        assert main_content(mkdocs_site / page) == main_content(proper_site / page), page
