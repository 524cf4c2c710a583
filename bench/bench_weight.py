"""What a first visit to each page kind really fetches, in Chromium: the real course built (its notebook
cache reused), served gzip-compressed as GitHub Pages serves it, and every response of the visit summed,
uncompressed (Playwright's network events: HTML, CSS, JS, images, fonts, the search index if fetched).

    python -m bench.bench_weight
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.pages import budget, weigh
from bench.report import ROOT, build, copy_course, publish, set_cache_dir, table

TYPES = [("document", "HTML"), ("stylesheet", "CSS"), ("script", "JS"), ("image", "images"), ("font", "fonts"),
         ("search index", "search index"), ("fetch", "other requests")]


def rows(weights: dict[str, tuple[str, dict[str, int]]]) -> list[list[str]]:
    out = []
    for kind, (path, sizes) in weights.items():
        total = sum(sizes.values())
        parts = [f"{sizes.get(t, 0) / 1e3:.0f}" for t, _ in TYPES[:-1]]
        other = total - sum(sizes.get(t, 0) for t, _ in TYPES[:-1])
        verdict = "OK" if total <= budget(kind) else "over"
        out.append([kind, f"`/{path}`", *parts, f"{other / 1e3:.0f}", f"**{total / 1e3:.0f} kB**", f"{budget(kind) / 1e3:.0f} kB: {verdict}"])
    return out


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser.chromium import chromium

    with tempfile.TemporaryDirectory(prefix="bench-weight-") as work:
        project = copy_course(Path(work) / "course")
        set_cache_dir(project, (ROOT / ".cache" / "course").resolve())
        build(project)
        with chromium() as browser:
            weights = weigh(project / "site", browser)
    text = table(["page kind", "page", *(f"{label} (kB)" for _, label in TYPES), "first visit", "budget"], rows(weights))
    print(text + "\n")
    publish("weight", "Weight of each page kind",
            "A first visit to one page of each kind (the largest of its kind; of the sessions with a notebook, "
            "the heaviest), in Chromium with an empty cache: every response it fetched until the network was "
            "idle, summed uncompressed (the server compresses with gzip, as GitHub Pages does). The search index "
            "is fetched when the reader first opens the search, KaTeX when maths comes near the screen, and "
            "notebook figures when they do (lazy images), so a first visit fetches none of them unless it "
            f"shows them.\n\n{text}", runs=1)


if __name__ == "__main__":
    main()
