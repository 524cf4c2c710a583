"""Announcements are a little Markdown: links (to the web or to a page of the site by its path), bold, emphasis,
code and bare web addresses; everything else stays text, and a link that is not safe is refused at its line."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup

from conftest import build_site, edit
from course.cli import main
from course.ground.inline_markdown import to_html


def site_link(path: str, anchor: str) -> str:
    return f"/{path}" + (f"#{anchor}" if anchor else "")


def test_the_little_markdown_becomes_escaped_html():
    text = ("See the [Presentations page](presentations/index.md), the [grading](syllabus.md#evaluation) and "
            "**bold**, *emphasis*, `a < b` and https://example.org/x.\n\n<script>alert(1)</script> 2*3*4 stays")
    assert to_html(text, site_link) == (
        '<p>See the <a href="/presentations/index.md">Presentations page</a>, the '
        '<a href="/syllabus.md#evaluation">grading</a> and <strong>bold</strong>, <em>emphasis</em>, '
        '<code>a &lt; b</code> and <a href="https://example.org/x">https://example.org/x</a>.</p>\n'
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; 2*3*4 stays</p>")
    assert to_html('[x](https://e.org/a"b)', site_link) == '<p><a href="https://e.org/a&#34;b">x</a></p>'
    assert to_html("[x](javascript:alert(1))", site_link) == "<p>[x](javascript:alert(1))</p>"  # never a link


def test_links_in_announcements_work_on_the_home_page_and_in_the_feed(built_site):
    home = BeautifulSoup((built_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(): a["href"] for a in home.select(".cs-announcement a")}
    assert links["Presentations page"] == "presentations/"
    assert links["syllabus"] == "syllabus/#materials"
    assert (built_site / "presentations" / "index.html").is_file()
    feed = ET.parse(built_site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    content = [e.find("a:content", ns) for e in feed.findall("a:entry", ns)]
    assert {c.get("type") for c in content} == {"html"}
    html = BeautifulSoup("".join(c.text for c in content), "html.parser")
    assert {a["href"] for a in html.select("a")} == {"https://mines-opt-ml.github.io/decoding-gpt/presentations/",
                                                     "https://mines-opt-ml.github.io/decoding-gpt/syllabus/#materials"}


def test_an_unsafe_link_target_is_refused_at_its_line(project, capsys):
    announcements = project / "readings" / "announcements.yml"
    edit(announcements, "See the [Presentations page](presentations/index.md).", "See [this](javascript:void).")
    line = announcements.read_text(encoding="utf-8").splitlines().index("    body: |", 10) + 1
    assert main(["--root", str(project), "check"]) == 1
    assert capsys.readouterr().out == (
        f"readings/announcements.yml:{line}:11: 'body': the link target 'javascript:void' is neither a "
        "web address (https://...), a mailto: address, nor a page of this site written as its path (e.g. "
        "presentations/index.md); change it to one of those\n")


def test_an_archived_term_home_renders_its_announcements_alike(project):
    assert main(["--root", str(project), "term", "archive"]) == 0
    site = build_site(project)
    home = BeautifulSoup((site / "2027-spring" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert {a.get_text(): a["href"] for a in home.select(".cs-announcement a")}["Presentations page"] == \
        "presentations/"
