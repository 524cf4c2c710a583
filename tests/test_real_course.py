"""The real course built with its executed notebooks: every page stays light enough for a phone (under
1.5 MB with the images it shows; notebook plots are embedded as PNG data), every notebook session shows
its outputs, and the notebooks page lists them all in course order."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest
import yaml

from browser import chromium as support

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]

LIMIT = 1_500_000  # bytes: HTML plus the images it loads


def page_weight(site: Path, page: Path) -> int:
    html = page.read_text(encoding="utf-8")
    relative = page.relative_to(site).as_posix()
    images = {urlsplit(urljoin(relative, src)).path for src in re.findall(r'<img[^>]+src="([^"]+)"', html)
              if not src.startswith("data:") and not urlsplit(src).scheme}
    return len(html.encode()) + sum((site / image).stat().st_size for image in images if (site / image).is_file())


def test_every_page_is_under_the_limit(tmp_path_factory):
    site = support.real_site(tmp_path_factory)
    weights = {page.relative_to(site).as_posix(): page_weight(site, page) for page in site.rglob("*.html")}
    heavy = {page: weight for page, weight in weights.items() if weight >= LIMIT}
    assert not heavy, f"pages over {LIMIT:,} bytes: {heavy}"


def test_every_notebook_session_shows_its_executed_plots(tmp_path_factory):
    site = support.real_site(tmp_path_factory)
    schedule = yaml.safe_load((support.ROOT / "readings" / "schedule.yml").read_text(encoding="utf-8"))
    with_notebooks = {s["id"]: s["notebook"] for s in schedule["sessions"] if "notebook" in s}
    assert len(with_notebooks) >= 10
    for session, notebook in with_notebooks.items():
        html = (site / "schedule" / session / "index.html").read_text(encoding="utf-8")
        assert f"{notebook}.ipynb" in html, session  # the download link
        figures = re.findall(r'<img[^>]+src="\.\./\.\./notebooks/figures/([0-9a-f]+\.png)"[^>]*loading="lazy"', html)
        assert figures, f"{session}: no plot from {notebook}"
        assert all((site / "notebooks" / "figures" / name).is_file() for name in figures), session
        assert 'src="data:image/' not in html, session  # figures are files the page loads lazily
        assert "Traceback (most recent call last)" not in html, session


def test_the_notebooks_page_lists_every_notebook_with_its_session(tmp_path_factory):
    site = support.real_site(tmp_path_factory)
    html = (site / "notebooks" / "index.html").read_text(encoding="utf-8")
    schedule = yaml.safe_load((support.ROOT / "readings" / "schedule.yml").read_text(encoding="utf-8"))
    sessions = [s for s in schedule["sessions"] if "notebook" in s]
    positions = [html.index(f'href="../schedule/{s["id"]}/"') for s in sessions]
    assert positions == sorted(positions)  # course order
    for s in sessions:
        assert f'href="../{s["notebook"]}.ipynb"' in html or f'href="{s["notebook"]}.ipynb"' in html
    assert ">Grokking modular addition</a>" in html  # the notebook's own title
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="notebooks/"' in home  # a tab of its own


def test_the_search_indexes_a_notebooks_headings_and_prose_but_not_its_code(tmp_path_factory):
    import json

    site = support.real_site(tmp_path_factory)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = [d for d in index["docs"] if d["location"].startswith("schedule/logit-lens/")]
    text = " ".join(d["title"] + " " + d["text"] for d in docs)
    assert any(d["location"].endswith("#nb-takeaways") for d in docs)  # the notebook's own headings
    assert "records every intermediate activation" in text  # its prose
    html = (site / "schedule" / "logit-lens" / "index.html").read_text(encoding="utf-8")
    assert "run_with_cache(tokens)" in html and "run_with_cache(tokens)" not in text  # its code: on the page only
    assert "cross-entropy" in text and "KL from final" not in text  # and its printed outputs


def test_every_file_a_colab_setup_cell_fetches_is_published(tmp_path_factory):
    """The deploy pushes site/notebooks/ to the branch Colab opens (tests/notebooks/test_nb_colab.py); the
    setup cell of each download fetches lab's files from the same folder on the Pages site."""
    site = support.real_site(tmp_path_factory)
    folder = site / "notebooks"
    site_url = yaml.safe_load((support.ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"].rstrip("/")
    for path in sorted((support.ROOT / "content" / "notebooks").glob("*.py")):
        download = nbformat.read(folder / f"{path.stem}.ipynb", as_version=4)
        setup = download.cells[0].source
        assert f"COURSE_FILES = {json.dumps(site_url + '/notebooks/')}" in setup, path.stem
        files = json.loads(re.search(r"for name in (\[.*\]):", setup)[1])
        assert "lab/__init__.py" in files, path.stem
        missing = [name for name in files if not (folder / name).is_file()]
        assert not missing, f"{path.stem}: the setup cell fetches files the site does not publish: {missing}"
