"""What the site gets: the embedded HTML, the download with its Colab setup cell, the report."""

from __future__ import annotations

import functools
import re
import shutil
import threading
from datetime import datetime, timezone
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import nbformat
import pytest
from nbclient import NotebookClient

from course.render import notebooks as notebooks_page
from course.render.env import SiteContext

PLOTS = """\
# %% [markdown]
# # Plots
#
# A *few* plots of $x^2$ and friends.

# %%
import matplotlib.pyplot as plt
print("hello from the notebook")

# %% [markdown]
# ## Powers & roots

# %%
for power in (1, 2, 3):
    plt.figure(figsize=(4, 3))
    plt.plot(range(10), [i**power for i in range(10)])
    plt.title(f"power {power}")
    plt.show()
"""

USES_LAB = """\
# %% [markdown]
# # Doubling <numbers>
#
# Uses the local package and a data file.

# %%
import lab
numbers = [int(n) for n in open("data/numbers.txt").read().split()]
print([lab.double(n) for n in numbers])
"""


def test_embedded_notebook_has_outputs_lazy_figures_and_toolbar(nb_project):
    nb_project.notebook("plots", PLOTS)
    stage = nb_project.stage(site_url="https://example.org/course/", repo_url="https://github.com/owner/decoding-gpt")
    stage.run()
    html = stage.embed_html("plots", page_url="lectures/plots/")
    assert "hello from the notebook" in html
    # the plots are files (published by on_files), loaded lazily, with their size so nothing moves
    figures = re.findall(r'<img[^>]+src="\.\./\.\./notebooks/figures/[0-9a-f]{20}\.png" width="\d+" height="\d+" loading="lazy"', html)
    assert len(figures) == 3 and "data:image/png" not in html
    assert 'class="highlight-ipynb hl-python' in html  # Pygments-highlighted code, as mkdocs-jupyter renders it
    assert len(html.encode()) < 1_500_000
    assert '<link rel="stylesheet" href="../../notebooks/notebook.css">' in html
    assert (
        '<a class="md-button" href="https://colab.research.google.com/github/owner/decoding-gpt/blob/gh-pages/'
        'notebooks/plots.ipynb" target="_blank" rel="noopener">Open in Colab</a>'
    ) in html
    assert '<a class="md-button" href="../../notebooks/plots.ipynb" download="plots.ipynb">Download .ipynb</a>' in html
    assert "<style" not in html  # the shared CSS lives in notebook.css
    assert "mathjax" not in html.lower()  # the site typesets maths with its own KaTeX
    assert "$x^2$" in html  # left for it
    assert "COURSE_FILES" not in html  # the setup cell is only in the download
    assert re.search(r"<h1[^>]*>Plots", html)
    nested = stage.embed_html("plots", section_level=2)  # under the page's "## Notebook: Plots"
    assert not re.search(r"<h[1-6][^>]*>Plots", nested), "the page's heading names the notebook: its title goes"
    assert re.search(r'<h2 id="[^"]+">Powers', html)
    (section,) = re.findall(r'<h3 id="nb-plots-powers[^"]*">', nested)  # its sections nest under the heading
    from course.notebooks.publish import section_headings
    assert section_headings(nested, 3) == [(section[8:-2], "Powers & roots")], "the page's table of contents lists them"


def test_no_colab_link_without_a_github_repository(nb_project):
    nb_project.notebook("alpha", "# %%\nx = 1 + 1\n")
    stage = nb_project.stage(execute_notebooks=False, repo_url="https://gitlab.com/owner/repo")
    (result,) = stage.run()
    assert result.status == "not-run"
    html = stage.embed_html("alpha")
    assert "Open in Colab" not in html and 'href="notebooks/alpha.ipynb"' in html


def _docs_snapshot(nb_project):
    return {p: p.stat().st_mtime_ns for p in (nb_project.root / "content").rglob("*")}


def test_on_files_publishes_downloads_that_run_alone(nb_project, tmp_path_factory):
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    nb_project.notebook("uses-lab", USES_LAB)
    (nb_project.root / "content" / "index.md").write_text("# Home\n")
    # The published site has the same layout under notebooks/ as docs_dir: serve docs_dir as "the site".
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(nb_project.root / "content"))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (nb_project.root / "mkdocs.yml").write_text(
        f"site_name: Test\nsite_url: http://127.0.0.1:{server.server_port}/\ndocs_dir: content\n"
        "repo_url: https://github.com/owner/decoding-gpt\n"
    )
    config = load_config(str(nb_project.root / "mkdocs.yml"))
    config.plugins._current_plugin = "course"  # as while MkDocs runs the plugin's on_files
    before = _docs_snapshot(nb_project)
    stage = nb_project.stage(site_url=config.site_url, repo_url=config.repo_url)
    files = get_files(config)
    runs = stage.on_files(files, config)
    assert _docs_snapshot(nb_project) == before  # nothing written into docs_dir
    assert [(run.name, run.title, run.status, run.reason) for run in runs] == [
        ("uses-lab", "Doubling <numbers>", "executed", "not executed before")]

    uris = {f.src_uri for f in files}
    assert "notebooks/uses-lab.py" not in uris  # the raw source is not published
    assert {"notebooks/lab/__init__.py", "notebooks/lab/util.py", "notebooks/data/numbers.txt"} <= uris
    assert {"notebooks/uses-lab.ipynb", "notebooks/notebook.css"} <= uris

    # The Notebooks page and About > Notebook runs: the session's title is data, so its Markdown and HTML
    # characters stay text and its pipe cannot split the report's row.
    from course.render import notebook_runs

    session = SimpleNamespace(id="lab-day", number=3, title="Lab <day> | *one*", entry=SimpleNamespace(notebooks=("uses-lab",)))
    data = SimpleNamespace(sessions=[session], layout=stage.layout)
    context = SiteContext(notebooks=runs, built_at=datetime.now(timezone.utc))
    (page,) = notebooks_page.pages(data, context)
    assert page.src == "notebooks/index.md"
    assert ('<a href="../schedule/lab-day/#notebook-uses-lab">Doubling &lt;numbers&gt;</a>' in page.content
            and "<span>Session 3. Lab &lt;day&gt; | *one*</span>" in page.content)
    (report,) = notebook_runs.pages(data, context)
    assert report.src == "about/notebook-runs.md"
    assert ('| <a href="../../notebooks/uses-lab.ipynb">Doubling &lt;numbers&gt;</a> | <a href="../../schedule/lab-day/#notebook-uses-lab">'
            "3&#46; Lab &lt;day&gt; &#124; &#42;one&#42;</a> | miss &#40;not executed before&#41; |") in report.content

    download = nbformat.read(files.get_file_from_path("notebooks/uses-lab.ipynb").abs_src_path, as_version=4)
    setup = [cell for cell in download.cells if "colab-setup" in cell.metadata.get("tags", [])]
    assert len(setup) == 1 and download.cells[0] is setup[0]
    assert download.cells[2].outputs[0].text == "[2, 4, 6]\n"  # executed outputs come with it

    # Colab: the notebook alone in an empty folder; the setup cell fetches lab/ and data/ from the site.
    alone = tmp_path_factory.mktemp("colab")
    shutil.copy(files.get_file_from_path("notebooks/uses-lab.ipynb").abs_src_path, alone / "uses-lab.ipynb")
    ran = nbformat.read(alone / "uses-lab.ipynb", as_version=4)
    NotebookClient(ran, timeout=60, resources={"metadata": {"path": str(alone)}}).execute()
    assert ran.cells[2].outputs[0].text == "[2, 4, 6]\n"
    server.shutdown()
    assert (alone / "lab" / "util.py").read_text() == (nb_project.notebooks / "lab" / "util.py").read_text()


def test_the_cache_must_live_outside_docs_dir(nb_project):
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from course.ground.errors import CourseDataError
    config = load_config(str(nb_project.root / "mkdocs.yml"))
    stage = nb_project.stage(cache_dir="content/.cache")
    with pytest.raises(CourseDataError, match="content/.cache: the notebook cache must be outside docs_dir"):
        stage.on_files(Files([]), config)


def _described(source: str, **metadata) -> str:
    from course.notebooks.catalogue import notebook_description

    nb = nbformat.v4.new_notebook(metadata=metadata, cells=[nbformat.v4.new_markdown_cell(source)])
    return notebook_description(SimpleNamespace(nb=nb))


def test_the_catalogue_line_is_the_first_sentence_without_citations_or_the_notebooks_description():
    source = "# Title\n\nWe train a *model* [@vaswani2017attention], as in GPT-2 [@radford2019language, sec. 2]. Then more."
    assert _described(source) == "We train a model, as in GPT-2."
    assert _described("# T\n\nAttention [@a; @b] moves information.") == "Attention moves information."
    assert _described("# T\n\nThe score is $q_i \\cdot k_j$.", description=" Attention  compares contents. ") == \
        "Attention compares contents."
