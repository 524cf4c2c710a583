import pytest

from conftest import ROOT
from course.data.load import load_course_data
from course.ground.layout import Layout
from course.render.env import SiteContext
from course.ground.urls import page_url, paper_slug, relative
from course.render.registry import generate, is_generated


@pytest.mark.parametrize("src, url", [("index.md", ""), ("schedule/index.md", "schedule/"), ("schedule/x.md", "schedule/x/"), ("calendar.ics", "calendar.ics")])
def test_page_url(src, url):
    assert page_url(src) == url


@pytest.mark.parametrize("a, b, link", [
    ("schedule/index.md", "schedule/x.md", "x/"),
    ("schedule/x.md", "papers/a.md", "../../papers/a/"),
    ("index.md", "schedule/index.md", "schedule/"),
    ("schedule/x.md", "index.md", "../../"),
    ("schedule/index.md", "calendar.ics", "../calendar.ics"),
    ("index.md", "index.md", "./"),
])
def test_relative_links(a, b, link):
    assert relative(a, b) == link


def test_paper_slugs_are_url_safe_and_stable():
    assert paper_slug("Vaswani2017:Attention/x") == "vaswani2017-attention-x"


def test_every_page_the_generator_writes_is_known_as_generated():
    """The plugin lists in the navigation the hand-written pages that are not the generator's, by
    is_generated: a page kind it did not know would have its pages listed as hand-written ones."""
    layout = Layout.from_mkdocs_yml(ROOT)
    pages = [f.src for f in generate(load_course_data(layout, check_notebooks=False), SiteContext()) if f.src.endswith(".md")]
    assert {src.split("/")[0] for src in pages} >= {"index.md", "schedule", "talks", "episodes", "papers", "presentations", "notebooks"}
    assert [src for src in pages if not is_generated(src, layout)] == []


@pytest.mark.parametrize("src", ["about/benchmarks.md", "about/index.md", "faq.md", "schedule.md", "papers.md"])
def test_other_pages_are_hand_written(src):
    assert not is_generated(src, Layout.from_mkdocs_yml(ROOT))


def test_relative_links_are_what_posixpath_makes_of_them():
    from course.ground.urls import _relpath
    import itertools
    import posixpath

    paths = [".", "papers", "papers/x", "papers/x/y.bib", "papers/xy", "schedule/a/b", "readings/list-a-1.html", "index.html"]
    for path, start in itertools.product(paths, paths):
        assert _relpath(path, start) == posixpath.relpath(path, start), (path, start)
