"""mkdocs serve's rebuilds reuse what the last build made (course.rebuilds): after an edit of each kind, the
site a rebuild leaves is, file for file, the site a fresh build of the same sources makes."""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

from course import rebuilds

pytestmark = pytest.mark.slow

SERVE_URL = "http://127.0.0.1:8000/"


@contextlib.contextmanager
def fresh_plugins():
    """MkDocs keeps one instance of a plugin with ``on_startup`` for the whole process (mkdocs serve's builds share
    it): a fresh build gets new ones, and the serving ones are put back after."""
    from mkdocs.config.defaults import MkDocsConfig

    cache = MkDocsConfig.plugins.plugin_cache
    kept = dict(cache)
    cache.clear()
    try:
        yield
    finally:
        cache.clear()
        cache.update(kept)


@contextlib.contextmanager
def serve_mode(project: Path):
    """Plugins of their own (MkDocs keeps one instance of Material's search and of ours per process: another test
    may have told them of a --dirty build), told they are in mkdocs serve; the process's own are put back after."""
    from mkdocs.config import load_config

    with fresh_plugins(), contextlib.chdir(project):
        load_config(str(project / "mkdocs.yml")).plugins.on_startup(command="serve", dirty=False)
        yield


def build(project: Path, site: Path, *, serving: bool) -> Path:
    """One build of ``project`` into ``site`` as mkdocs serve makes it (its address), by the serving plugins
    (``serving``) or by fresh ones that keep nothing."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    def run():
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
        config.site_url = SERVE_URL
        if not serving:
            config.plugins.on_startup(command="build", dirty=False)
        mkdocs_build(config, serve_url=SERVE_URL)

    with contextlib.chdir(project), (contextlib.nullcontext() if serving else fresh_plugins()):
        run()
    return site


def files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*") if path.is_file()}


_BUILT_AT = re.compile(rb"(DTSTAMP:|<lastBuildDate>|<updated>|built )[^<\r\n]*")  # the build's own time


def differences(served: dict[str, bytes], fresh: dict[str, bytes]) -> list[str]:
    missing = sorted(set(fresh) - set(served))
    extra = sorted(set(served) - set(fresh))
    changed = sorted(name for name in set(served) & set(fresh)
                     if _BUILT_AT.sub(b"", served[name]) != _BUILT_AT.sub(b"", fresh[name]))
    return [f"missing {name}" for name in missing] + [f"left over {name}" for name in extra] + [f"differs {name}" for name in changed]


def retitle(project: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.bench_serve import first_session, retitle as save_title

    schedule = project / "readings" / "schedule.yml"
    save_title(schedule, first_session(schedule), "Retitled while serving")


def prose(project: Path) -> None:
    page = project / "content" / "schedule" / "superposition.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\nA sentence added while serving.\n", encoding="utf-8")


def maths(project: Path) -> None:
    page = project / "content" / "schedule" / "superposition.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\nAnd a formula: $\\zeta(2) = \\pi^2 / 6$.\n", encoding="utf-8")


def figure(project: Path) -> None:
    svg = project / "content" / "figures" / "causal-mask.svg"
    svg.write_text(svg.read_text(encoding="utf-8").replace("</svg>", "<!-- redrawn --></svg>"), encoding="utf-8")


def paper(project: Path) -> None:
    bib = project / "papers.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(re.sub(r"(?m)^(\s*title\s*=\s*\{)", r"\1Retitled: ", text, count=1), encoding="utf-8")


def test_each_rebuild_after_an_edit_is_a_fresh_build_of_the_same_sources(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "course")
    assert (project / "content" / "schedule" / "superposition.md").exists()
    reused = {"pages": 0, "templates": 0}
    finished, reuse_pages = rebuilds.Rebuilds.finished_page, rebuilds.Rebuilds.reuse_pages

    def counting(self, page, parts, finish):
        done, was = finished(self, page, parts, finish)
        reused["pages"] += was
        return done, was

    def counting_templates(self, config, nav, pages, later):
        reuse_pages(self, config, nav, pages, later)
        reused["templates"] += sum(page.meta.get("template") == rebuilds.REUSED for page in pages)

    monkeypatch.setattr(rebuilds.Rebuilds, "finished_page", counting)
    monkeypatch.setattr(rebuilds.Rebuilds, "reuse_pages", counting_templates)
    served = tmp_path / "served"

    with serve_mode(project):
        build(project, served, serving=True)
        script = next(served.glob("assets/javascripts/bundle.*.min.js"))
        inode = script.stat().st_ino
        for edit in (retitle, prose, maths, figure, paper):
            reused.update(pages=0, templates=0)
            edit(project)
            build(project, served, serving=True)
            fresh = build(project, Path(tempfile.mkdtemp(dir=tmp_path)), serving=False)
            assert differences(files(served), files(fresh)) == [], edit.__name__
            assert reused["pages"] > 100, f"{edit.__name__}: the pages the edit did not touch were finished as they were"
            assert reused["templates"] > 100, f"{edit.__name__}: and most were not even rendered"
            assert script.stat().st_ino == inode, "Material's script came back from the last build, not copied"
        assert b"redrawn" in (served / "figures" / "causal-mask.svg").read_bytes()


class _Static:
    """What ``Rebuilds.carry`` reads of a static file of MkDocs' ``Files``."""

    def __init__(self, src: Path, site: Path, name: str):
        self.abs_src_path, self.dest_uri, self.abs_dest_path = str(src / name), name, str(site / name)
        self.copies = 0

    def is_documentation_page(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        self.copies += 1
        Path(self.abs_dest_path).parent.mkdir(parents=True, exist_ok=True)
        Path(self.abs_dest_path).write_bytes(Path(self.abs_src_path).read_bytes())


def _static_build(keeper, src: Path, site: Path, names, after=lambda: None):
    """One build's static files as MkDocs handles them, with ``after`` run where on_post_build cuts."""
    site.mkdir(exist_ok=True)
    keeper.start(site, {})
    statics = [_Static(src, site, name) for name in names]
    keeper.carry(site, statics).wait()
    for static in statics:
        static.copy_file()
    keeper.finish()
    after()
    return statics


def test_a_static_file_comes_back_only_if_neither_its_source_nor_its_copy_changed(tmp_path):
    src, site = tmp_path / "src", tmp_path / "site"
    src.mkdir()
    for name in ("same.js", "edited.css", "cut.css"):
        (src / name).write_text(f"/* {name} */", encoding="utf-8")
    keeper = rebuilds.Rebuilds()
    names = ["same.js", "edited.css", "cut.css"]
    _static_build(keeper, src, site, names, after=lambda: (site / "cut.css").write_text("/* cut */", encoding="utf-8"))
    (src / "edited.css").write_text("/* edited */", encoding="utf-8")
    again = _static_build(keeper, src, site, names)
    assert [static.copies for static in again] == [0, 1, 1]  # the cut copy is not the source's: copied again
    assert (site / "cut.css").read_text(encoding="utf-8") == "/* cut.css */"
    assert (site / "edited.css").read_text(encoding="utf-8") == "/* edited */"
    assert (site / "same.js").read_text(encoding="utf-8") == "/* same.js */"
    third = _static_build(keeper, src, site, names[:1])
    assert [static.copies for static in third] == [0] and sorted(p.name for p in site.iterdir()) == ["same.js"]


NOTEBOOK = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Norms by hand
#
# The length of $(3, 4)$, computed.

# %%
print((3 ** 2 + 4 ** 2) ** 0.5)

# %% [markdown]
# ## Takeaways
#
# It is five.
"""


def test_a_notebooks_prose_edit_while_serving_gives_the_page_a_fresh_build_gives(tmp_path, monkeypatch):
    """The small second course with one notebook: after a prose edit of it, mkdocs serve's rebuild (the edited
    cell rendered alone, the other pages reused) leaves the site a fresh build makes; and so after an edit of
    its code (the notebook run again)."""
    import json

    from course.notebooks import publish

    rendered = []  # the cells of each notebook handed to the converter
    convert = publish.convert
    monkeypatch.setattr(publish, "convert", lambda path, theme="light": rendered.append(
        len(json.loads(Path(path).read_text(encoding="utf-8"))["cells"])) or convert(path, theme))
    project = tmp_path / "course"
    shutil.copytree(ROOT / "tests" / "fixtures" / "second-course", project)
    (project / "content" / "notebooks").mkdir(parents=True)
    notebook = project / "content" / "notebooks" / "norms.py"
    notebook.write_text(NOTEBOOK, encoding="utf-8")
    schedule = project / "readings" / "schedule.yml"
    schedule.write_text(schedule.read_text(encoding="utf-8").replace(
        "    title: Vectors and norms\n", "    title: Vectors and norms\n    notebooks: [norms]\n", 1), encoding="utf-8")
    served = tmp_path / "served"

    with serve_mode(project):
        build(project, served, serving=True)
        page = served / "schedule" / "vectors-and-norms" / "index.html"
        assert "5.0" in page.read_text(encoding="utf-8")
        for old, new in (("It is five.", "It is five, as Pythagoras says."), ("** 0.5)", "** 0.5, 'by hand')")):
            notebook.write_text(notebook.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
            rendered.clear()
            build(project, served, serving=True)
            assert rendered == ([1] if "Pythagoras" in new else [3]), "a prose edit renders the cell it changed, alone"
            if "by hand" in new:  # the rebuild ran the notebook; the next one, like a fresh build, finds it cached
                assert "5.0 by hand" in page.read_text(encoding="utf-8")
                build(project, served, serving=True)
            fresh = build(project, Path(tempfile.mkdtemp(dir=tmp_path)), serving=False)
            assert differences(files(served), files(fresh)) == [], old
        shown = page.read_text(encoding="utf-8")
        assert "as Pythagoras says" in shown and "5.0 by hand" in shown


def test_after_failed_rebuilds_the_next_one_is_a_fresh_build(tmp_path):
    """A rebuild that stops early (the data does not parse) or late (a broken link in --strict, after every page
    is written): once the sources are fixed, the next rebuild leaves the site a fresh build makes."""
    from mkdocs.exceptions import Abort, PluginError

    project = copy_project(tmp_path / "course")
    served = tmp_path / "served"
    with serve_mode(project):
        build(project, served, serving=True)
        schedule = project / "readings" / "schedule.yml"
        note = project / "content" / "schedule" / "superposition.md"
        for path, broken in ((schedule, "sessions: ["), (note, "See [this](missing-page.md).\n\n")):
            good = path.read_text(encoding="utf-8")
            path.write_text(broken + good if path == note else good.replace("sessions:", broken, 1), encoding="utf-8")
            with pytest.raises((PluginError, Abort)):  # the data's error, or MkDocs' stop in strict mode
                build(project, served, serving=True)
            path.write_text(good, encoding="utf-8")
        retitle(project)
        build(project, served, serving=True)
        fresh = build(project, Path(tempfile.mkdtemp(dir=tmp_path)), serving=False)
        assert differences(files(served), files(fresh)) == []
