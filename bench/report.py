"""What the build benchmarks share: throw-away copies of the course, timed ``mkdocs build`` runs in a
fresh process (as a user runs them), medians, and the page of the site that publishes the figures
(content/about/benchmarks.md, one section per benchmark, rewritten by ``make bench``)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "content" / "about" / "benchmarks.md"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))

HEADER = """# Benchmarks

How long the site takes to build, and how heavy its pages are. `make bench` measures and rewrites
this page; every figure is the median of several runs on the machine named below, and every
comparison is a ratio of figures taken in the same run.
"""


def copy_course(dest: Path, *, notebooks: bool = True) -> Path:
    """A copy of the course to build and edit. Sessions naming a notebook that is not there lose the field."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("mkdocs.yml", "papers.bib"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "readings", dest / "readings")
    skip = ["__pycache__", ".ipynb_checkpoints"] + ([] if notebooks else ["notebooks"])
    shutil.copytree(ROOT / "content", dest / "content", ignore=shutil.ignore_patterns(*skip))
    present = {p.stem for p in (dest / "content" / "notebooks").glob("*.py")}
    for name in ("schedule.yml", "assignments.yml"):  # sessions and assignments name notebooks: keep those that are there
        path = dest / "readings" / name
        if path.exists():
            path.write_text(_present_notebooks(path.read_text(encoding="utf-8"), present), encoding="utf-8")
    return dest


def _present_notebooks(text: str, present: set[str]) -> str:
    """``text`` (YAML) with each ``notebooks: [...]`` list keeping only the notebooks in ``present``."""
    return re.sub(r"(?m)^(\s+notebooks: )\[(.*)\] *$", lambda m: m.group(1) + "[" + ", ".join(
        n for n in (x.strip() for x in m.group(2).split(",")) if n in present) + "]", text)


def set_cache_dir(project: Path, cache: Path) -> None:
    """Point the course plugin's notebook cache at ``cache`` (an absolute path)."""
    config = project / "mkdocs.yml"
    text = re.sub(r"(?m)^  - course\s*$", f"  - course:\n      cache_dir: {cache}", config.read_text(encoding="utf-8"))
    config.write_text(text, encoding="utf-8")


def build(project: Path, *, strict: bool = True) -> float:
    """Seconds one ``mkdocs build`` of ``project`` takes, in a fresh process."""
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet"] + (["--strict"] if strict else [])
    start = time.perf_counter()
    run = subprocess.run(command, cwd=project, env=environment(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise RuntimeError(f"mkdocs build failed in {project}:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
    return seconds


def environment() -> dict[str, str]:
    """The environment of a build or a server run in a copy of the course: this checkout's generator (tools/)
    first on the path, whatever copy of it is installed, and no MkDocs 2 notice. No bytecode is written, as in
    every earlier run of these benchmarks (the figures stay comparable; the Makefile keeps bytecode in
    .cache/pycache, and a warm build measured both ways differed by less than the machine's noise)."""
    path = os.pathsep.join(p for p in (str(ROOT / "tools"), os.environ.get("PYTHONPATH", "")) if p)
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=path)
    environment.pop("PYTHONPYCACHEPREFIX", None)  # make bench's own, from the Makefile
    return environment


def median(values) -> float:
    return statistics.median(list(values))


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (what the page shows) and a plain one (what the terminal shows) alike."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    cpus = os.cpu_count() or 0
    return f"{platform.system()} {platform.machine()}, {cpus} CPUs, Python {platform.python_version()}"


def publish(section: str, title: str, body: str, runs: int = RUNS) -> None:
    """Replace (or add) one benchmark's section of the published page (its figures: medians of ``runs``)."""
    PAGE.parent.mkdir(parents=True, exist_ok=True)
    text = PAGE.read_text(encoding="utf-8") if PAGE.exists() else HEADER
    start, end = f"<!-- bench:{section} -->", f"<!-- /bench:{section} -->"
    stamp = f"_Measured {dt.date.today().isoformat()} on {machine()}; medians of {runs} run(s)._"
    block = f"{start}\n## {title}\n\n{stamp}\n\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    PAGE.write_text(text, encoding="utf-8")
