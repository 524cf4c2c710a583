"""syllabus.pdf: the Syllabus page's data typeset with Typst, linked from the Syllabus and home pages,
the same bytes for the same data, and typeset again only when that data changes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import build_site, copy_project, edit
from course.data.load import load_course_data
from course.ground.layout import Layout
from course.ground.words import day
from course.render import syllabus_pdf

pypdf = pytest.importorskip("pypdf")


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _data(project: Path):
    return load_course_data(Layout.from_mkdocs_yml(project))


def test_the_pdf_has_the_code_every_outline_part_the_grading_and_the_first_sessions_date(built_site):
    data = _data(built_site.parent)
    text = _text((built_site / "syllabus.pdf").read_bytes())
    assert "MATH 598B" in text and "Decoding GPT" in text and "Spring 2027" in text
    assert data.course.outline and all(part.title in text for part in data.course.outline)
    assert data.course.grading and all(g.component in text and f"{g.weight}%" in text for g in data.course.grading)
    first = data.sessions[0]
    assert f"{day(first.date)} {first.date.year}" == "Tue 12 Jan 2027" and "Tue 12 Jan 2027" in text
    assert all(session.title in text for session in data.sessions)  # the dated schedule, as a table
    assert all(outcome.split()[0] in text for outcome in data.course.outcomes)


def test_the_syllabus_and_home_pages_link_the_pdf(built_site):
    for page, href in (("syllabus/index.html", "../syllabus.pdf"), ("index.html", "syllabus.pdf")):
        html = BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html.parser")
        link = html.find("a", href=href)
        assert link is not None and "PDF" in link.get_text(), page
    assert (built_site / "syllabus.pdf").read_bytes().startswith(b"%PDF-")


def test_same_data_same_bytes_and_no_typesetting_until_the_data_changes(tmp_path, monkeypatch):
    import typst

    project = copy_project(tmp_path / "course")
    first = syllabus_pdf.render_pdf(_data(project))
    (project / ".cache").rename(tmp_path / "old-cache")
    assert syllabus_pdf.render_pdf(_data(project)) == first  # typeset again from nothing: the same bytes
    calls = []
    real = typst.compile
    monkeypatch.setattr(typst, "compile", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert syllabus_pdf.render_pdf(_data(project)) == first and calls == []  # unchanged data: from the cache
    edit(project / "readings/course.yml", "title: Decoding GPT", "title: Decoding GPT, revised")
    changed = syllabus_pdf.render_pdf(_data(project))
    assert calls == [1] and changed != first and "Decoding GPT, revised" in _text(changed)


def test_course_text_is_never_read_as_typst_markup(tmp_path):
    project = copy_project(tmp_path / "course")
    hostile = '#panic("boom") *not bold* $x$ <label> @ref \\ [x]'
    edit(project / "readings/course.yml", "tagline: How transformers work inside, and how we can tell",
         f"tagline: '{hostile}'")
    assert hostile in _text(syllabus_pdf.render_pdf(_data(project)))
