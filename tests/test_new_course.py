"""`course new DIR`: a new course, written from the generator's scaffold, that checks and builds at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import build_site
from course.cli import main

COURSE = str(Path(sys.executable).parent / "course")
BERLIN = ["--code", "NUM 210", "--title", "Numerical Linear Algebra", "--term", "Winter 2027/28", "--start", "2027-10-18",
          "--end", "2028-02-11", "--days", "Mon,Wed,Fri", "--time", "10:15-11:45", "--timezone", "Europe/Berlin"]


def test_a_new_course_checks_and_builds(tmp_path, capsys):
    folder = tmp_path / "num210"
    # run from outside this repository: the scaffold and templates come from the installed package
    run = subprocess.run([COURSE, "new", str(folder), *BERLIN], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "schemas" not in p.parts)
    assert files == [".ci/run", ".github/workflows/deploy.yml", ".gitignore", "Makefile", "README.md", "mkdocs.yml",
                     "papers.bib", "readings/course.yml", "readings/schedule.yml"]
    assert "$" not in (folder / "readings" / "course.yml").read_text().replace("$schema", "")
    assert "make site" in (folder / "README.md").read_text() and "make test" in (folder / "README.md").read_text()
    assert main(["--root", str(folder), "check"]) == 0 and main(["--root", str(folder), "schema", "--check"]) == 0
    site = build_site(folder)
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.title.get_text() == "NUM 210: Numerical Linear Algebra"
    tabs = [a.get_text(" ", strip=True) for a in home.select(".md-tabs__link")]
    assert tabs == ["Home", "Syllabus", "Schedule"]  # nothing else yet: no empty pages
    schedule = BeautifulSoup((site / "schedule" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [row["data-start"] for row in schedule.select(".cs-session")] == [
        "2027-10-18T10:15:00+02:00", "2027-10-20T10:15:00+02:00", "2027-10-22T10:15:00+02:00"]


def test_without_options_the_placeholders_build(tmp_path, capsys):
    folder = tmp_path / "course"
    assert main(["new", str(folder)]) == 0
    assert main(["--root", str(folder), "check"]) == 0
    assert (build_site(folder) / "index.html").is_file()


def test_a_folder_in_use_and_a_bad_option_are_refused(tmp_path, capsys):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["new", str(tmp_path / "used")]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'used'} is not an empty folder; choose a new one\n"
    assert main(["new", str(tmp_path / "fresh"), "--timezone", "Europe/Berln"]) == 1
    assert capsys.readouterr().err == "error: term.timezone: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?\n"
    assert not (tmp_path / "fresh").exists()


def test_course_export_writes_the_site_as_one_markdown_tree(project, tmp_path, capsys):
    out = tmp_path / "markdown"
    assert main(["--root", str(project), "export", str(out)]) == 0
    assert capsys.readouterr().out.startswith("wrote ")
    session = (out / "schedule" / "attention-heads.md").read_text(encoding="utf-8")
    assert session.startswith('---\ntitle: "6. Attention heads"\n')
    assert "## Lecture notes" in session  # the hand-written notes are merged in, as the site shows them
    assert (out / "papers" / "vaswani2017attention.md").is_file() and (out / "calendar.ics").is_file()
    assert (out / "about" / "index.md").is_file() or any((out / "about").iterdir())  # docs_dir's own pages too
    assert main(["--root", str(project), "export", str(out)]) == 1
    assert capsys.readouterr().err == f"error: {out} is not an empty folder; choose a new one\n"
