"""Where the build typeset all the maths, the site ships KaTeX's stylesheet cut to the rules its pages use and
KaTeX's fonts cut to the characters its formulas show, every one of them still there; without Node (the browser's
KaTeX may then show any character) both ship whole."""

from __future__ import annotations

import html
import os
import shutil

import pytest
from conftest import build_site, copy_project
from fontTools.ttLib import TTFont

from course.maths.fonts import ALWAYS, families, glyphs
from course.plugin import ASSETS

FONTS = ASSETS / "katex" / "fonts"
SHIPPED = "assets/course/katex"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node runs KaTeX")


def characters(font_path) -> set[str]:
    with TTFont(font_path) as font:
        return {chr(code) for code in font.getBestCmap()}


def test_the_characters_of_a_formula_are_those_its_html_shows():
    formula = ('<span class="katex"><span class="katex-mathml"><math><mi>q</mi></math></span>'
               '<span class="katex-html" aria-hidden="true"><span class="base"><span class="mord mathnormal">x</span>'
               '<span class="mrel">&lt;</span><span class="mord">&#x221E;</span><svg><path d="M0"/></svg></span></span>'
               '</span><span>not maths</span>')
    assert glyphs([formula]) == {"x", "<", "\u221e"} | set(ALWAYS)  # not the MathML's q, nor what follows
    second = '<span class="katex-html"><span class="mord">y</span></span>'
    assert glyphs([formula + "<p>z</p>" + second]) == {"x", "<", "\u221e", "y"} | set(ALWAYS)  # a page: every formula


def test_the_families_are_those_a_rule_asks_for_not_every_font_face():
    css = ('@font-face{font-family:KaTeX_Fraktur;src:url(f.woff2)}.katex{font:normal 1.21em KaTeX_Main,serif}'
           '.katex .mathnormal{font-family:KaTeX_Math}')
    assert families(css) == {"KaTeX_Main", "KaTeX_Math"}


@needs_node
def test_the_site_ships_katex_cut_to_what_its_maths_uses(built_site):
    css = (built_site / SHIPPED / "katex.min.css").read_text(encoding="utf-8")
    full = (ASSETS / "katex" / "katex.min.css").read_text(encoding="utf-8")
    assert len(css) < 0.5 * len(full)
    assert ".katex .mathnormal{" in css and ".katex .mathfrak" not in css  # the course writes no \mathfrak
    shown = set()
    for folder, _, names in os.walk(built_site):
        for name in names:
            if name.endswith(".html"):
                with open(os.path.join(folder, name), encoding="utf-8") as page:
                    shown |= glyphs([page.read()])
    assert {"\u2211", "\u03b1", "x"} <= shown  # a sum, an alpha, a variable: the course's maths is in the scan
    for name in ("KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2", "KaTeX_AMS-Regular.woff2"):
        cut, whole = built_site / SHIPPED / "fonts" / name, FONTS / name
        assert cut.stat().st_size < 0.6 * whole.stat().st_size, name
        # every character a formula shows that the font has, it still has; and not half the others
        assert characters(whole) & shown <= characters(cut), name
        assert len(characters(cut) - shown) < 0.5 * len(characters(whole) - shown), name
    fraktur = "KaTeX_Fraktur-Regular.woff2"  # no rule of the cut stylesheet asks for it: never fetched, as it is
    assert (built_site / SHIPPED / "fonts" / fraktur).read_bytes() == (FONTS / fraktur).read_bytes()


def test_without_node_katex_ships_whole(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "course")
    monkeypatch.setenv("PATH", str(tmp_path))  # no Node: the browser's KaTeX typesets the maths
    site = build_site(project)
    assert (site / SHIPPED / "katex.min.css").read_bytes() == (ASSETS / "katex" / "katex.min.css").read_bytes()
    for font in FONTS.glob("*.woff2"):
        assert (site / SHIPPED / "fonts" / font.name).read_bytes() == font.read_bytes(), font.name
    page = (site / "schedule" / "transformers" / "index.html").read_text(encoding="utf-8")
    assert r"\(" in html.unescape(page) and 'class="katex"' not in page


def test_the_characters_of_a_builds_maths_are_kept_for_the_same_formulas(tmp_path, monkeypatch):
    from course import maths

    typesetter = maths.MathsTypesetter(ASSETS / "katex" / "katex.min.js", tmp_path)
    typesetter._known = {"Ix": ['<span class="katex-html"><span>x</span></span>', None]}
    typesetter._used = {"Ix"}
    first = typesetter.shown()
    with monkeypatch.context() as patched:
        patched.setattr(maths, "glyphs", lambda formulas: pytest.fail("the formulas were read again"))
        assert typesetter.shown() == first == {"x"} | set(ALWAYS)
    typesetter._known["Iy"] = ['<span class="katex-html"><span>y</span></span>', None]
    typesetter._used.add("Iy")  # another formula: read again
    assert typesetter.shown() == {"x", "y"} | set(ALWAYS) and len(list(tmp_path.glob("glyphs-*.txt"))) == 1
