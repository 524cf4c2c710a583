"""Citations in hand-written pages: what is a citation, how it renders, and unknown keys at their line:col."""

from __future__ import annotations

import textwrap

import markdown
import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import Abort

from course.ground.citation_syntax import REFERENCES_MARKER, find_citations
from course.render.citations import render_citations
from course.cli import main as course_main
from course.data.load import load_course_data
from course.ground.layout import Layout
from course.ground.errors import CourseDataError
from conftest import ROOT, build_site

PAGE = textwrap.dedent("""\
    ---
    title: "A [@guide]"
    ---
    # Reading guide

    Attention [@vaswani2017attention] and induction heads [@elhage2021mathematical; @olsson2022context, sec. 2].
    Mail <someone@example.org> or [me@example.org], follow [@karpathy](https://x.com/karpathy), \\[@escaped].
    Inline `[@inline]` and ``[@double] ` `` code.

    ```python
    print("[@fenced]")
    ```

    <div class="note">
    [@rawhtml]
    </div>

    And again [@vaswani2017attention].

    <!-- [@comment] -->
    [@ref]: https://example.org
    """)


@pytest.fixture(scope="module")
def data():
    return load_course_data(Layout.from_mkdocs_yml(ROOT), check_notebooks=False)


def test_only_what_markdown_reads_as_text_is_a_citation():
    found = [[(i.key, i.locator) for i in c.items] for c in find_citations(PAGE)]
    assert found == [[("vaswani2017attention", "")], [("elhage2021mathematical", ""), ("olsson2022context", "sec. 2")],
                     [("vaswani2017attention", "")]]


def test_citations_render_as_linked_author_year_with_references(data):
    body = PAGE.split("---\n", 2)[2]
    out = render_citations(body, "guide/index.md", data)
    html = BeautifulSoup(markdown.markdown(out, extensions=["fenced_code"]), "html.parser")
    cites = html.select(".cs-cite")
    assert [c.get_text() for c in cites] == ["(Vaswani et al. 2017)", "(Elhage et al. 2021; Olsson et al. 2022, sec. 2)",
                                             "(Vaswani et al. 2017)"]
    first = cites[0].a
    assert (first["href"], first["id"], first["title"]) == ("../papers/vaswani2017attention/",
                                                             "cite-vaswani2017attention", "Attention Is All You Need")
    assert not cites[2].a.has_attr("id")  # only the first citation of a paper is the backlink target
    for literal in ("[@inline]", "[@double]", '"[@fenced]"', "[@rawhtml]", "[@karpathy]", "[@escaped]", "[me@example.org]"):
        assert literal in out
    assert "[@comment]" in out and "[@ref]: https://example.org" in out
    assert [li["id"] for li in html.select("ol.cs-references > li")] == [
        "ref-elhage2021mathematical", "ref-olsson2022context", "ref-vaswani2017attention"]
    assert html.select("h2")[-1].get_text() == "References"
    assert html.select_one("#ref-olsson2022context").get_text(" ", strip=True).startswith(
        "Olsson et al. 2022 Catherine Olsson, Nelson Elhage, Neel Nanda")


def test_a_page_without_citations_is_unchanged(data):
    text = "# Plain\n\nNo citations, an e-mail a@b.org and `[@code]`.\n"
    assert render_citations(text, "plain.md", data) is text


def test_the_references_marker_places_the_list(data):
    out = render_citations(f"See [@ba2016layer].\n\n{REFERENCES_MARKER}\n\n<nav>pager</nav>\n", "schedule/x.md", data)
    assert out.index("## References") < out.index("<nav>pager</nav>")


def test_unknown_key_in_a_page_is_an_error_at_its_line_before_anything_is_built(project):
    page = project / "content" / "guide.md"
    page.write_text(PAGE.replace("@olsson2022context, sec. 2", "@olson2022context"), encoding="utf-8")
    with pytest.raises(CourseDataError) as error:
        load_course_data(Layout.from_mkdocs_yml(project))
    assert str(error.value) == ("content/guide.md:6:82: unknown paper key 'olson2022context' in citation; "
                                "did you mean 'olsson2022context'? add it to papers.bib or fix the key")


def test_a_citation_markdown_would_read_as_a_link_definition_is_an_error(project):
    page = project / "content" / "guide.md"
    page.write_text("# Guide\n\n[@vaswani2017attention]: the paper that started it.\n\n```\n[@x]: in code\n```\n", encoding="utf-8")
    with pytest.raises(CourseDataError) as error:
        load_course_data(Layout.from_mkdocs_yml(project))
    assert str(error.value) == ("content/guide.md:3:1: a citation at the start of a line followed by ':' is read as a "
                                "Markdown link definition and vanishes with the word after it; move it, or put a word before it")


def test_a_citation_a_generated_page_gets_is_checked_when_it_is_rendered(data):
    with pytest.raises(CourseDataError) as error:
        render_citations("# Notes\n\nSee [@nobody].\n", "schedule/x.md", data, display="content/schedule/x.md")
    assert str(error.value) == "content/schedule/x.md:3:7: unknown paper key 'nobody' in citation; add it to papers.bib or fix the key"


def test_course_check_reports_citations_and_stray_notes(project, capsys):
    (project / "content" / "guide.md").write_text("# Guide\n\nSee [@vaswani2017atention].\n", encoding="utf-8")
    (project / "readings" / "notes" / "olsson2022contxt.md").write_text("See [@ba2016layer].\n", encoding="utf-8")
    assert course_main(["--root", str(project), "check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "content/guide.md:3:7: unknown paper key 'vaswani2017atention' in citation; did you mean "
        "'vaswani2017attention'? add it to papers.bib or fix the key",
        "readings/notes/olsson2022contxt.md: notes for an unknown paper key 'olsson2022contxt'; did you mean "
        "olsson2022context.md? name the file after a key in papers.bib",
    ]


def test_a_build_with_an_unknown_key_fails_cleanly(project, caplog):
    (project / "content" / "guide.md").write_text("---\ntitle: Guide\n---\n\n# Guide\n\nSee [@nope2020].\n",
                                                  encoding="utf-8")
    with pytest.raises(Abort):  # what MkDocs makes of the plugin's PluginError: exit 1, no traceback
        build_site(project)
    assert ("the course data has 1 problem(s):\ncontent/guide.md:7:7: unknown paper key 'nope2020' in citation; "
            "add it to papers.bib or fix the key") in caplog.text
