"""KaTeX's fonts cut to the characters the site's maths shows (fontTools): a page whose maths is on its first
screen fetches three or four of them, 70 to 90 kB whole, for the few dozen characters a course's formulas use.

Every font a rule of the (cut) stylesheet can ask for is cut to one set of characters: every character of every
formula the build typeset, as KaTeX's HTML writes it (``glyphs``), and those its stylesheet writes itself (the
equation numbers).  One set for every font errs on the side of keeping: a letter of a formula is kept in every
font, whichever one shows it.  A font that no rule asks for is never fetched, and goes as it is.  The cuts drop
the fonts' hinting (instructions for low-resolution screens, a fifth of their bytes), as web-font services do
for today's browsers.  Only for a build that typeset all its maths: the browser's KaTeX, which a build without
Node leaves the maths to, may show any character.
"""

from __future__ import annotations

import html
import re
import shutil
from io import BytesIO
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import fontTools

from course.ground.keyed_files import key_of, sha_file, write_if_changed

ALWAYS = "()0123456789"  # the equation numbers: content: "(" counter(katexEqnNo) ")" in KaTeX's stylesheet
_HTML = '<span class="katex-html"'  # KaTeX's output: MathML for readers, then this, what is shown
_TAG = re.compile(r"<(/?)([a-zA-Z]+)\b[^>]*?(/?)>")
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_FAMILY = re.compile(r"KaTeX_[A-Za-z0-9]+")


def glyphs(texts: Iterable[str]) -> set[str]:
    """The characters that the KaTeX HTML in ``texts`` (formulas, or pages) shows: the text of its ``katex-html``
    parts (the MathML beside them is for screen readers, in the reader's own fonts)."""
    shown = set(ALWAYS)
    for text in texts:
        start = text.find(_HTML)
        while start >= 0:
            depth, last, end = 0, start, len(text)
            for tag in _TAG.finditer(text, start):
                if depth:
                    shown.update(html.unescape(text[last:tag.start()]))
                last = tag.end()
                if tag[2].lower() == "span" and not tag[3]:
                    depth += -1 if tag[1] else 1
                    if depth == 0:
                        end = tag.end()
                        break
            start = text.find(_HTML, end)
    shown.discard("\n")
    return shown


def families(stylesheet: str) -> set[str]:
    """The KaTeX font families the rules of ``stylesheet`` can ask for (its @font-face rules aside)."""
    return set(_FAMILY.findall(_FONT_FACE.sub("", stylesheet)))


@dataclass(frozen=True)
class Cut:
    fonts: int  # the fonts cut
    before: int  # their bytes
    after: int
    cached: bool


def cut_fonts(source: Path, dest: Path, shown: set[str], used: set[str], cache_dir: Path) -> Cut:
    """Write to ``dest`` each font of ``source`` whose family is in ``used``, cut to the characters ``shown``."""
    fonts = sorted(path for path in source.glob("*.woff2") if path.name.split("-", 1)[0] in used)
    key = key_of({"fonts": [[p.name, sha_file(p)] for p in fonts], "shown": "".join(sorted(shown)),
                  "fonttools": fontTools.version, "code": sha_file(Path(__file__))})
    cached = cache_dir / key[:20]
    hit = all((cached / p.name).exists() for p in fonts)
    if not hit:
        for old in cache_dir.glob("*"):  # the newest cut only: another set of characters makes another
            shutil.rmtree(old, ignore_errors=True)
        cached.mkdir(parents=True, exist_ok=True)
        for path in fonts:
            (cached / path.name).write_bytes(_cut(path, shown))
    before = after = 0
    for path in fonts:
        data = (cached / path.name).read_bytes()
        write_if_changed(dest / path.name, data)
        before, after = before + path.stat().st_size, after + len(data)
    return Cut(len(fonts), before, after, hit)


def _cut(path: Path, shown: set[str]) -> bytes:
    from fontTools import subset  # a quarter of a second to import: only for a build that cuts (not from the cache)
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    font = TTFont(path)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in shown])
    subsetter.subset(font)
    font.flavor = "woff2"
    out = BytesIO()
    font.save(out)
    return out.getvalue()
