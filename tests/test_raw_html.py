"""Raw HTML blocks set aside before Markdown (course.ground.raw_html): the page Markdown makes is the same."""

from __future__ import annotations

import markdown
import pytest
import yaml

from conftest import ROOT
from course.data.load import load_course_data
from course.ground.layout import Layout
from course.ground.raw_html import MARK, anchor_ids, put_back, set_aside, unsearched
from course.render.env import SiteContext, strip_front_matter
from course.render.registry import generate


def converter() -> markdown.Markdown:
    """Markdown with mkdocs.yml's extensions and their options."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names, options = [], {}
    for item in config["markdown_extensions"]:
        name, settings = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        names.append(name)
        options[name] = settings or {}
    return markdown.Markdown(extensions=names, extension_configs=options)


def same_page(text: str) -> tuple[str, str]:
    """What Markdown makes of ``text``, and of it with its blocks set aside and put back."""
    md = converter()
    plain = md.reset().convert(text)
    rest, blocks = set_aside(text)
    return plain, put_back(md.reset().convert(rest), blocks)


@pytest.mark.parametrize("text, kept", [
    ('# T\n\n<div class="a">\n<p>x <a href="#y">y</a></p>\n</div>\n\n## B\n\nText.\n', 1),
    ('<p class="cs-label">By topic</p>\n<ul>\n<li>a<br>b</li>\n</ul>\n\n<section id="s">\n<h2>S</h2>\n</section>\n', 2),
    ('<div>\n\n<p>a blank line inside</p>\n\n</div>\n', 1),
    ('<div>a</div> and text after\n\n<div>b</div>\n', 0),  # Markdown reads the rest of the line otherwise
    ('Text\n<div>mid-paragraph</div>\n\n<div>after</div>\n', 1),
    ('```\n<div>in a fence</div>\n```\n\n<div>after</div>\n', 0),
    ('<div markdown="1">\n*md*\n</div>\n\n<div>x</div>\n', 0),
    ('<script>if (a < b) {}</script>\n\n<div>x</div>\n', 0),
    ('    <div>indented code</div>\n\n<div>x</div>\n', 1),
    ('<!-- a comment -->\n\n<div>x</div>\n\n<!-- course:notebook n -->\n\n<div>y</div>\n', 2),
    ('<div>x</div>\n<!-- a comment right after a block -->\n\n<div>y</div>\n', 0),
    ('<div>x</div>\n\n<hr>\n\n<div>y</div>\n', 1),
    ('<span>inline</span> text\n\n<ul><li>a</li></ul>', 1),
    ('<div>unclosed\n\n<p>x</p>\n', 0),
    ('a <b and 3 > 2\n\n<div>x</div>\n', 0),
])
def test_what_is_set_aside_markdown_would_have_copied(text, kept):
    rest, blocks = set_aside(text)
    assert len(blocks) == kept
    assert all(MARK.format(i) in rest for i in range(kept))
    plain, aside = same_page(text)
    assert aside == plain


def test_a_page_that_has_the_mark_is_left_alone():
    text = f"{MARK.format(0)}\n\n<div>x</div>\n"
    assert set_aside(text) == (text, [])


def test_the_ids_of_the_blocks_are_places_links_may_point_to():
    text = ('<div id="a&amp;b"><a name="c">x</a><span name="no" class="x"></span><p ID=\'d\'>y</p></div>\n\n'
            '<ul class="z">\n<li data-id="no" id=e>z</li>\n</ul>\n')
    assert anchor_ids(set_aside(text)[1]) == {"a&b", "c", "d", "e"}


def test_a_block_the_search_skips_is_one_element_marked_so_without_a_heading_it_would_list():
    text = ('<div class="x" data-search-exclude>\n<p>a</p>\n</div>\n\n'
            '<p data-search-exclude>only this</p>\n<ul><li>b</li></ul>\n\n'  # two elements: the list is searched
            '<section data-search-exclude><h2 id="s">S</h2></section>\n\n<div>searched</div>\n')
    assert [unsearched(block) for block in set_aside(text)[1]] == [True, False, False, False]
    rest, blocks = set_aside(text)
    assert put_back(rest, blocks, leave=frozenset({0})).startswith(MARK.format(0))


def test_every_generated_page_of_the_course_converts_alike():
    data = load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False)
    pages = [f for f in generate(data, SiteContext()) if f.src.endswith(".md")]
    aside = 0
    for page in pages:
        text = strip_front_matter(page.content)
        plain, converted = same_page(text)
        assert converted == plain, page.src
        aside += len(set_aside(text)[1])
    assert aside > 2 * len(pages)  # most of the HTML is set aside
