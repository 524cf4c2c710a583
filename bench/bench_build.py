"""Building the real course: cold (notebooks executed, empty cache) against warm rebuilds (nothing
changed, a prose edit, a code edit of one notebook), our plugin's overhead against a plain
``mkdocs build`` of the same pages (the weight of each page kind: bench_weight).

    python -m bench                 # every benchmark (BENCH_RUNS=3 runs each by default)
    python -m bench.bench_build
    BENCH_BUILD=overhead python -m bench.bench_build   # only plugin against plain, on the checkout's cache
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from bench.report import ROOT, RUNS, build, copy_course, median, publish, set_cache_dir, table

# A cold build executes every notebook (about ten minutes for the default course on two cores): one run
# by default, where the cheap builds get RUNS each.
COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", "1"))
OVERHEAD_GOAL = 1.15  # a warm build against a plain mkdocs build of the same pages (issue 16)
PROSE_GOAL = 1.2  # a build after a prose edit of a notebook against a warm build with nothing changed


def _notebook_lists(project: Path) -> list[list[str]]:
    """Each session's ``notebooks: [...]`` list that names at least one notebook."""
    text = (project / "readings" / "schedule.yml").read_text(encoding="utf-8")
    lists = ([n.strip() for n in m.split(",") if n.strip()] for m in re.findall(r"(?m)^\s+notebooks: *\[(.*)\]", text))
    return [names for names in lists if names]


def _notebook(project: Path) -> Path | None:
    """The first notebook the schedule names: the one the prose and code edits change."""
    lists = _notebook_lists(project)
    return project / "content" / "notebooks" / f"{lists[0][0]}.py" if lists else None


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def rebuilds(project: Path, cache: Path) -> dict[str, float]:
    """Median seconds of each kind of build."""
    notebook = _notebook(project)
    prose = notebook or sorted((project / "content" / "schedule").glob("*.md"))[0]
    times: dict[str, list[float]] = {"cold": [], "warm": [], "prose": [], "code": []}
    for _ in range(COLD_RUNS):
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(project / "site", ignore_errors=True)
        times["cold"].append(build(project))
    build(project)  # the first warm build after the cold one may still write (copies, cut stylesheets)
    for i in range(RUNS):  # in turns, so that the machine's drift weighs on both alike
        times["warm"].append(build(project))
        _append(prose, f"\n# %% [markdown]\n# A prose edit ({i}).\n" if notebook else f"\nA prose edit ({i}).\n")
        times["prose"].append(build(project))
    if notebook is not None:
        for i in range(RUNS):
            _append(notebook, f"\n# %%\nbench_edit = {i}\n")
            times["code"].append(build(project))
    return {kind: median(values) for kind, values in times.items() if values}


def plain_project(project: Path, dest: Path) -> Path:
    """The pages the plugin generates, written out as plain Markdown, in a project without our plugin."""
    from course.data.load import load_course_data
    from course.ground.layout import Layout
    from course.plugin import ASSET_PREFIX, ASSETS, EXTRA_CSS, EXTRA_JS, THEME_OVERRIDES
    from course.render.env import SiteContext
    from course.render.registry import generate

    docs = project / "content"
    data = load_course_data(Layout.from_mkdocs_yml(project))
    hand = {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8") for p in docs.rglob("*.md")}
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "content").mkdir(parents=True)
    for src, text in hand.items():
        target = dest / "content" / src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for file in generate(data, SiteContext(site_url="https://example.org/", hand_written=hand)):
        target = dest / "content" / file.src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.content if isinstance(file.content, bytes) else file.content.encode("utf-8"))
    shutil.copytree(ASSETS, dest / "content" / ASSET_PREFIX)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^  - course:?\n(      .*\n)*", "", config)
    config = config.replace("theme:\n", f"theme:\n  custom_dir: {THEME_OVERRIDES}\n", 1)
    config += "extra_css: [" + ", ".join(ASSET_PREFIX + c for c in EXTRA_CSS) + "]\n"
    config += "extra_javascript: [" + ", ".join(ASSET_PREFIX + j for j in EXTRA_JS) + "]\n"
    config += "hooks: [shared_parts.py]\n"
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    (dest / "shared_parts.py").write_text(_SHARED_PARTS, encoding="utf-8")
    return dest


# The theme (main.html) renders what pages outside the navigation share once per folder, from two names the
# plugin sets: the plain build sets them the same way, so that both render the same templates.  And the
# generated pages' raw HTML goes around Markdown, its blocks marked data-search-exclude around the search too,
# as the plugin does (Material's search fails on some of them: the pages could not be built otherwise).
_SHARED_PARTS = """\
from course.ground.raw_html import put_back, set_aside, unsearched
from course.ground.urls import listed_folders, shared_parts_key

listed = frozenset()
aside = {}

def on_page_markdown(markdown, page, config, files):
    markdown, aside[page.file.src_uri] = set_aside(markdown)
    return markdown

def on_page_content(html, page, config, files):
    blocks = aside.get(page.file.src_uri, [])
    return put_back(html, blocks, leave=frozenset(i for i, block in enumerate(blocks) if unsearched(block)))

def on_post_page(output, page, config):
    return put_back(output, aside.pop(page.file.src_uri, []))

def on_nav(nav, config, files):
    global listed
    listed = listed_folders(page.url for page in nav.pages)

def on_env(env, config, files):
    env.globals["course_shared"] = {}

def on_page_context(context, page, config, nav):
    context["course_shared_key"] = shared_parts_key(page.url, listed)
"""


def overhead(project: Path, plain: Path) -> tuple[float, float]:
    """Median seconds of a plain build and of a warm plugin build, run in turns (a busy machine slows both alike)."""
    pairs = [(build(plain, strict=False), build(project)) for _ in range(RUNS)]
    return median(p for p, _ in pairs), median(q for _, q in pairs)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        project = copy_course(work / "course")
        if os.environ.get("BENCH_BUILD") == "overhead":  # only the overhead, on the checkout's notebook cache
            set_cache_dir(project, (ROOT / ".cache" / "course").resolve())
            build(project)
            t_plain, t_plugin = overhead(project, plain_project(project, work / "plain"))
            print(table(["build of the same pages", "median", "ratio"], _overhead_rows(t_plain, t_plugin)))
            return
        cache = work / "cache"
        set_cache_dir(project, cache)
        notebooks = len(_notebook_lists(project))
        t = rebuilds(project, cache)
        t["plain"], t["plugin"] = overhead(project, plain_project(project, work / "plain"))
        rows = [["cold: empty cache, notebooks executed", f"{t['cold']:.1f} s", "1.00", ""],
                ["warm: nothing changed", f"{t['warm']:.1f} s", f"{t['warm'] / t['cold']:.2f}", "1.00"],
                ["after a prose edit" + (" (notebook Markdown cell)" if "code" in t else " (lecture notes)"), f"{t['prose']:.1f} s",
                 f"{t['prose'] / t['cold']:.2f}", f"{t['prose'] / t['warm']:.2f}"]]
        if "code" in t:
            rows.append(["after a code edit of one notebook", f"{t['code']:.1f} s", f"{t['code'] / t['cold']:.2f}",
                         f"{t['code'] / t['warm']:.2f}"])
        builds = table(["build", "median", "ratio to cold", "ratio to warm"], rows)
        prose = t["prose"] / t["warm"]
        builds += (f"\n\nA prose edit against a warm build: {prose:.2f} (goal: {PROSE_GOAL} or less): "
                   f"{'OK' if prose <= PROSE_GOAL else 'over'}. Cold: {COLD_RUNS} run(s); the others {RUNS} each, the warm and "
                   f"prose-edit builds in turns.")
        overhead_table = table(["build of the same pages", "median", "ratio"], _overhead_rows(t["plain"], t["plugin"]))
        print(f"The real course ({notebooks} sessions with notebooks), median of {RUNS} runs each:\n")
        for text in (builds, overhead_table):
            print(text + "\n")
        publish("build", "Building the course",
                f"The default course, {notebooks} of its sessions with an executed notebook.\n\n{builds}\n\n"
                f"Our plugin against a plain `mkdocs build` of the pages it generates (run in turns):\n\n{overhead_table}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _overhead_rows(plain: float, plugin: float) -> list[list[str]]:
    verdict = "OK" if plugin / plain <= OVERHEAD_GOAL else "over"
    return [["plain mkdocs build (pages pre-generated, no plugin)", f"{plain:.1f} s", "1.00"],
            ["with the course plugin (warm cache)", f"{plugin:.1f} s", f"{plugin / plain:.2f} (goal {OVERHEAD_GOAL}: {verdict})"]]


if __name__ == "__main__":
    main()
