"""Reading percent-format notebooks: cell lines, per-notebook options."""

from __future__ import annotations

import pytest

from course.ground.errors import CourseDataError
from course.ground.layout import list_notebooks
from course.notebooks.source import read_notebook


def test_cells_map_to_lines_of_the_py_file(nb_project):
    path = nb_project.notebook(
        "alpha",
        """\
        # %% [markdown]
        # # Title

        # %%
        # %matplotlib inline
        x = 1 + 1

        # %% tags=["slow"]
        y = 2
        z = y / 0
        """,
    )
    nb = read_notebook(path, nb_project.root)
    lines = path.read_text().splitlines()
    assert nb.display == "content/notebooks/alpha.py"
    assert [cell.cell_type for cell in nb.nb.cells] == ["markdown", "code", "code"]
    assert nb.locate(1, 2) == (lines.index("x = 1 + 1") + 1, "x = 1 + 1")
    assert nb.locate(1, 1) == (lines.index("# %matplotlib inline") + 1, "%matplotlib inline")
    assert nb.locate(2, 2) == (lines.index("z = y / 0") + 1, "z = y / 0")
    assert [cell.id for cell in nb.nb.cells] == ["cell-1", "cell-2", "cell-3"]  # stable across reads


def test_a_notebook_is_parsed_once_per_text_and_each_read_gets_its_own(nb_project, monkeypatch):
    """mkdocs serve reads every notebook again on each rebuild: jupytext parses a text once, and a reader that
    changes its notebook changes no other read's; an edit is read as the new text."""
    import jupytext

    body = f"# %%\nx = 1  # {nb_project.root}\n"  # a text no other test has read
    path = nb_project.notebook("alpha", body)
    parses = []
    real = jupytext.reads
    monkeypatch.setattr(jupytext, "reads", lambda text, **k: parses.append(text) or real(text, **k))
    first = read_notebook(path, nb_project.root)
    first.nb.cells[0].source = "changed by a reader"
    again = read_notebook(path, nb_project.root)
    assert len(parses) == 1
    assert again.nb.cells[0].source == f"x = 1  # {nb_project.root}" and again.nb.cells[0].id == "cell-1"
    nb_project.notebook("alpha", body.replace("x = 1", "x = 2"))
    assert read_notebook(path, nb_project.root).nb.cells[0].source.startswith("x = 2") and len(parses) == 2


def test_timeout_option_from_the_header(nb_project):
    header = "# ---\n# jupyter:\n#   course:\n#     timeout: 900\n# ---\n\n"
    path = nb_project.notebook("alpha", "# %%\nx = 1 + 1\n", header=header)
    assert read_notebook(path).timeout == 900


def test_unknown_or_bad_options_are_errors(nb_project):
    header = "# ---\n# jupyter:\n#   course:\n#     timout: 900\n#     timeout: -1\n# ---\n\n"
    path = nb_project.notebook("alpha", "# %%\nx = 1 + 1\n", header=header)
    with pytest.raises(CourseDataError) as error:
        read_notebook(path, nb_project.root)
    assert str(error.value).splitlines() == [
        "content/notebooks/alpha.py:3: 'course.timeout' must be a whole number of seconds > 0, not -1",
        "content/notebooks/alpha.py:3: unknown notebook option 'course.timout'; allowed: timeout",
    ]


def test_only_percent_files_next_to_the_package_are_notebooks(nb_project):
    nb_project.notebook("alpha", "# %%\nx = 1\n")
    nb_project.write("helpers.py", "x = 1\n")  # a plain module, no cell markers
    assert [p.name for p in list_notebooks(nb_project.notebooks)] == ["alpha.py"]
