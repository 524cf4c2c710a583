"""The external tools a deck is made with: Marp CLI (npm, pinned in package-lock.json, run with the
machine's Node) and Chromium (Debian's, for the PDF and the thumbnails).  Nothing is downloaded.

Marp is found at ``$MARP`` or ``node_modules/.bin/marp`` in the project (``npm ci`` puts it
there; ``make site`` runs that), Chromium at ``$CHROME_PATH`` or ``chromium`` on the PATH.
Every run has a timeout, and a failure is a ``Problem`` at the deck, never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course.ground.errors import Problem

TIMEOUT = 180  # seconds for one conversion (Chromium's first start on a busy machine is slow)
THUMBNAIL_SCALE = 0.3  # 1280x720 slides -> 384x216 thumbnails


class MarpError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass(frozen=True)
class Tools:
    marp: Path
    chromium: Path | None
    versions: dict  # what a deck's bytes depend on besides its source

    @classmethod
    def find(cls, root: Path) -> "Tools | None":
        """The tools for the project at ``root``, or None when Marp is not installed."""
        marp = _marp(root)
        if marp is None:
            return None
        chromium = os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
        chromium_path = Path(chromium) if chromium else None
        versions = {"marp": _marp_versions(marp), "chromium": _chromium_version(str(chromium_path)) if chromium_path else None}
        return cls(marp, chromium_path, versions)

    def convert(self, markdown: str, display: str, kind: str, *, title: str | None = None) -> dict[str, bytes]:
        """Run Marp on ``markdown``: ``kind`` "html", "pdf" or "png" (one image per slide); the files made,
        by suffix ("html", "pdf", "001.png", ...)."""
        if kind != "html" and self.chromium is None:
            raise MarpError(Problem(display, 0, 0, "the deck's PDF and thumbnails need Chromium: install Debian's "
                                                   "chromium (sh tools/install-chromium.sh) or set CHROME_PATH"))
        with tempfile.TemporaryDirectory(prefix="course-deck-") as work:
            source = Path(work) / "deck.md"
            source.write_text(markdown, encoding="utf-8")
            command = [str(self.marp), "--no-config-file", *(["--title", title] if title else []), str(source)]
            if kind == "html":
                command += ["-o", str(Path(work) / "deck.html")]
            else:
                command += ["--allow-local-files", "--browser", "chrome", "--browser-path", str(self.chromium),
                            "--browser-timeout", str(TIMEOUT)]
                command += ["--pdf", "-o", str(Path(work) / "deck.pdf")] if kind == "pdf" else \
                    ["--images", "png", "--image-scale", str(THUMBNAIL_SCALE), "-o", str(Path(work) / "deck.png")]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT + 30, cwd=work,
                                      env={**os.environ, "LANG": "en_US.UTF-8"}, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                raise MarpError(Problem(display, 0, 0, f"Marp took longer than {TIMEOUT + 30} s to make the {kind}; "
                                                       "is Chromium working? (try `chromium --headless --version`)")) from None
            made = {p.name[len("deck."):]: p.read_bytes() for p in Path(work).iterdir() if p.name != "deck.md"}
            if done.returncode != 0 or not made:
                lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if "ERROR" in line or "rror" in line]
                detail = lines[-1] if lines else (done.stderr.strip().splitlines() or ["no output"])[-1]
                raise MarpError(Problem(display, 0, 0, f"Marp could not make the {kind} (exit {done.returncode}): {detail}"))
            return made


# The checkout the generator runs from (an editable install): its node_modules serve a course beside it.
_GENERATOR_CHECKOUT = Path(__file__).resolve().parents[3]


def _marp(root: Path) -> Path | None:
    configured = os.environ.get("MARP")
    for candidate in (configured, root / "node_modules" / ".bin" / "marp",
                      _GENERATOR_CHECKOUT / "node_modules" / ".bin" / "marp", shutil.which("marp")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@lru_cache(maxsize=8)
def _marp_versions(marp: Path) -> str:
    """marp-cli's and marp-core's versions, read from their package.json (no Node start)."""
    package = Path(marp).resolve().parent
    found = []
    for folder in (package, package / "node_modules" / "@marp-team" / "marp-core", package.parent / "marp-core"):
        try:
            meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("name") in ("@marp-team/marp-cli", "@marp-team/marp-core") and meta["name"] not in str(found):
            found.append(f"{meta['name']}@{meta.get('version')}")
    return ", ".join(found) or str(marp)


@lru_cache(maxsize=4)
def _chromium_version(chromium: str) -> str:
    try:
        return subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
