"""Regression tests for the red-team pass (one per defect it found): no input makes `course` or the build
crash, hang or blow up memory; every bad input is `path:line:col: what is wrong, and how to fix it`."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from course.cli import main

COURSE = str(Path(sys.executable).parent / "course")


def check(project: Path, capsys) -> tuple[int, list[str]]:
    code = main(["--root", str(project), "check"])
    return code, capsys.readouterr().out.strip().splitlines()


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1) if text in line)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def course_in_a_box(*args: str, limit_mb: int = 1500, timeout: int = 120) -> subprocess.CompletedProcess:
    """`course ...` in a process that may use at most ``limit_mb`` of memory."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb * 2**20, limit_mb * 2**20))

    return subprocess.run([COURSE, *args], capture_output=True, text=True, timeout=timeout, preexec_fn=limit)


# 1. BibTeX macro expansion ("billion laughs")


def test_bibtex_macros_cannot_blow_up_memory(project):
    bib = project / "papers.bib"
    chain = ['@string{s0 = "aaaaaaaaaa"}'] + [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, 37)]
    append(bib, "\n" + "\n".join(chain) + "\n@article{laugh2020, title = s36, author = {A, B}, year = {2020}}\n")
    run = course_in_a_box("--root", str(project), "check", limit_mb=1500, timeout=60)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stdout.splitlines()[0] == (
        f"papers.bib:{line_of(bib, '@string{s14 ')}:1: @string 's14': with the @string macro 's13' expanded, the value "
        "is longer than 100,000 characters; a macro is for a name or a venue: check for a macro that joins another one "
        "to itself (s1 = s0 # s0)")


# 2. Deep nesting


def test_deep_yaml_is_reported_at_its_line_not_a_recursion_error(project, capsys):
    talks = project / "readings" / "talks" / "cs25-v4.yml"
    edit(talks, "  term: Spring 2024\n", "  term: Spring 2024\n  extra: " + "[" * 500 + "]" * 500 + "\n")
    code, lines = check(project, capsys)
    assert code == 1
    assert lines == [f"readings/talks/cs25-v4.yml:{line_of(talks, 'extra:')}:38: the data is nested more than 30 levels "
                     "deep here; course data needs a few levels: check the brackets and the indentation"]


def test_deep_block_mappings_too(project, capsys):
    course = project / "readings" / "course.yml"
    deep = "".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "x: 1\n"
    append(course, "extra:\n" + "".join("  " + line + "\n" for line in deep.splitlines()))
    code, lines = check(project, capsys)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith("readings/course.yml:") and "nested more than 30 levels deep here" in lines[0]
    line, col = map(int, lines[0].split(":")[1:3])
    assert line > line_of(course, "extra:") and col > 2 * 28  # at the first level too deep


def test_deep_json_in_apply_issues(project, tmp_path, capsys):
    issues = tmp_path / "issues.json"
    issues.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["--root", str(project), "signup", "apply-issues", str(issues)]) == 1
    assert capsys.readouterr().err == f"error: {issues}: the JSON is nested too deeply to be a list of issues\n"


# 3. What check accepts, the build can make


def test_a_key_too_long_for_a_file_name(project, capsys):
    key = "k" * 300
    append(project / "papers.bib", f"\n@misc{{{key}, title = {{T}}, author = {{A, B}}, year = {{2020}}}}\n")
    code, lines = check(project, capsys)
    assert code == 1
    assert lines == [f"papers.bib:{line_of(project / 'papers.bib', key)}:1: the key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk'... "
                     "is 300 characters long; a key names the paper's page, so it may have at most 120: shorten it"]


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01"])
def test_dates_outside_the_years_a_course_can_have(project, capsys, date):
    talks = project / "readings" / "talks" / "cs25-v4.yml"
    edit(talks, "    date: 2024-04-25", f"    date: {date}")
    code, lines = check(project, capsys)
    assert code == 1
    assert lines == [f"readings/talks/cs25-v4.yml:{line_of(talks, date)}:11: 'date': '{date}' is outside the years 1900 "
                     "to 2200; check the year"]


# 4. Text that is not UTF-8


@pytest.mark.parametrize("where", ["content/guide.md", "readings/notes/olsson2022context.md"])
def test_markdown_that_is_not_utf8(project, capsys, where):
    path = project / where
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "# Guide\n\nCaf\u00e9 ok, ".encode() + b"then Latin-1: caf\xe9.\n"
    path.write_bytes(data)
    code, lines = check(project, capsys)
    assert code == 1
    col = len("Caf\u00e9 ok, then Latin-1: caf") + 1  # characters, not bytes
    assert lines == [f"{where}:3:{col}: not UTF-8 text (invalid continuation byte at byte {data.index(b'caf' + bytes([0xe9]))+ 3}); "
                     "save the file as UTF-8"]


def test_yaml_that_is_not_utf8_has_a_line_and_column(project, capsys):
    announcements = project / "readings" / "announcements.yml"
    data = announcements.read_bytes().replace(b"Welcome to Decoding GPT", b"Welcome to D\xe9coding GPT", 1)
    announcements.write_bytes(data)
    code, lines = check(project, capsys)
    bad = data.index(b"\xe9")
    line, col = data[:bad].count(b"\n") + 1, bad - data.rfind(b"\n", 0, bad)
    assert (code, lines) == (1, [f"readings/announcements.yml:{line}:{col}: not UTF-8 text (invalid continuation byte at "
                                 f"byte {bad}); save the file as UTF-8"])


# 5. apply-issues: malformed issue JSON


@pytest.mark.parametrize("change, message", [
    ({"labels": 3}, "'labels' must be a list of labels, like [{\"name\": \"presentation-signup\"}]"),
    ({"labels": [["presentation-signup"]]}, "each label must be a name or {\"name\": ...} with a name as text"),
    ({"labels": [{"name": ["presentation-signup"]}]}, "each label must be a name or {\"name\": ...} with a name as text"),
    ({"createdAt": "0001-01-01T00:00:00+14:00"}, "'createdAt' must be a time stamp with its UTC offset, like "
                                                 "2027-03-01T17:00:00Z, in the years 1900 to 2200"),
    ({"createdAt": "9999-12-31T23:59:59-12:00"}, "'createdAt' must be a time stamp with its UTC offset, like "
                                                 "2027-03-01T17:00:00Z, in the years 1900 to 2200"),
    ({"state": ["open"]}, "'state' must be text such as \"OPEN\" or \"closed\""),
])
def test_malformed_issues_are_named_by_issue_and_field(project, tmp_path, capsys, change, message):
    issue = {"number": 7, "body": "x", "author": {"login": "adal"}, "createdAt": "2027-03-01T17:00:00Z",
             "labels": [{"name": "presentation-signup"}], "state": "OPEN", **change}
    issues = tmp_path / "issues.json"
    issues.write_text(json.dumps([issue]), encoding="utf-8")
    assert main(["--root", str(project), "signup", "apply-issues", str(issues)]) == 1
    assert capsys.readouterr().err == f"error: {issues}: issue 1: {message}\n"


def test_a_pretend_time_in_year_one(project, capsys):
    with pytest.raises(SystemExit):
        main(["--root", str(project), "signup", "claim", "--name", "Ada L.", "--paper", "olsson2022context",
              "--now", "0001-01-01T00:00:00+14:00"])
    assert "argument --now: '0001-01-01T00:00:00+14:00' is outside the years 1900 to 2200; check the year" in capsys.readouterr().err


# 6. Keys whose page would start with a dot


@pytest.mark.parametrize("key", [".", "..", ".net2020"])
def test_keys_whose_page_starts_with_a_dot(project, capsys, key):
    append(project / "papers.bib", f"\n@misc{{{key}, title = {{T}}, author = {{A, B}}, year = {{2020}}}}\n")
    code, lines = check(project, capsys)
    assert code == 1
    line = len((project / "papers.bib").read_text(encoding="utf-8").splitlines())
    suggestion = key.lstrip(".") or "key"
    assert lines == [f"papers.bib:{line}:1: the key {key!r} would give the page papers/{key}/, which MkDocs leaves out (it "
                     f"skips names that start with '.'); rename the key, e.g. to {suggestion!r}"]


# 7. A killed sign-up write leaves its temporary file: the next write removes it


def test_a_stale_temporary_file_is_cleaned_by_the_next_write(project, capsys):
    presentations = project / "readings" / "presentations.yml"
    stale = presentations.parent / f".{presentations.name}.abc123.tmp"
    stale.write_text("half a file", encoding="utf-8")
    code = main(["--root", str(project), "signup", "claim", "--name", "Ada L.", "--paper", "elhage2021mathematical",
                 "--now", "2027-02-01T09:00:00-07:00"])
    assert code == 0, capsys.readouterr().err
    assert not stale.exists()
    assert sorted(p.name for p in presentations.parent.glob(".*.tmp")) == []


# 8. Folders where files are expected


@pytest.mark.parametrize("folder, message", [
    ("readings/talks/d.yml", "readings/talks/d.yml: is a folder where a file is expected; remove the folder or give it another name"),
    ("papers.bib", "papers.bib: is a folder where a file is expected; remove the folder or give it another name"),
])
def test_a_folder_where_a_file_is_expected(project, capsys, folder, message):
    path = project / folder
    if path.is_file():
        path.unlink()
    path.mkdir()
    code, lines = check(project, capsys)
    assert code == 1 and lines == [message]


def test_the_signup_lock_as_a_folder(project, capsys):
    (project / ".cache" / "course" / "signups.lock").mkdir(parents=True)
    code = main(["--root", str(project), "signup", "claim", "--name", "Ada L.", "--paper", "olsson2022context",
                 "--now", "2027-02-01T09:00:00-07:00"])
    lock = project / ".cache" / "course" / "signups.lock"
    assert code == 1
    assert capsys.readouterr().err.startswith(f"error: {lock}: cannot take the sign-up lock (")


# 9. A missing papers.bib


def test_a_missing_bibliography_is_said_to_be_missing(project, capsys):
    (project / "papers.bib").unlink()
    code, lines = check(project, capsys)
    course = project / "readings" / "course.yml"
    assert code == 1
    assert lines == [f"papers.bib: not found, but the course cites papers (the first is 'sanderson2017neural', at "
                     f"readings/course.yml:{line_of(course, 'sanderson2017neural')}:12); add the file, or set the plugin's "
                     "'bibliography' option in mkdocs.yml to the file's name"]


# 10. Columns


def test_bibtex_problems_have_a_column(project, capsys):
    edit(project / "papers.bib", "@misc{liang2022cs324,\n", "@misc{liang2022cs324,\n    title = {Again},\n")
    code, lines = check(project, capsys)
    line = line_of(project / "papers.bib", "@misc{liang2022cs324,")
    assert lines == [f"papers.bib:{line}:1: @misc{{liang2022cs324: the field title appears more than once; BibTeX uses "
                     "the first; remove the other"]


# 11. Messages that misled


def test_a_claim_after_every_slot_has_started(project, capsys):
    code = main(["--root", str(project), "signup", "claim", "--name", "Ada L.", "--paper", "olsson2022context",
                 "--now", "2027-12-01T09:00:00-07:00"])
    assert code == 1
    assert capsys.readouterr().err == ("refused: every slot has already started (the last one, 'paper-presentations-3', "
                                       "on Thu 22 Apr 2027, 15:30); sign-ups are closed\n")


def test_an_invalid_only_talk_is_not_also_an_empty_list(project, capsys):
    talks = project / "readings" / "talks" / "cs25-v4.yml"
    text = talks.read_text(encoding="utf-8")
    talks.write_text(text[: text.index("talks:")] + "talks:\n  - id: Bad Id\n    date: 2024-04-04\n", encoding="utf-8")
    code, lines = check(project, capsys)
    assert code == 1
    assert lines == [f"readings/talks/cs25-v4.yml:{line_of(talks, 'Bad Id')}:9: 'id': 'Bad Id' is not a valid id: use "
                     "lower-case letters, digits and '-' (e.g. 'attention-heads')"]


def test_an_invalid_notebook_does_not_hide_the_sessions_unknown_papers(project, capsys):
    schedule = project / "readings" / "schedule.yml"
    edit(schedule, "    readings: [vaswani2017attention, alammar2019illustrated]",
         "    readings: [vaswani2017attention, alammar2019ilustrated]\n    notebooks: [Not A Slug]")
    code, lines = check(project, capsys)
    assert code == 1
    assert [line.split(": ", 1)[1] for line in lines] == [
        "unknown paper key 'alammar2019ilustrated': did you mean 'alammar2019illustrated'? add it to papers.bib or fix the key",
        "'notebooks': 'Not A Slug' is not a valid id: use lower-case letters, digits and '-' (e.g. 'attention-heads')",
    ]


# 13. A note that is a link to a file outside the project


def test_a_note_linking_outside_the_project_is_refused(project, tmp_path, capsys):
    secret = tmp_path / "secret.md"
    secret.write_text("the grades\n", encoding="utf-8")
    (project / "readings" / "notes" / "olsson2022context.md").unlink(missing_ok=True)
    (project / "readings" / "notes" / "olsson2022context.md").symlink_to(secret)
    code, lines = check(project, capsys)
    assert code == 1
    assert lines == ["readings/notes/olsson2022context.md: is a link to a file outside the project, which the site would "
                     "publish; copy the file into the project instead"]


# Resource limit for the whole check


def test_a_huge_data_file_is_refused_quickly(project, capsys):
    announcements = project / "readings" / "announcements.yml"
    with announcements.open("a", encoding="utf-8") as handle:
        handle.write(("# " + "x" * 1000 + "\n") * 50_000)  # 50 MB of comments
    code, lines = check(project, capsys)
    assert code == 1
    assert lines == ["readings/announcements.yml: is 47.8 MB, more than the 5 MB a course data file may have; split it, "
                     "or remove what is not course data"]


def test_check_and_the_build_print_the_same_lines(project, capsys, caplog):
    talks = project / "readings" / "talks" / "cs25-v4.yml"
    edit(talks, "    date: 2024-04-25", "    date: 9999-04-25")
    edit(talks, "  term: Spring 2024\n", "  term: Spring 2024\n  extra: " + "[" * 50 + "]" * 50 + "\n")
    append(project / "papers.bib", "\n@misc{.net2020, title = {T}, author = {A, B}, year = {2020}}\n")
    code, lines = check(project, capsys)
    assert code == 1 and len(lines) == 2
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    cwd = os.getcwd()
    os.chdir(project)
    try:
        with pytest.raises(Abort):  # MkDocs' clean exit: message, status 1, no traceback
            build(load_config(str(project / "mkdocs.yml"), strict=True, site_dir=str(project / "site")))
    finally:
        os.chdir(cwd)
    assert f"the course data has {len(lines)} problem(s):\n" + "\n".join(lines) in caplog.text


@pytest.mark.parametrize("config, message", [
    ("site_name: [x\n", "mkdocs.yml:2:1: YAML syntax error: expected ',' or ']', but got '<stream end>'"),
    ("- a\n- b\n", "mkdocs.yml:1:1: must be a mapping of settings, such as 'site_name: My course'"),
    ("site_name: x\ndocs_dir: [content]\n", "mkdocs.yml:2:11: 'docs_dir' must be text, e.g. docs_dir: content"),
    ("site_name: x\nplugins:\n  - course:\n      notebooks_dir: 5\n", "mkdocs.yml:4:22: the option 'notebooks_dir' must be text, not 5"),
    ("site_name: x\nplugins:\n  - course:\n      notebook_dir: labs\n",
     "mkdocs.yml:4:7: unknown option 'notebook_dir' of the 'course' plugin; did you mean 'notebooks_dir'? (its options: "
     "data_dir, bibliography, notebooks_dir, slides_dir, execute_notebooks, notebook_timeout, cache_dir, "
     "colab_branch, archive_dir)"),
])
def test_mistakes_in_mkdocs_yml(project, capsys, config, message):
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    for command in (["check"], ["notebooks", "list"], ["signup", "list"], ["schema", "--check"]):
        assert main(["--root", str(project), *command]) == 1
        assert capsys.readouterr().err.strip() == message


def test_a_folder_where_the_outcomes_go(project, tmp_path, capsys):
    issues = tmp_path / "issues.json"
    issues.write_text("[]", encoding="utf-8")
    (tmp_path / "outcomes").mkdir()
    assert main(["--root", str(project), "signup", "apply-issues", str(issues), "--outcomes", str(tmp_path / "outcomes")]) == 1
    assert capsys.readouterr().err == (f"error: {tmp_path / 'outcomes'}: Is a directory; check that the path is a file you "
                                       "may write\n")
