"""``course notebooks run|list``, in-process."""

from __future__ import annotations

from course.cli import main

NOTEBOOK = "# %% [markdown]\n# Prose.\n\n# %%\nx = 1 + 1\nprint(x)\n"


def test_run_shows_progress_and_force_runs_again(nb_project, capsys, kernel_starts):
    nb_project.notebook("alpha", NOTEBOOK)
    assert main(["--root", str(nb_project.root), "notebooks", "run"]) == 0
    out, err = capsys.readouterr()
    assert "notebooks: 100%" in err and "1/1" in err
    assert out.startswith("alpha") and "executed" in out and "(not executed before)" in out

    assert main(["--root", str(nb_project.root), "notebooks", "run"]) == 0
    assert "cached" in capsys.readouterr().out and kernel_starts == ["alpha"]

    assert main(["--root", str(nb_project.root), "notebooks", "run", "--force", "alpha"]) == 0
    out, _ = capsys.readouterr()
    assert "executed" in out and "(forced)" in out and kernel_starts == ["alpha", "alpha"]


def test_run_fails_with_the_message(nb_project, capsys):
    nb_project.notebook("alpha", "# %%\nx = 1 + 1\n\n# %%\nraise ValueError('bad value')\n")
    assert main(["--root", str(nb_project.root), "notebooks", "run"]) == 1
    err = capsys.readouterr().err
    assert "content/notebooks/alpha.py:13: notebook 'alpha' failed in cell 2: ValueError: bad value\n    raise ValueError('bad value')" in err


def test_list_says_what_changed(nb_project, capsys):
    nb_project.notebook("alpha", NOTEBOOK)
    assert main(["--root", str(nb_project.root), "notebooks", "list"]) == 0
    assert capsys.readouterr().out.split() == ["alpha", "not", "executed", "before"]


def test_unknown_notebook(nb_project, capsys):
    nb_project.notebook("alpha", NOTEBOOK)
    assert main(["--root", str(nb_project.root), "notebooks", "run", "alpah"]) == 1
    assert capsys.readouterr().err.strip() == (
        "content/notebooks: no notebook named 'alpah' in content/notebooks; available: alpha"
    )


def test_run_takes_the_site_url_from_mkdocs_yml(nb_project, capsys, caplog):
    (nb_project.root / "mkdocs.yml").write_text(
        "site_url: https://example.org/course/\ndocs_dir: content\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    nb_project.notebook("alpha", "# %%\nimport lab\nprint(lab.double(2))\n")
    assert main(["--root", str(nb_project.root), "notebooks", "run"]) == 0
    download = (nb_project.cache_dir / "download" / "alpha.ipynb").read_text(encoding="utf-8")
    assert "https://example.org/course/notebooks/" in download and "lab/__init__.py" in download
    assert "set site_url" not in caplog.text


def test_the_notebooks_folder_and_cache_come_from_mkdocs_yml(nb_project, capsys):
    """The plugin's notebooks_dir and cache_dir in mkdocs.yml are the command's too (no flags to repeat them)."""
    nb_project.notebook("alpha", NOTEBOOK)
    (nb_project.root / "content" / "notebooks").rename(nb_project.root / "content" / "labs")
    (nb_project.root / "mkdocs.yml").write_text(
        "site_name: Test\ndocs_dir: content\nplugins:\n  - course:\n      notebooks_dir: labs\n      cache_dir: .cache/elsewhere\n",
        encoding="utf-8",
    )
    assert main(["--root", str(nb_project.root), "notebooks", "list"]) == 0
    assert capsys.readouterr().out.split() == ["alpha", "not", "executed", "before"]
    assert main(["--root", str(nb_project.root), "notebooks", "run"]) == 0
    assert "executed" in capsys.readouterr().out
    assert (nb_project.root / ".cache" / "elsewhere" / "notebooks" / "entries" / "alpha" / "record.json").is_file()
    assert not (nb_project.root / ".cache" / "course").exists()
    assert main(["--root", str(nb_project.root), "notebooks", "run", "beta"]) == 1
    assert capsys.readouterr().err.strip() == "content/labs: no notebook named 'beta' in content/labs; available: alpha"


def test_shards_run_into_their_own_caches_and_once_merged_nothing_runs_again(nb_project, capsys, kernel_starts, tmp_path):
    names = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    for i, name in enumerate(names):
        nb_project.notebook(name, NOTEBOOK.replace("1 + 1", f"{i} + 1"))
    root = ["--root", str(nb_project.root), "notebooks"]
    shards = [tmp_path / "shard-1", tmp_path / "shard-2"]
    ran = []
    for i, folder in enumerate(shards, start=1):
        assert main([*root, "run", "--shard", f"{i}/2", "--cache-dir", str(folder)]) == 0
        ran.append(sorted(p.name for p in (folder / "notebooks" / "entries").iterdir()))
    capsys.readouterr()
    assert sorted(ran[0] + ran[1]) == sorted(names) and ran[0] and ran[1]  # each notebook in exactly one shard
    assert sorted(kernel_starts) == sorted(names)
    assert not (nb_project.root / ".cache").exists()  # the shards wrote only their own caches

    assert main([*root, "merge", *map(str, shards)]) == 0
    assert capsys.readouterr().out == f"merged 6 notebooks into .cache/course/notebooks: {', '.join(sorted(names))}\n"
    kernel_starts.clear()
    assert main([*root, "run"]) == 0  # what a build does: every notebook comes from the merged cache
    assert kernel_starts == [] and capsys.readouterr().out.count("cached") == 6


def test_a_bad_shard_or_merge_folder_is_refused(nb_project, capsys, tmp_path):
    nb_project.notebook("alpha", NOTEBOOK)
    assert main(["--root", str(nb_project.root), "notebooks", "run", "--shard", "3/2"]) == 1
    assert capsys.readouterr().err == "--shard: '3/2' is not a shard; write I/N with 1 <= I <= N, e.g. 1/2\n"
    assert main(["--root", str(nb_project.root), "notebooks", "merge", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (f"error: {tmp_path} holds no notebook cache (no notebooks/entries/ in it); give the "
                                       "--cache-dir of a `course notebooks run --shard` job\n")


def test_the_deploy_runs_the_notebooks_in_a_matrix_of_shards_and_the_build_merges_them():
    import re
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    jobs = yaml.safe_load((root / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))["jobs"]
    shards = jobs["notebooks"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) >= 2
    (run,) = [s["run"] for s in jobs["notebooks"]["steps"] if "notebooks-shard" in s.get("run", "")]
    assert f"SHARD=${{{{ matrix.shard }}}}/{len(shards)}" in run
    cache = re.search(r"SHARD_CACHE=(\S+)", run)[1]
    (upload,) = [s for s in jobs["notebooks"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert upload["with"]["path"].rstrip("/") == cache and upload["with"]["name"] == "notebooks-shard-${{ matrix.shard }}"
    build = jobs["test-and-build"]
    assert build["needs"] == "notebooks"
    steps = build["steps"]
    download = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/download-artifact"))
    assert steps[download]["with"]["pattern"] == "notebooks-shard-*"
    merge = next(i for i, s in enumerate(steps) if "notebooks-merge" in s.get("run", ""))
    tests = next(i for i, s in enumerate(steps) if s.get("run") == ".ci/run")
    assert download < merge < tests  # merged before anything builds
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert "course notebooks run --shard $(SHARD) --cache-dir $(SHARD_CACHE)" in makefile
    assert "course notebooks merge $(SHARDS)" in makefile
