"""Exercises from one source: the site folds the solution away, the student copy leaves it out and still
runs top to bottom (the checker lends the reference, with a note), and both are published."""

from __future__ import annotations

import functools
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import nbformat
import pytest
from nbclient import NotebookClient

from course.notebooks import exercises

CHECKS = '''\
def double(student):
    try:
        ok = student(3) == 6
    except NotImplementedError:
        print("double: not written yet. Using the reference meanwhile.")
        return reference
    print("double: passed." if ok else "double: wrong. Using the reference meanwhile.")
    return student if ok else reference


def reference(x):
    return 2 * x
'''

EXERCISE = '''\
# %% [markdown]
# # Doubling, by hand
#
# **Exercise.** Write `double`.

# %% tags=["exercise"]
def double(x):
    """Twice x."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def double(x):
    """Twice x."""
    return x + x  # THE SOLUTION


# %%
import lab.checks
double = lab.checks.double(double)
print("after the exercise:", double(21))
assert double(21) == 42
'''


def serve(folder):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def outputs(nb) -> str:
    return "".join(o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", []))


def test_site_folds_the_solution_and_the_student_copy_runs_without_it(nb_project, tmp_path_factory):
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    nb_project.write("lab/checks.py", CHECKS)
    nb_project.notebook("doubling", EXERCISE)
    nb_project.notebook("plain", "# %%\nx = 1\n")
    (nb_project.root / "content" / "index.md").write_text("# Home\n")
    server = serve(nb_project.root / "content")  # the site has docs_dir's layout under notebooks/
    (nb_project.root / "mkdocs.yml").write_text(
        f"site_name: Test\nsite_url: http://127.0.0.1:{server.server_port}/\ndocs_dir: content\n"
        "repo_url: https://github.com/owner/decoding-gpt\n")
    config = load_config(str(nb_project.root / "mkdocs.yml"))
    config.plugins._current_plugin = "course"
    stage = nb_project.stage(site_url=config.site_url, repo_url=config.repo_url)
    files = get_files(config)
    runs = stage.on_files(files, config)

    # the build ran the solution: the checker passed and the assert after it held
    full = nbformat.read(files.get_file_from_path("notebooks/doubling.ipynb").abs_src_path, as_version=4)
    assert "double: passed.\nafter the exercise: 42\n" in outputs(full)

    # the site: the stub in view, the solution inside a closed <details>, and both downloads in the toolbar
    html = stage.embed_html("doubling", page_url="schedule/day/")
    folded = re.findall(r'<details class="nb-solution"><summary>Show solution</summary>(.*?)</details>', html, re.S)
    assert len(folded) == 1 and "THE SOLUTION" in folded[0] and "NotImplementedError" not in folded[0]
    assert "THE SOLUTION" not in html.replace(folded[0], "") and "NotImplementedError" in html
    assert html.count("<div") == html.count("</div>")  # the fold keeps the markup balanced
    assert '<a class="md-button" href="../../notebooks/doubling-exercises.ipynb" download="doubling-exercises.ipynb">Exercises .ipynb</a>' in html
    assert ('href="https://colab.research.google.com/github/owner/decoding-gpt/blob/gh-pages/notebooks/doubling-exercises.ipynb"'
            in html) and "Open in Colab (exercises)" in html
    assert "Exercises .ipynb" not in stage.embed_html("plain")  # no exercises, no student copy
    uris = {f.src_uri for f in files}
    assert "notebooks/doubling-exercises.ipynb" in uris and "notebooks/plain-exercises.ipynb" not in uris

    # the catalogue: what each notebook does, its exercises and both downloads
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from course.render import notebooks as notebooks_page
    from course.render.env import SiteContext

    data = SimpleNamespace(sessions=[], layout=stage.layout)
    (page,) = notebooks_page.pages(data, SiteContext(notebooks=runs, built_at=datetime.now(timezone.utc)))
    doubling, plain = page.content.split('<article class="cs-catalogue-item"')[1:]
    assert '<h2 class="cs-catalogue-title">Doubling, by hand</h2>' in doubling and "<span>1 exercise</span>" in doubling
    assert "<p>Exercise&#46;</p>" in doubling  # its description
    colab = "https://colab.research.google.com/github/owner/decoding-gpt/blob/gh-pages/notebooks/"
    assert f'href="{colab}doubling.ipynb"' in doubling and f'href="{colab}doubling-exercises.ipynb"' in doubling
    assert 'href="doubling.ipynb" download="doubling.ipynb"' in doubling
    assert 'href="doubling-exercises.ipynb" download="doubling-exercises.ipynb"' in doubling
    assert "<span>No exercises</span>" in plain and "exercises.ipynb" not in plain and 'download="plain.ipynb"' in plain

    # the student copy: no solution code, no outputs; alone in a folder (as on Colab) it runs top to bottom
    student_path = files.get_file_from_path("notebooks/doubling-exercises.ipynb").abs_src_path
    student = nbformat.read(student_path, as_version=4)
    assert not any("THE SOLUTION" in cell.source or exercises.SOLUTION in exercises.tags(cell) for cell in student.cells)
    assert outputs(student) == "" and exercises.count(student) == 1
    alone = tmp_path_factory.mktemp("student")
    shutil.copy(student_path, alone / "doubling-exercises.ipynb")
    NotebookClient(student, timeout=60, resources={"metadata": {"path": str(alone)}}).execute()
    server.shutdown()
    assert "double: not written yet. Using the reference meanwhile.\nafter the exercise: 42\n" in outputs(student)


def test_fold_solutions_wraps_each_solution_cell_and_nothing_else():
    cell = '<div class="jp-Cell jp-CodeCell jp-Notebook-cell{}">\n<div class="jp-Cell x" id="i"><div>{}</div></div>\n</div>'
    page = "<main>" + cell.format("", "a") + cell.format(" celltag_solution", "b") + cell.format(" celltag_exercise", "c") + "</main>"
    folded = exercises.fold_solutions(page)
    assert folded == ("<main>" + cell.format("", "a") + '<details class="nb-solution"><summary>Show solution</summary>\n'
                      + cell.format(" celltag_solution", "b") + "\n</details>" + cell.format(" celltag_exercise", "c") + "</main>")
    assert exercises.fold_solutions("<p>no cells</p>") == "<p>no cells</p>"



def real_notebooks_with_exercises() -> list[str]:
    from pathlib import Path

    import jupytext

    folder = Path(__file__).resolve().parents[2] / "content" / "notebooks"
    return [path.stem for path in sorted(folder.glob("*.py")) if exercises.count(jupytext.read(path)) > 0]


WHOLE = "language-modelling"  # the student copy run to its last cell (the quickest notebook)


def test_one_real_student_copy_is_run_to_its_end():
    assert WHOLE in real_notebooks_with_exercises()


def through_last_check(student: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student copy up to its last exercise's checker (the cell after the stub). What follows is the
    full notebook's own code on the same values (each checker lends the reference, which its tests show
    equal to the solution), and the build runs it: running it twice would double the suite's notebook time."""
    last = max(i for i, cell in enumerate(student.cells) if exercises.EXERCISE in exercises.tags(cell))
    cut = next(i for i in range(last + 1, len(student.cells)) if student.cells[i].cell_type == "code") + 1
    return nbformat.from_dict({**student, "cells": student.cells[:cut]})


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xdist_group("exercises")) for n in real_notebooks_with_exercises()])
def test_each_real_student_copy_runs_on_the_references(name, tmp_path):
    """Every unsolved exercise says so and lends the reference, and the cells after it run on it: one student
    copy to its end, the others through their last exercise's check."""
    from pathlib import Path

    from course.ground.layout import Layout
    from course.notebooks.execute import kernel_environment
    from course.notebooks.source import read_notebook

    root = Path(__file__).resolve().parents[2]
    layout = Layout.from_mkdocs_yml(root)
    source = read_notebook(layout.notebooks / f"{name}.py", root)
    assert exercises.count(source.nb) >= 2, f"{name}: at least two exercises"
    student = exercises.student_copy(source.nb)
    assert not any(exercises.SOLUTION in exercises.tags(cell) for cell in student.cells)
    if name != WHOLE:
        student = through_last_check(student)
    client = NotebookClient(student, timeout=600, kernel_name=source.kernel,
                            resources={"metadata": {"path": str(layout.notebooks)}})
    client.execute(env=kernel_environment(layout.cache / "notebooks" / "artifacts"))  # trained models are shared
    assert outputs(student).count(": not written yet.") == exercises.count(source.nb)
