"""The site ships the course's own stylesheet and scripts minified (every first visit fetches them), still
valid and with every rule and function they had; files minified already (KaTeX's) and the others go as they are
(KaTeX's stylesheet and fonts, cut to the maths the site shows: tests/test_maths_fonts.py)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import tinycss2

from course.plugin import ASSETS

SHIPPED = "assets/course"


@pytest.mark.parametrize("name", ["course.css", "course.js", "readings.js"])
def test_the_courses_own_assets_ship_minified(built_site, name):
    source, shipped = (ASSETS / name).read_bytes(), (built_site / SHIPPED / name).read_bytes()
    assert len(shipped) < 0.8 * len(source), f"{name}: {len(shipped):,} bytes shipped of {len(source):,}"


def test_the_minified_stylesheet_has_every_rule_of_the_source(built_site):
    def rules(css: str) -> list[str]:
        nodes = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        return ["".join(tinycss2.serialize(n.prelude).split()) for n in nodes if n.type in ("qualified-rule", "at-rule")]

    source = (ASSETS / "course.css").read_text(encoding="utf-8")
    assert rules((built_site / SHIPPED / "course.css").read_text(encoding="utf-8")) == rules(source)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node checks the scripts' syntax")
@pytest.mark.parametrize("name", ["course.js", "readings.js"])
def test_the_minified_scripts_are_valid_javascript(built_site, name):
    result = subprocess.run(["node", "--check", str(built_site / SHIPPED / name)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_minified_and_binary_files_ship_as_they_are(built_site):
    for name in ("katex/auto-render.min.js", "favicon.svg"):
        assert (built_site / SHIPPED / name).read_bytes() == (ASSETS / name).read_bytes()
