"""The cache key counts code, local modules, data files, kernel and library versions, not prose."""

from __future__ import annotations

from course.notebooks.inputs import cache_key, describe_change, find_dependencies, key_inputs
from course.notebooks.source import read_notebook

BODY = """\
# %% [markdown]
# # Title
#
# Prose that students read.

# %%
import lab
import json
import numpy as np
numbers = open("data/numbers.txt").read()
x = lab.double(1 + 1)
"""


def key_of(nb_project, name="alpha"):
    source = read_notebook(nb_project.notebooks / f"{name}.py", nb_project.root)
    deps = find_dependencies(source.code_sources(), nb_project.notebooks)
    inputs = key_inputs(source, deps, nb_project.notebooks)
    return cache_key(inputs), inputs


def test_inputs_name_what_the_code_uses(nb_project):
    nb_project.notebook("alpha", BODY)
    _, inputs = key_of(nb_project)
    assert sorted(inputs["modules"]) == ["lab/__init__.py", "lab/util.py"]
    assert list(inputs["data"]) == ["data/numbers.txt"]
    assert list(inputs["packages"]) == ["numpy"]  # json is standard library, lab is local
    assert inputs["packages"]["numpy"].startswith("numpy==")
    assert inputs["kernel"] == "python3" and len(inputs["code"]) == 1


def test_prose_edit_keeps_the_key(nb_project):
    nb_project.notebook("alpha", BODY)
    before, _ = key_of(nb_project)
    nb_project.notebook("alpha", BODY.replace("Prose that students read.", "Better prose.\n#\n# ## A new section"))
    assert key_of(nb_project)[0] == before


def test_code_edit_changes_the_key(nb_project):
    nb_project.notebook("alpha", BODY)
    before, old = key_of(nb_project)
    nb_project.notebook("alpha", BODY.replace("1 + 1", "1 + 2"))
    after, new = key_of(nb_project)
    assert after != before
    assert describe_change(old, new) == "code cell 1 changed"


def test_local_module_edit_changes_the_key(nb_project):
    nb_project.notebook("alpha", BODY)
    before, old = key_of(nb_project)
    nb_project.write("lab/util.py", "def double(x):\n    return x + x\n")
    after, new = key_of(nb_project)
    assert after != before
    assert describe_change(old, new) == "lab/util.py changed"


def test_data_file_edit_changes_the_key(nb_project):
    nb_project.notebook("alpha", BODY)
    before, old = key_of(nb_project)
    nb_project.write("data/numbers.txt", "1 2 3 4\n")
    after, new = key_of(nb_project)
    assert after != before
    assert describe_change(old, new) == "data/numbers.txt changed"


def test_a_module_is_parsed_for_its_hash_once_per_text(nb_project, monkeypatch):
    """Every notebook that imports a module hashes it, and each rebuild of mkdocs serve keys every notebook again:
    the syntax tree of a module's text is made once (an edit still moves the key: the test above)."""
    import ast

    text = f"def double(x):\n    return 2 * x  # {nb_project.root}\n"  # a text no other test has hashed
    nb_project.write("lab/util.py", text)
    nb_project.notebook("alpha", BODY)
    nb_project.notebook("beta", BODY.replace("1 + 1", "2 + 2"))
    parses = []
    real = ast.parse
    monkeypatch.setattr(ast, "parse", lambda source, *a, **k: parses.append(source) or real(source, *a, **k))
    first = key_of(nb_project, "alpha")[0]
    for name in ("beta", "alpha", "beta"):
        key_of(nb_project, name)
    assert key_of(nb_project, "alpha")[0] == first
    assert 1 <= parses.count(text) <= 2  # the dependency scan's parse and the hash's, each once


def test_imports_of_local_modules_are_followed(nb_project):
    nb_project.write("lab/util.py", "import matplotlib.pyplot as plt\n\ndef double(x):\n    return 2 * x\n")
    nb_project.notebook("alpha", "# %%\nfrom lab import double\n%matplotlib inline\n")
    _, inputs = key_of(nb_project)
    assert list(inputs["packages"]) == ["matplotlib"]  # found through lab/util.py; the magic did not break parsing


def test_a_changed_library_version_is_named(nb_project):
    nb_project.notebook("alpha", BODY)
    _, old = key_of(nb_project)
    new = {**old, "packages": {"numpy": "numpy==0.1"}}
    assert cache_key(new) != cache_key(old)
    assert describe_change(old, new).startswith("numpy changed (numpy==")


def test_only_the_modules_a_notebook_reaches_count(nb_project):
    nb_project.write("lab/__init__.py", '"""The shared package; importing it loads no submodule."""\n')
    nb_project.write("lab/util.py", "from .shapes import square\n\ndef double(x):\n    return 2 * x\n")
    nb_project.write("lab/shapes.py", "from . import numbers\n\ndef square(x):\n    return x * x\n")
    nb_project.write("lab/numbers.py", "ONE = 1\n")
    nb_project.write("lab/unused.py", "import scipy\n")
    nb_project.notebook("alpha", "# %%\nfrom lab.util import double\n")
    nb_project.notebook("beta", "# %%\nfrom lab import numbers\nimport lab.unused\n")
    _, alpha = key_of(nb_project, "alpha")
    assert sorted(alpha["modules"]) == ["lab/__init__.py", "lab/numbers.py", "lab/shapes.py", "lab/util.py"]
    assert list(alpha["packages"]) == []
    _, beta = key_of(nb_project, "beta")
    assert sorted(beta["modules"]) == ["lab/__init__.py", "lab/numbers.py", "lab/unused.py"]
    before = key_of(nb_project, "alpha")[0]
    nb_project.write("lab/unused.py", "import scipy  # edited\n")
    assert key_of(nb_project, "alpha")[0] == before  # editing a module alpha never imports keeps its cache


def test_a_comment_or_docstring_edit_in_lab_reruns_nothing_and_a_code_edit_exactly_its_dependents(tmp_path):
    """On the default course: lab/induction.py gets a comment and a new docstring (no notebook's key moves), then
    one line of code (the keys of exactly the notebooks that import it move)."""
    import shutil
    from pathlib import Path

    from course.ground.layout import list_notebooks
    from course.notebooks.inputs import inputs_of

    folder = tmp_path / "notebooks"
    shutil.copytree(Path(__file__).resolve().parents[2] / "content" / "notebooks", folder,
                    ignore=shutil.ignore_patterns("__pycache__"))

    def keys() -> dict[str, str]:
        return {path.stem: inputs_of(read_notebook(path, tmp_path), folder).key for path in list_notebooks(folder)}

    module = folder / "lab" / "induction.py"
    dependents = {path.stem for path in list_notebooks(folder)
                  if module.resolve() in inputs_of(read_notebook(path, tmp_path), folder).deps.local_files}
    assert len(dependents) >= 2
    before = keys()
    text = module.read_text(encoding="utf-8")
    first_def = text.index("\ndef ") + 1
    commented = (text[:first_def] + "# A comment a reader adds.\n\n" + text[first_def:]).replace(
        "The probe sequence is", "The probe sequence (as the docstring now says) is", 1)
    assert commented.count('"""') == text.count('"""') and "(as the docstring now says)" in commented
    module.write_text(commented, encoding="utf-8")
    after = keys()
    # gpt-from-scratch shows lab source (lab.show_source), so it keys its modules as written
    assert {name for name in after if after[name] != before[name]} <= {"gpt-from-scratch"}
    assert len(dependents - {"gpt-from-scratch"}) >= 2
    before = after
    module.write_text(commented + "\nEXTRA = 1\n", encoding="utf-8")
    after = keys()
    assert {name for name in after if after[name] != before[name]} == dependents

    # A notebook that prints a module's source (gpt-from-scratch shows lab/gpt.py's code) re-runs on a comment there.
    gpt = folder / "lab" / "gpt.py"
    before = keys()
    gpt.write_text(gpt.read_text(encoding="utf-8") + "\n# A comment at the end.\n", encoding="utf-8")
    after = keys()
    assert {name for name in after if after[name] != before[name]} == {"gpt-from-scratch"}
