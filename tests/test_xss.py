"""Hostile strings in the data end up as inert text in the built HTML."""

import pytest
from bs4 import BeautifulSoup

from conftest import build_site, edit
from course.ground.errors import CourseDataError

PAYLOADS = [
    "<script>alert(1)</script>",
    '" onmouseover="alert(1)" x="',
    "</title><script>alert(2)</script>",
    "[click](javascript:alert(3))",
    "{: onclick=alert(4) }",
    "&lt;img src=x onerror=alert(5)&gt;",
    "<img src=x onerror=alert(6)>",
]


def test_hostile_text_is_shown_literally_and_never_executes(project):
    hostile = " ".join(PAYLOADS)
    quoted = '"' + hostile.replace("\\", "\\\\").replace('"', '\\"') + '"'
    schedule = project / "readings" / "schedule.yml"
    edit(schedule, '    title: "Introduction: why decode GPT?"', f"    title: {quoted}")
    edit(schedule, "    summary: What large language models can do", f"    note: {quoted}\n    summary: What large language models can do")
    edit(project / "readings" / "talks" / "cs25-v4.yml", "      - name: Nathan Lambert", f"      - name: {quoted}")
    edit(project / "readings" / "announcements.yml", "    title: Welcome to Decoding GPT", f"    title: {quoted}")
    site = build_site(project)
    for path in ["index.html", "schedule/index.html", "schedule/introduction/index.html", "talks/cs25-v4/aligning-open-language-models/index.html",
                 "talks/index.html", "papers/sanderson2017neural/index.html", "schedule/neural-networks/index.html"]:
        html = (site / path).read_text(encoding="utf-8")
        page = BeautifulSoup(html, "html.parser")
        for script in page.find_all("script"):
            assert "alert" not in script.get_text(), (path, script)
        for element in page.find_all(True):
            for attribute, value in element.attrs.items():
                assert not attribute.startswith("on"), (path, element)
                if attribute in ("href", "src"):
                    assert not str(value).lower().lstrip().startswith(("javascript:", "data:")), (path, element)
        assert not page.find("img", src="x")
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "<script>alert(1)</script>" in home.get_text()  # shown as text
    session = BeautifulSoup((site / "schedule/introduction/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "[click](javascript:alert(3))" in session.select_one("h1").get_text()
    assert "alert(2)" in session.title.get_text() and not session.select("head script:not([src])") or all(
        "alert" not in s.get_text() for s in session.select("head script"))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "JAVASCRIPT:alert(1)"])
def test_unsafe_links_are_refused_before_they_reach_a_page(project, url):
    edit(project / "readings" / "course.yml", "    url: https://miv.name/decoding-gpt", f"    url: \"{url}\"")
    from course.data.load import load_course_data
    from course.ground.layout import Layout

    with pytest.raises(CourseDataError, match="links must start with http://, https:// or mailto:"):
        load_course_data(Layout.from_mkdocs_yml(project))
