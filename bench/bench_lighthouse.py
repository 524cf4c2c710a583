"""Lighthouse on one page of each page kind (the heaviest notebook session), mobile emulation, the real
course served gzip-compressed as GitHub Pages serves it.  LIGHTHOUSE_RUNS (default 1) runs per page;
the median score is published.

    python -m bench.bench_lighthouse
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench import lighthouse
from bench.pages import heaviest_page, page_kinds, serve_gzip
from bench.report import ROOT, build, copy_course, publish, set_cache_dir, table

RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "1"))


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    if not lighthouse.install():
        raise SystemExit("Lighthouse is not installed and npm is missing (npm ci --prefix tools/lighthouse)")
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as work:
        project = copy_course(Path(work) / "course")
        set_cache_dir(project, (ROOT / ".cache" / "course").resolve())
        build(project)
        site = project / "site"
        rows = []
        with serve_gzip(site) as base:
            for kind, paths in page_kinds(site).items():
                path = heaviest_page(site, paths)
                results = [lighthouse.audit(base + path) for _ in range(RUNS)]
                scores = {c: statistics.median(r["scores"][c] for r in results) for c in lighthouse.CATEGORIES}
                last = results[-1]
                rows.append([kind, f"`/{path}`", *(f"{scores[c]:.0f}" for c in lighthouse.CATEGORIES),
                             last["metrics"]["largest-contentful-paint"], last["metrics"]["total-blocking-time"],
                             last["metrics"]["cumulative-layout-shift"], ", ".join(last["failing"]) or "none"])
                print(" | ".join(rows[-1]), flush=True)
    text = table(["page kind", "page", "performance", "accessibility", "best practices", "SEO", "LCP", "TBT", "CLS",
                  "audits under 0.9"], rows)
    print("\n" + text + "\n")
    publish("lighthouse", "Lighthouse", "Lighthouse 12.2.3 in its default mobile emulation (simulated slow 4G, "
            "a 4x slower CPU) against Debian's chromium, the site served gzip-compressed. Goals: performance at "
            f"least 95, accessibility, best practices and SEO 100. Medians of {RUNS} run(s) per page.\n\n{text}", runs=RUNS)


if __name__ == "__main__":
    main()
