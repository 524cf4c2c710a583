"""The real course built with its executed notebooks: every page stays light enough for a phone (under
1.5 MB with the images it shows; notebook plots are embedded as PNG data), every notebook session shows
its outputs, and the notebooks page lists them all in course order."""

from __future__ import annotations

import html as html_module
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
    with_notebooks = [(s["id"], name) for s in schedule["sessions"] for name in s.get("notebooks", ())]
    assert len(with_notebooks) >= 14
    for session, notebook in with_notebooks:
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
    shown = [(s["id"], name) for s in schedule["sessions"] for name in s.get("notebooks", ())]
    positions = [html.index(f'href="../schedule/{session}/#notebook-{name}"') for session, name in shown]
    assert positions == sorted(positions)  # course order
    for _, name in shown:
        assert f'href="../{name}.ipynb"' in html or f'href="{name}.ipynb"' in html
    assert ">Grokking modular addition</a>" in html  # the notebook's own title
    # Each card's line is plain text: no citation syntax left over, and no TeX (a "$" would make the page
    # fetch KaTeX, 300 kB, for a catalogue), so notebooks whose first sentence has maths give a description.
    main = html[html.index('<div class="cs-catalogue">'):]
    assert "[@" not in main and "$" not in main and "\\(" not in main
    assert "on modular addition first memorises" in main  # grokking's description metadata
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="notebooks/"' in home  # a tab of its own


def test_a_session_page_heads_its_notebook_once_and_lists_its_sections_in_the_contents(tmp_path_factory):
    site = support.real_site(tmp_path_factory)
    html = (site / "schedule" / "logit-lens" / "index.html").read_text(encoding="utf-8")
    source = (support.ROOT / "content" / "notebooks" / "logit-lens.py").read_text(encoding="utf-8")
    title = re.search(r"(?m)^# # (.+)$", source)[1]
    sections = re.findall(r"(?m)^# ## (.+)$", source)
    headings = re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", html, re.S)
    texts = [html_module.unescape(re.sub(r"<[^>]+>", "", text)).replace("¶", "").strip() for _, text in headings]
    assert texts.count(title) <= 1, "the notebook's title is said once, not again under the page's"
    assert ("2", "Notebook") in [(level, text) for (level, _), text in zip(headings, texts)] or \
        f"Notebook: {title}" in texts
    toc = re.search(r'<nav class="md-nav md-nav--secondary".*?</nav>\s*</div>', html, re.S)[0]
    entries = [html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", e))).strip() for e in re.findall(r'<span class="md-ellipsis">(.*?)</span>', toc, re.S)]
    assert len(sections) >= 3 and all(section.replace("`", "") in " | ".join(entries) for section in sections), entries
    for anchor in re.findall(r'href="#(nb-logit-lens-[^"]+)"', toc):
        assert f'id="{anchor}"' in html


def test_the_search_indexes_a_notebooks_headings_and_prose_but_not_its_code(tmp_path_factory):
    import json

    site = support.real_site(tmp_path_factory)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = [d for d in index["docs"] if d["location"].startswith("schedule/logit-lens/")]
    text = " ".join(d["title"] + " " + d["text"] for d in docs)
    assert any(d["location"].endswith("#nb-logit-lens-takeaways") for d in docs)  # the notebook's own headings
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
