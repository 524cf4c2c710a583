"""Running notebooks: the cache, prose edits, failures, timeouts, parallel kernels."""

from __future__ import annotations

import json
import sys

import pytest

from course.ground.errors import CourseDataError
from course.notebooks.cache import NotebookCache

HEADER_FOR = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Test
#     language: python
#     name: {kernel}
# ---

"""

ALPHA = """\
# %% [markdown]
# Alpha prose.

# %%
import lab
x = lab.double(1 + 1)
print("alpha says", x)
"""

BETA = """\
# %% [markdown]
# Beta prose.

# %%
y = 1 + 1
print("beta says", y)
"""


def outputs_text(result) -> str:
    return "".join(o.get("text", "") for cell in result.nb.cells if cell.cell_type == "code" for o in cell.outputs)


def test_second_run_starts_no_kernel_and_prose_edits_reuse_outputs(nb_project, kernel_starts):
    nb_project.notebook("alpha", ALPHA)
    nb_project.notebook("beta", BETA)
    first = nb_project.stage().run()
    assert sorted(kernel_starts) == ["alpha", "beta"]  # two notebooks, in parallel
    assert [(r.name, r.status) for r in first] == [("alpha", "executed"), ("beta", "executed")]
    assert outputs_text(first[0]) == "alpha says 4\n" and outputs_text(first[1]) == "beta says 2\n"
    assert first[0].peak_mb > 10 and first[0].seconds > 0

    second = nb_project.stage().run()
    assert sorted(kernel_starts) == ["alpha", "beta"]  # no new kernel
    assert [r.status for r in second] == ["cached", "cached"]
    assert (second[0].seconds, second[0].executed_at) == (first[0].seconds, first[0].executed_at)

    nb_project.notebook("alpha", ALPHA.replace("Alpha prose.", "Alpha prose, rewritten."))
    stage = nb_project.stage()
    third = stage.run()
    assert len(kernel_starts) == 2 and third[0].status == "cached"
    assert third[0].nb.cells[0].source == "Alpha prose, rewritten."
    assert outputs_text(third[0]) == "alpha says 4\n"
    html = stage.embed_html("alpha")
    assert "Alpha prose, rewritten." in html and "alpha says 4" in html

    nb_project.notebook("beta", BETA.replace("1 + 1", "2 + 2"))
    fourth = nb_project.stage().run()
    assert kernel_starts[2:] == ["beta"]  # only the edited notebook runs again
    assert [r.status for r in fourth] == ["cached", "executed"]
    assert fourth[1].reason == "code cell 1 changed" and outputs_text(fourth[1]) == "beta says 4\n"


def test_a_failing_cell_names_notebook_cell_line_and_exception(nb_project):
    nb_project.notebook("good", ALPHA)
    nb_project.notebook("other", BETA)
    nb_project.stage().run()
    cache = NotebookCache(nb_project.cache_dir)
    good_before, other_before = cache.record("good"), cache.record("other")

    path = nb_project.notebook("bad", "# %% [markdown]\n# Prose.\n\n# %%\nx = 1 + 1\n\n# %%\ny = x\nz = y / 0\n")
    nb_project.write("lab/util.py", "def double(x):\n    return x + x\n")  # good runs again, beside bad
    with pytest.raises(CourseDataError) as error:
        nb_project.stage().run()
    line = path.read_text().splitlines().index("z = y / 0") + 1
    assert str(error.value) == (
        f"content/notebooks/bad.py:{line}: notebook 'bad' failed in cell 3: ZeroDivisionError: division by zero\n"
        "    z = y / 0"
    )
    assert cache.record("bad") is None
    assert cache.failure("bad")["problem"] == str(error.value)  # a failure is recorded, as data
    assert cache.record("other") == other_before  # untouched
    good_after = cache.record("good")  # re-executed in the failing run, and stored
    assert good_after.key != good_before.key and cache.lookup("good", good_after.key) is not None


def test_a_failed_result_carries_its_problem_and_a_later_success_clears_the_record(nb_project):
    path = nb_project.notebook("flaky", "# %%\nx = 1 / 0\n")
    stage = nb_project.stage()
    (result,) = stage.notebooks.run()  # the runner returns failures; only the stage raises them
    assert result.status == "failed" and result.nb is None
    line = path.read_text().splitlines().index("x = 1 / 0") + 1
    assert str(result.problem) == f"{nb_project.layout().show(path)}:{line}: notebook 'flaky' failed in cell 1: ZeroDivisionError: division by zero\n    x = 1 / 0"
    assert stage.notebooks.cache.failure("flaky")["key"]
    nb_project.notebook("flaky", "# %%\nx = 1 / 1\n")
    (result,) = stage.notebooks.run()
    assert result.status == "executed" and result.problem is None
    assert stage.notebooks.cache.failure("flaky") is None


def test_an_error_inside_a_local_module_points_at_the_cell_and_the_module(nb_project):
    nb_project.write("lab/util.py", "def double(x):\n    return x / 0\n")
    path = nb_project.notebook("alpha", ALPHA)
    with pytest.raises(CourseDataError) as error:
        nb_project.stage().run()
    line = path.read_text().splitlines().index("x = lab.double(1 + 1)") + 1
    assert str(error.value) == (
        f"content/notebooks/alpha.py:{line}: notebook 'alpha' failed in cell 2: ZeroDivisionError: division by zero"
        " (at content/notebooks/lab/util.py:2)\n    x = lab.double(1 + 1)"
    )


def test_a_hanging_cell_is_stopped_at_the_timeout(nb_project):
    path = nb_project.notebook("hang", "# %%\nx = 1 + 1\n\n# %%\nwhile True:\n    pass\n")
    with pytest.raises(CourseDataError) as error:
        nb_project.stage(notebook_timeout=3).run()
    line = path.read_text().splitlines().index("while True:") + 1
    assert str(error.value) == (
        f"content/notebooks/hang.py:{line}: notebook 'hang' cell 2 did not finish within 3 s "
        "(raise 'timeout' in the notebook's metadata or the plugin's notebook_timeout)\n    while True:"
    )


def test_execution_is_seeded_and_single_threaded(nb_project):
    nb_project.notebook(
        "env",
        "# %%\nimport os, random\nprint(random.random(), os.environ['OMP_NUM_THREADS'], os.environ['PYTHONHASHSEED'],"
        " os.path.basename(os.getcwd()), os.environ['COURSE_ARTIFACTS_DIR'].endswith('artifacts'))\n",
    )
    (result,) = nb_project.stage().run()
    assert outputs_text(result) == "0.8444218515250481 1 0 notebooks True\n"


def test_unknown_names_are_reported(nb_project):
    nb_project.notebook("alpha", ALPHA)
    with pytest.raises(CourseDataError, match="no notebook named 'alhpa' in content/notebooks; available: alpha"):
        nb_project.stage().run(["alhpa"])


def test_a_notebook_writing_into_its_folder_is_reported(nb_project, caplog):
    nb_project.notebook("writer", "# %%\nopen('out.txt', 'w').write('x')\n")
    nb_project.stage().run()
    assert "notebooks wrote into" in caplog.text and "out.txt" in caplog.text


def test_a_kernel_that_dies_at_start_is_started_once_more_and_its_last_words_are_shown(nb_project, tmp_path, monkeypatch):
    """On a busy machine a kernel can die before it answers; the second start usually works, and if it does
    not, the error says what the kernel said (its stderr)."""
    starts = tmp_path / "starts.txt"
    spec = tmp_path / "jupyter" / "kernels" / "dying"
    spec.mkdir(parents=True)
    code = (f"import pathlib, sys; p = pathlib.Path({str(starts)!r}); p.write_text((p.read_text() if p.exists() else '') + 'x'); "
            "sys.stderr.write('boom: out of memory\\n'); sys.exit(3)")
    (spec / "kernel.json").write_text(json.dumps({"argv": [sys.executable, "-c", code, "-f", "{connection_file}"],
                                                  "display_name": "Dying", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    header = HEADER_FOR.format(kernel="dying")
    path = nb_project.notebook("dies", "# %%\nx = 1\n", header=header)
    with pytest.raises(CourseDataError) as error:
        nb_project.stage().run()
    assert starts.read_text() == "xx"  # started twice
    assert str(error.value) == (f"{nb_project.layout().show(path)}:1: notebook 'dies' could not be run with kernel 'dying': "
                                "Kernel died before replying to kernel_info\n    kernel log: boom: out of memory")
