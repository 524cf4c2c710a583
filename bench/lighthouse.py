"""Lighthouse (npm, pinned in tools/lighthouse/package-lock.json) on a served page, in its default mobile
emulation (a mid-range phone, simulated slow 4G and a 4x slower CPU), against Debian's chromium.

Shared by ``make bench`` (bench_lighthouse) and the slow test that asserts the scores
(tests/browser/test_lighthouse.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "tools" / "lighthouse"
BINARY = FOLDER / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")
# Goals (issue 16): performance at least 95, the other three 100.
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def install() -> bool:
    """``npm ci`` into tools/lighthouse when it is not there yet; whether Lighthouse can run."""
    if not BINARY.exists() and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--prefix", str(FOLDER), "--no-audit", "--no-fund"], check=True, capture_output=True)
    return BINARY.exists()


def audit(url: str, chrome: str = "/usr/bin/chromium", timeout: int = 180) -> dict:
    """Scores (0-100) per category, the metrics' display values, and the audits that cost points."""
    command = [str(BINARY), url, "--quiet", "--output=json", "--output-path=stdout", f"--chrome-path={chrome}",
               "--chrome-flags=--headless=new --no-sandbox", "--only-categories=" + ",".join(CATEGORIES)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    audits = report["audits"]
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failing = sorted({ref["id"] for name in CATEGORIES for ref in report["categories"][name]["auditRefs"]
                      if ref["weight"] > 0 and audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 0.9})
    metrics = {name: audits[name].get("displayValue", "").replace("\xa0", " ") for name in METRICS}
    return {"scores": scores, "metrics": metrics, "failing": failing}


def short_of(result: dict) -> list[str]:
    """The categories under their goal, as ``performance 81 < 95``."""
    return [f"{name} {result['scores'][name]} < {goal}" for name, goal in GOALS.items() if result["scores"][name] < goal]
