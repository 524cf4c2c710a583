"""A session shows its notebooks: each in a section headed by the notebook's title (said once), its own
sections in the page's table of contents; the schedule, the Notebooks catalogue and About > Notebook runs
follow. Built from the default course with two tiny notebooks on one session."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import build_site, copy_project, edit

pytestmark = pytest.mark.xdist_group("site")

HEADER = "# ---\n# jupyter:\n#   kernelspec:\n#     display_name: Python 3\n#     language: python\n#     name: python3\n# ---\n\n"
ALPHA = HEADER + """# %% [markdown]
# # Attention heads
#
# The notebook named like its session, after [@vaswani2017attention, sec. 3.2].
#
# ## Setting up

# %%
print("alpha ran")

# %% [markdown]
# ## Takeaways
#
# Alpha's, again [@vaswani2017attention; @elhage2021mathematical].
"""
BETA = HEADER + """# %% [markdown]
# # Heads & <b>tails</b>
#
# A second notebook on the same page.
#
# ## Takeaways
#
# Beta's own.

# %%
print("beta ran")
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("two-notebooks") / "course")
    folder = project / "content" / "notebooks"
    folder.mkdir()
    (folder / "alpha.py").write_text(ALPHA, encoding="utf-8")
    (folder / "beta.py").write_text(BETA, encoding="utf-8")
    edit(project / "readings" / "schedule.yml", "    readings: [vaswani2017attention, alammar2019illustrated]\n",
         "    readings: [vaswani2017attention, alammar2019illustrated]\n    notebooks: [alpha, beta]\n")
    return build_site(project)


def test_each_notebook_has_its_section_and_its_title_once(site):
    html = (site / "schedule" / "attention-heads" / "index.html").read_text(encoding="utf-8")
    assert "alpha ran" in html and "beta ran" in html
    sections = re.findall(r'<h2 id="(notebook-[a-z]+)">(.*?)<a class="headerlink"', html)
    assert sections == [("notebook-alpha", "Notebook"), ("notebook-beta", "Notebook: Heads &amp; &lt;b&gt;tails&lt;/b&gt;")], \
        "a title equal to the page's is not repeated; another is shown, escaped"
    assert html.index('id="notebook-alpha"') < html.index("alpha ran") < html.index('id="notebook-beta"') < html.index("beta ran")
    assert not re.search(r"<h[1-6][^>]*>Attention heads<a", html.split('id="notebook-alpha"')[1]), "its own title is gone"
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert not [i for i, n in ids.items() if n > 1], "two notebooks' Takeaways or cell ids must not clash"


def test_the_contents_list_each_notebooks_sections_under_its_heading(site):
    html = (site / "schedule" / "attention-heads" / "index.html").read_text(encoding="utf-8")
    toc = re.search(r'<nav class="md-nav md-nav--secondary".*?</nav>\s*</div>', html, re.S)[0]
    links = re.findall(r'href="#([^"]+)"', toc)
    assert links.index("notebook-alpha") < links.index("nb-alpha-setting-up") < links.index("nb-alpha-takeaways") \
        < links.index("notebook-beta") < links.index("nb-beta-takeaways")
    assert all(f'id="{anchor}"' in html for anchor in links)


def test_schedule_catalogue_and_runs_link_each_notebook_where_it_is_shown(site):
    schedule = (site / "schedule" / "index.html").read_text(encoding="utf-8")
    assert 'href="attention-heads/#notebook-alpha">Notebooks (2)</a>' in schedule
    catalogue = (site / "notebooks" / "index.html").read_text(encoding="utf-8")
    assert catalogue.index('href="../schedule/attention-heads/#notebook-alpha"') \
        < catalogue.index('href="../schedule/attention-heads/#notebook-beta"')
    assert 'download="beta.ipynb"' in catalogue and "Heads &amp; &lt;b&gt;tails&lt;/b&gt;" in catalogue
    assert "Peak memory" not in catalogue, "the execution report is on About > Notebook runs"
    runs = (site / "about" / "notebook-runs" / "index.html").read_text(encoding="utf-8")
    assert "Peak memory" in runs and runs.count('href="../../schedule/attention-heads/#notebook-') == 2
    assert "Executed in this build: 2 notebook(s)" in runs
    benchmarks = (site / "about" / "benchmarks" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="\.\./notebook-runs/" class="md-nav__link">\s*<span class="md-ellipsis">\s*Notebook runs', benchmarks), \
        "listed in the navigation under About, beside the benchmarks"


def test_a_notebooks_citations_link_its_papers_and_the_paper_pages_link_back(site):
    html = (site / "schedule" / "attention-heads" / "index.html").read_text(encoding="utf-8")
    alpha = html.split('id="notebook-alpha"')[1].split('id="notebook-beta"')[0]
    assert "[@" not in alpha
    assert re.search(r'\(<a href="../../papers/vaswani2017attention/" title="Attention Is All You Need" '
                     r'id="nb-alpha-cite-vaswani2017attention">Vaswani et al\. 2017</a>, sec\. 3\.2\)', alpha)
    assert alpha.count('id="nb-alpha-cite-vaswani2017attention"') == 1, "the first citation of a paper carries its id"
    assert '<h3 id="nb-alpha-references">References</h3>' in alpha
    references = alpha.split('id="nb-alpha-references"')[1]
    assert references.index("elhage2021mathematical") < references.index("vaswani2017attention"), "in author order"
    toc = re.search(r'<nav class="md-nav md-nav--secondary".*?</nav>\s*</div>', html, re.S)[0]
    assert 'href="#nb-alpha-references"' in toc
    paper = (site / "papers" / "vaswani2017attention" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="../../schedule/attention-heads/#nb-alpha-cite-vaswani2017attention"[^>]*>[^<]*</a>', paper)
    assert "Cited in the notebook \u201cAttention heads\u201d of session" in paper


def test_an_unknown_key_in_a_notebook_is_reported_at_its_line_and_column(project, capsys):
    from course.cli import main

    folder = project / "content" / "notebooks"
    folder.mkdir()
    (folder / "alpha.py").write_text(ALPHA.replace("[@vaswani2017attention, sec. 3.2]", "[@vaswani2017atention]"), encoding="utf-8")
    line = ALPHA.splitlines().index("# The notebook named like its session, after [@vaswani2017attention, sec. 3.2].") + 1
    assert main(["--root", str(project), "check"]) == 1
    out = capsys.readouterr().out
    assert (f"content/notebooks/alpha.py:{line}:48: unknown paper key 'vaswani2017atention' in citation; did you mean "
            "'vaswani2017attention'? add it to papers.bib or fix the key") in out


def test_the_old_single_notebook_key_says_how_to_write_it_now(project, capsys):
    from course.cli import main

    schedule = project / "readings" / "schedule.yml"
    edit(schedule, "    readings: [vaswani2017attention, alammar2019illustrated]\n",
         "    readings: [vaswani2017attention, alammar2019illustrated]\n    notebook: attention-heads\n")
    line = schedule.read_text(encoding="utf-8").splitlines().index("    notebook: attention-heads") + 1
    assert main(["--root", str(project), "check"]) == 1
    out = capsys.readouterr()
    assert (f"readings/schedule.yml:{line}:15: 'notebook': the key is now 'notebooks', a list (a session may show several): "
            "write notebooks: [attention-heads]") in out.out + out.err
