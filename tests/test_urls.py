import pytest

from course.render.urls import page_url, paper_slug, relative


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
