"""The built site ships Material's stylesheets (the main one, the palette's) cut to the rules its pages and
scripts can use, under the theme's own file names; a rebuild cuts it again from the theme's file, from the cache when nothing
that makes it has changed."""

from __future__ import annotations

import os
from pathlib import Path

import material
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import build_site, edit
from course.theme_css import cut_stylesheets, is_theme_css

STYLESHEETS = Path(material.__file__).resolve().parent / "templates" / "assets" / "stylesheets"
MAIN = next(p for p in STYLESHEETS.glob("main.*.min.css") if is_theme_css(f"assets/stylesheets/{p.name}"))
PALETTE = next(p for p in STYLESHEETS.glob("palette.*.min.css") if is_theme_css(f"assets/stylesheets/{p.name}"))


def site_css(site: Path, sheet: Path = MAIN) -> str:
    return (site / "assets" / "stylesheets" / sheet.name).read_text(encoding="utf-8")


def cut_one(source: Path, dest: Path, site: Path, cache: Path):
    return cut_stylesheets([(source, dest)], site, cache)[0]


def test_the_site_ships_materials_stylesheet_cut_to_what_it_uses(built_site):
    css = site_css(built_site)
    assert len(css) < 0.75 * len(MAIN.read_text(encoding="utf-8"))
    assert f'href="assets/stylesheets/{MAIN.name}"' in (built_site / "index.html").read_text(encoding="utf-8")
    for used in (".md-header{", ".md-typeset table:not([class])", ".md-nav__link", ".md-typeset div.arithmatex"):
        assert used in css, f"{used} is used by the pages"
    # classes only Material's scripts add: the search results, the copy button, the repository's facts
    for scripted in (".md-search-result__item", ".md-code__button", ".md-source__fact--stars"):
        assert scripted in css, f"{scripted} is added at run time"
    for unused in (".md-banner", ".md-consent", ".md-typeset .admonition", ".md-post"):
        assert unused not in css, f"no page of the default course has {unused}"


def test_a_rebuild_brings_back_the_rules_for_a_class_a_page_starts_using(project):
    site = build_site(project)
    assert ".md-typeset .admonition" not in site_css(site)
    edit(project / "content" / "about" / "benchmarks.md", "\n", "\n\n!!! note\n    A note.\n\n")
    cwd = os.getcwd()
    os.chdir(project)
    try:  # as `mkdocs serve --dirty` rebuilds: only the edited page is written again
        build(load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=False), dirty=True)  # dirty warns
    finally:
        os.chdir(cwd)
    assert ".md-typeset .admonition" in site_css(site)


def test_the_cut_is_made_from_the_themes_file_and_cached(tmp_path):
    source, site, cache = tmp_path / "main.css", tmp_path / "site", tmp_path / "cache"
    source.write_text(".md-used{top:0}.md-unused{top:1px}", encoding="utf-8")
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text('<p class="md-used">x</p>', encoding="utf-8")
    dest = site / "assets" / "main.css"
    dest.write_text(".md-used{left:0}", encoding="utf-8")  # a cut of an older stylesheet, left by a dirty build
    first = cut_one(source, dest, site, cache)
    assert dest.read_text(encoding="utf-8") == ".md-used{top:0}" and not first.cached
    assert cut_one(source, dest, site, cache).cached and len(list(cache.glob("*.css"))) == 1
    (site / "assets" / "app.js").write_text('el.classList.add("md-unused")', encoding="utf-8")
    again = cut_one(source, dest, site, cache)
    assert not again.cached and dest.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    assert len(list(cache.glob("*.css"))) == 1  # only the newest cut is kept


def test_the_palette_keeps_the_colours_the_site_names_and_both_schemes(built_site):
    """mkdocs.yml names deep purple and amber, in a light and a dark scheme: the others' rules go."""
    css, full = site_css(built_site, PALETTE), PALETTE.read_text(encoding="utf-8")
    assert len(css) < 0.5 * len(full)
    for kept in ("[data-md-color-primary=deep-purple]", "[data-md-color-accent=amber]", "[data-md-color-scheme=slate]"):
        assert kept in css and kept in full
    for gone in ("[data-md-color-primary=indigo]", "[data-md-color-accent=lime]", "[data-md-color-primary=black]"):
        assert gone in full and gone not in css


def test_two_stylesheets_keep_their_own_cuts_in_the_cache(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text('<body data-md-color-primary="red"><p class="md-used">x</p>', encoding="utf-8")
    main, palette = tmp_path / "main.1.min.css", tmp_path / "palette.2.min.css"
    main.write_text(".md-used{top:0}.md-unused{top:1px}", encoding="utf-8")
    palette.write_text("[data-md-color-primary=red]{--c:red}[data-md-color-primary='blue']{--c:blue}", encoding="utf-8")
    pairs = [(main, site / "assets" / main.name), (palette, site / "assets" / palette.name)]
    assert [cut.cached for cut in cut_stylesheets(pairs, site, cache)] == [False, False]
    assert [cut.cached for cut in cut_stylesheets(pairs, site, cache)] == [True, True]
    assert (site / "assets" / palette.name).read_text(encoding="utf-8") == "[data-md-color-primary=red]{--c:red}"
    assert sorted(p.name.split("-")[0] for p in cache.glob("*.css")) == ["main", "palette"]


def test_a_rebuild_scans_only_the_pages_and_scripts_that_changed(tmp_path, monkeypatch):
    import functools

    from course.ground import css_tokens
    from course.theme_css import _site_tokens

    scanned = []

    def counted(scan):
        @functools.wraps(scan)
        def wrapper(text):
            scanned.append(text)
            return scan(text)
        return wrapper

    monkeypatch.setattr(css_tokens, "page_tokens", counted(css_tokens.page_tokens))
    monkeypatch.setattr(css_tokens, "script_tokens", counted(css_tokens.script_tokens))
    def rebuilt(pages, scripts):
        expected = css_tokens.site_tokens(pages, scripts)
        scanned.clear()
        tokens = _site_tokens(pages, scripts, tmp_path)
        assert tokens == expected
        return tokens

    pages, scripts = ['<p class="a">', '<p class="gone" data-md-color-primary="red">'], ['x.add("b")']
    rebuilt(pages, scripts)
    assert len(scanned) == 3
    rebuilt(pages, scripts)
    assert scanned == []
    tokens = rebuilt(['<p class="a c">'], scripts)  # one page changed, one gone: its names go with it
    assert scanned == ['<p class="a c">'] and tokens.can_occur("c") and not tokens.can_occur("gone") and not tokens.palette
