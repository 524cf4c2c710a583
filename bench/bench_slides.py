"""The lecture decks and the syllabus PDF: a cold build (every deck rendered by Marp and Chromium, the
syllabus typeset) against a warm one (nothing changed: nothing rendered, checked by the cache records
staying untouched), a build after editing one slide, and the same course without decks (what a warm
build with decks costs over one without).  Notebooks are left out, so the figures are the decks' own.

    python -m bench.bench_slides
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from bench.report import RUNS, build, copy_course, median, publish, set_cache_dir, table


def _records(cache: Path) -> dict[str, int]:
    """Each cache record (decks and syllabus) with its modification time: a render rewrites its record."""
    return {p.relative_to(cache).as_posix(): p.stat().st_mtime_ns
            for folder in ("slides", "syllabus") for p in (cache / folder).rglob("record.json")}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-slides-"))
    try:
        project = copy_course(work / "course", notebooks=False)
        assignments = project / "readings" / "assignments.yml"  # their notebooks are not in the copy either
        assignments.write_text(re.sub(r"(?m)^\s+notebooks: .*\n", "", assignments.read_text(encoding="utf-8")), encoding="utf-8")
        cache = work / "cache"
        set_cache_dir(project, cache)
        decks = sorted((project / "content" / "slides").glob("*.md"))
        times: dict[str, list[float]] = {"cold": [], "warm": [], "edit": [], "none": []}
        for _ in range(RUNS):
            shutil.rmtree(cache, ignore_errors=True)
            times["cold"].append(build(project))
        records = _records(cache)
        bare = copy_course(work / "bare", notebooks=False)  # the same course without decks, built in turn with it
        (bare / "readings" / "assignments.yml").write_text(assignments.read_text(encoding="utf-8"), encoding="utf-8")
        shutil.rmtree(bare / "content" / "slides")
        set_cache_dir(bare, work / "bare-cache")
        build(bare)
        for _ in range(max(RUNS, 5)):  # short builds on a shared machine: more runs, in turn
            times["warm"].append(build(project))
            times["none"].append(build(bare))
        untouched = _records(cache) == records and len(records) == len(decks) + 1
        for i in range(RUNS):
            deck = decks[0]
            deck.write_text(deck.read_text(encoding="utf-8").rstrip() + f"\n\nAn edit ({i}).\n", encoding="utf-8")
            times["edit"].append(build(project))
        site = project / "site"
        slides = site / "slides"
        sizes = {
            "deck HTML": sum(p.stat().st_size for p in slides.glob("*.html")) / len(decks),
            "deck PDF": sum(p.stat().st_size for p in slides.glob("*.pdf")) / len(decks),
            "thumbnails, all of a deck": sum(p.stat().st_size for p in slides.glob("*.png")) / len(decks),
            "syllabus.pdf": (site / "syllabus.pdf").stat().st_size,
        }
        t = {kind: median(values) for kind, values in times.items()}
        builds = table(["build", "median", "ratio to cold"], [
            [f"cold: empty cache, {len(decks)} deck(s) rendered (HTML, PDF, thumbnails), syllabus typeset", f"{t['cold']:.1f} s", "1.00"],
            ["warm: nothing changed (nothing rendered" + ("" if untouched else "; CACHE RECORDS CHANGED") + ")",
             f"{t['warm']:.1f} s", f"{t['warm'] / t['cold']:.2f}"],
            ["after editing one slide (that deck rendered again)", f"{t['edit']:.1f} s", f"{t['edit'] / t['cold']:.2f}"],
            ["warm, the same course without decks (built in turn with the warm runs)", f"{t['none']:.1f} s", f"{t['none'] / t['cold']:.2f}"],
        ])
        weight = table(["file", "size"], [[name, f"{size / 1e3:.0f} kB"] for name, size in sizes.items()])
        print(f"Decks and the syllabus PDF (no notebooks), median of {RUNS} runs each:\n\n{builds}\n\n{weight}\n")
        if not untouched:
            raise RuntimeError("a warm build rendered a deck or typeset the syllabus again")
        publish("slides", "Decks and the syllabus PDF",
                f"The default course without its notebooks, with its {len(decks)} lecture deck(s) and `syllabus.pdf`. "
                f"A warm build renders nothing (the cache records stay untouched). The warm builds with and without decks "
                f"alternate, {max(RUNS, 5)} of each.\n\n{builds}\n\n{weight}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
