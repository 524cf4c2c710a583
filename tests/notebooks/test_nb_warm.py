"""A warm build makes nothing again that has not changed, and still notices every change that has."""

from __future__ import annotations

NOTE = """\
# %% [markdown]
# # Note
#
# The first words.

# %%
print("out of the kernel")
"""


def _mtimes(paths):
    return [path.stat().st_mtime_ns for path in paths]


def test_the_copies_are_made_again_only_when_the_notebook_changed(nb_project, kernel_starts):
    path = nb_project.notebook("note", NOTE)
    first = nb_project.stage()
    first.run()
    cache = first.notebooks.cache
    copies = cache.copies("note")[:2]
    before = _mtimes(copies)
    nb_project.stage().run()  # a new build (a new process: nothing kept in memory)
    assert _mtimes(copies) == before, "an unchanged notebook's copies are not written again"

    path.write_text(path.read_text(encoding="utf-8").replace("The first words.", "Other words."), encoding="utf-8")
    nb_project.stage().run()
    assert all("Other words." in copy.read_text(encoding="utf-8") for copy in copies), "a prose edit reaches both copies"
    assert kernel_starts == ["note"], "and starts no kernel"

    copies[1].write_text("{}", encoding="utf-8")  # a copy changed behind the build's back is made again
    nb_project.stage().run()
    assert "Other words." in copies[1].read_text(encoding="utf-8")
    copies[1].unlink()
    nb_project.stage().run()
    assert copies[1].exists()


def test_the_page_and_its_stylesheet_follow_an_edit_within_one_process(nb_project):
    path = nb_project.notebook("note", NOTE)
    stage = nb_project.stage()  # mkdocs serve: one stage object, a build after each save
    stage.run()
    assert "The first words." in stage.embed_html("note")
    css = stage.publisher.used_stylesheet(["note"])
    assert css == stage.publisher.used_stylesheet(["note"])

    path.write_text(path.read_text(encoding="utf-8").replace("The first words.", "Words in a table:\n#\n# | a | b |\n# | - | - |\n# | 1 | 2 |"),
                    encoding="utf-8")
    stage.run()
    html = stage.embed_html("note")
    assert "The first words." not in html and "<table" in html
    again = stage.publisher.used_stylesheet(["note"])
    assert again.read_text(encoding="utf-8") == stage.publisher.used_stylesheet(["note"]).read_text(encoding="utf-8")


def test_the_version_lookups_are_made_once_per_build(nb_project, monkeypatch):
    from importlib import metadata

    from course.notebooks import versions

    nb_project.notebook("note", NOTE)
    stage = nb_project.stage()
    stage.run()
    for name in ("one", "two"):
        nb_project.notebook(name, NOTE)
    asked = []
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda dist: asked.append(dist) or real(dist))
    stage = nb_project.stage()
    stage.run()
    for name in ("note", "one", "two"):
        stage.embed_html(name)
    assert len(asked) == len(set(asked)), f"looked up more than once: {sorted(asked)}"
    versions.refresh_versions()  # a pip install while mkdocs serve runs: the next build looks again
    assert versions.installed_version("nbconvert") == real("nbconvert")


USES = """\
# %%
import lab
text = open("data/later.txt").read() if False else ""
print(lab.double(2))
"""


def _age(folder, seconds=60):
    """Everything under ``folder`` last changed ``seconds`` ago (the kept inputs trust no file changed just now)."""
    import os
    import time

    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (time.time() - seconds, time.time() - seconds))


def test_kept_inputs_are_reused_until_a_module_or_a_folder_changes(nb_project, monkeypatch):
    from course.notebooks import kept_inputs
    from course.notebooks.source import read_notebook

    path = nb_project.notebook("uses", USES)
    _age(nb_project.notebooks)
    kept = nb_project.root / "kept"
    read = lambda: read_notebook(path, nb_project.root)  # noqa: E731
    found, real = [], kept_inputs.inputs_of
    monkeypatch.setattr(kept_inputs, "inputs_of", lambda *args: found.append(args) or real(*args))
    first = kept_inputs.kept_inputs_of(read(), nb_project.notebooks, kept)
    again = kept_inputs.kept_inputs_of(read(), nb_project.notebooks, kept)
    assert len(found) == 1 and again.key == first.key and again.deps == first.deps, "nothing changed: the kept inputs serve"
    assert again.inputs == first.inputs

    nb_project.write("lab/util.py", "def double(x):\n    return x + x\n")  # a real edit of a module it imports
    _age(nb_project.notebooks, 30)
    edited = kept_inputs.kept_inputs_of(read(), nb_project.notebooks, kept)
    assert len(found) == 2 and edited.key != first.key and edited.inputs["modules"] != first.inputs["modules"]

    nb_project.write("data/later.txt", "now there\n")  # a file a string literal names appears
    _age(nb_project.notebooks, 20)
    later = kept_inputs.kept_inputs_of(read(), nb_project.notebooks, kept)
    assert len(found) == 3 and "data/later.txt" in later.inputs["data"]
    assert kept_inputs.kept_inputs_of(read(), nb_project.notebooks, kept).key == later.key and len(found) == 3

    path.write_text(path.read_text(encoding="utf-8").replace("double(2)", "double(3)"), encoding="utf-8")  # a code edit
    assert kept_inputs.kept_inputs_of(read(), nb_project.notebooks, kept).key != later.key and len(found) == 4


def test_a_damaged_entry_is_not_used(nb_project, kernel_starts):
    nb_project.notebook("note", NOTE)
    stage = nb_project.stage()
    stage.run()
    cache = stage.notebooks.cache
    entry = cache.notebook_path(cache.record("note"))
    for damage in ('{"cells": "none"}', entry.read_text(encoding="utf-8")[:100]):  # not a notebook; cut short
        entry.write_text(damage, encoding="utf-8")
        assert cache.lookup("note", cache.record("note").key) is None
        nb_project.stage().run()
        assert "out of the kernel" in cache.render_path("note").read_text(encoding="utf-8")
    assert kernel_starts == ["note"] * 3
