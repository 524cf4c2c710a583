"""The build typesets the pages' maths with KaTeX (run by Node, as the decks' Marp is), so that no page
ships KaTeX's script (276 kB) and a reader never sees TeX source before it is typeset.

What the maths is and where it is: ``ground.tex_in_html`` (auto-render's rules).  Each formula is typeset
once and kept in the cache (one file per KaTeX version and per version of this code, holding the formulas
of the last build): a warm build starts no Node at all.  Without Node the pages keep their TeX and the
browser's KaTeX typesets it, as before.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from course.ground import tex_in_html
from course.ground.keyed_files import atomic_write, key_of, sha_file, sha_text, write_newest
from course.maths import fonts
from course.maths.fonts import glyphs

SCRIPT = Path(__file__).resolve().parent / "katex.js"
STYLESHEET = "katex/katex.min.css"  # in the course's assets
SEPARATOR = "\x00"  # between formulas' keys (TeX holds no NUL)
KATEX_SCRIPTS = ("katex.min.js", "auto-render.min.js")  # in the course's katex/: for the browser, where the build had no Node


class MathsTypesetter:
    """Typesets the maths of one build's pages; ``close()`` at the end keeps what it typeset."""

    def __init__(self, katex_js: Path, cache_dir: Path):
        self.katex_js = katex_js
        self.cache_file = Path(cache_dir) / f"{key_of({'katex': sha_file(katex_js), 'script': sha_file(SCRIPT)})[:20]}.json"
        try:
            self._known: dict[str, list] = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._known = {}
        self._added = False
        self._used: set[str] = set()  # what this build typeset: the cache keeps only that
        self._node: subprocess.Popen | None = None
        self.unavailable: str | None = None  # why the maths is left to the browser, once that is so
        self.errors: list[tuple[str, str]] = []  # (TeX, KaTeX's message) of the page typeset last
        self.page_formulas: list[str] = []  # the formulas of the page typeset last (their keys)

    def typeset(self, page: str) -> str:
        """``page`` with its maths typeset; ``errors`` then lists the formulas that do not parse."""
        self.errors, self.page_formulas = [], []
        return tex_in_html.typeset(page, self._render)

    def reuse(self, formulas: list[str]) -> None:
        """A page typeset by an earlier build, reused as it was: its formulas count as this build's."""
        self._used.update(formulas)

    def shown(self) -> set[str]:
        """The characters this build's typeset maths shows (``fonts.glyphs``), kept for the set of formulas that
        shows them: a build with the same maths as the last reads them back (reading every formula's HTML again
        is a tenth of a second)."""
        used = sorted(key for key in self._used if key in self._known)
        made_by = [self.cache_file.stem, sha_file(Path(fonts.__file__))]  # KaTeX and the scripts; the reading
        kept = self.cache_file.with_name(f"glyphs-{sha_text(SEPARATOR.join(made_by + used))[:20]}.txt")
        try:
            return set(kept.read_text(encoding="utf-8"))
        except OSError:
            shown = glyphs(self._known[key][0] or "" for key in used)
        write_newest(kept, "".join(sorted(shown)), "glyphs-*.txt")
        return shown

    def _render(self, tex: str, display: bool) -> str | None:
        key = ("D" if display else "I") + tex
        self._used.add(key)
        self.page_formulas.append(key)
        answer = self._known.get(key)
        if answer is None:
            answer = self._ask(tex, display)
            if answer is None:  # no Node: the browser's KaTeX typesets it
                return None
            self._known[key], self._added = answer, True
        html, error = answer
        if error:
            self.errors.append((tex, error))
        return html  # None (KaTeX failed on it): the TeX stays, for the browser to try

    def _ask(self, tex: str, display: bool) -> list | None:
        """KaTeX's [html, error] for one formula, or None once Node cannot be used."""
        if self.unavailable:
            return None
        if self._node is None:
            node = shutil.which("node")
            if node is None:
                self.unavailable = "Node is not installed"
                return None
            self._node = subprocess.Popen([node, str(SCRIPT), str(self.katex_js)], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                          encoding="utf-8", bufsize=1)
        try:
            self._node.stdin.write(json.dumps([tex, display]) + "\n")
            self._node.stdin.flush()
            answer = json.loads(self._node.stdout.readline() or "null")
        except (OSError, ValueError):
            answer = None
        if not (isinstance(answer, list) and len(answer) == 2):
            self.unavailable = "KaTeX in Node stopped"
            return None
        return answer

    def close(self) -> None:
        if self._node is not None:
            self._node.stdin.close()
            self._node.wait()
            self._node = None
        if self._added or len(self._used) < len(self._known):  # new formulas, or some no page has now
            kept = {key: self._known[key] for key in self._used if key in self._known}
            atomic_write(self.cache_file, json.dumps(kept, ensure_ascii=False, sort_keys=True))
            self._known, self._added = kept, False
