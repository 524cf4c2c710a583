"""`course check` on copies of the real course with mistakes injected: each at its path:line:col."""

from course.cli import main
from conftest import edit


def check(project, capsys):
    code = main(["--root", str(project), "check"])
    out = capsys.readouterr()
    return code, out.out.strip().splitlines(), out.err


def line_of(path, text):
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_default_course_is_valid(project, capsys):
    code, lines, _ = check(project, capsys)
    assert code == 0, lines
    assert lines[0].startswith("OK: 29 sessions, 10 talks, 1 episodes,")


def test_every_injected_mistake_is_reported_at_its_line(project, capsys):
    schedule = project / "readings" / "schedule.yml"
    talks = project / "readings" / "talks" / "cs25-v4.yml"
    course = project / "readings" / "course.yml"
    edit(schedule, "    readings: [vaswani2017attention, alammar2019illustrated]", "    readings: [vaswani2017attention, alammar2019ilustrated]")
    edit(schedule, "    summary: Why attention needs positions;", "    sumary: Why attention needs positions;")
    edit(talks, "    date: 2024-04-25", "    date: 2024-04-31")
    edit(course, "  - title: Course website\n    url: https://miv.name/decoding-gpt", "  - title: Course website\n    url: javascript:alert(1)")
    code, lines, err = check(project, capsys)
    assert code == 1
    assert lines == [
        f"readings/course.yml:{line_of(course, 'javascript:')}:10: 'url': links must start with http://, https:// or mailto: (not javascript:)",
        f"readings/schedule.yml:{line_of(schedule, 'alammar2019ilustrated')}:38: unknown paper key 'alammar2019ilustrated': did you mean 'alammar2019illustrated'? add it to papers.bib or fix the key",
        f"readings/schedule.yml:{line_of(schedule, 'sumary:')}:5: unknown key 'sumary'; did you mean 'summary'?",
        f"readings/talks/cs25-v4.yml:{line_of(talks, '2024-04-31')}:11: 'date': '2024-04-31' is not a real date (check the month and day)",
    ]
    assert err.strip() == "4 problem(s) found."


def test_yaml_syntax_error_is_reported_with_the_other_files_still_checked(project, capsys):
    announcements = project / "readings" / "announcements.yml"
    edit(announcements, "    title: Welcome to Decoding GPT", "    title: [Welcome to Decoding GPT")
    code, lines, _ = check(project, capsys)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"readings/announcements.yml:{line_of(announcements, '[Welcome') + 1}:")
    assert "YAML syntax error" in lines[0]


def test_sessions_outside_the_term_and_on_the_same_date(project, capsys):
    schedule = project / "readings" / "schedule.yml"
    edit(schedule, "  - id: neural-networks\n", "  - id: neural-networks\n    date: 2027-06-01\n")
    edit(schedule, "  - id: architectures\n", "  - id: architectures\n    date: 2027-01-12\n")
    code, lines, _ = check(project, capsys)
    assert code == 1
    assert lines == [
        f"readings/schedule.yml:{line_of(schedule, '2027-06-01')}:11: 2027-06-01 is outside the term (2027-01-12 to 2027-04-29); pick a date inside it or remove 'date'",
        f"readings/schedule.yml:{line_of(schedule, 'date: 2027-01-12')}:11: two sessions on 2027-01-12: 'introduction' is already on that date; pick another date or remove 'date'",
    ]


def test_yaml_means_what_it_says(project, capsys):
    course = project / "readings" / "course.yml"
    edit(course, '  start: "15:30"\n  end: "16:45"', "  start: 15:30\n  end: NO")
    code, lines, _ = check(project, capsys)
    assert lines == [f"readings/course.yml:{line_of(course, 'end: NO')}:8: 'end': 'NO' is not a time; write it as HH:MM on a 24-hour clock, in quotes, e.g. \"15:30\""]


def test_unknown_part_and_missing_key(project, capsys):
    schedule = project / "readings" / "schedule.yml"
    edit(schedule, "    part: attention\n    summary: Queries", "    part: atention\n    summary: Queries")
    edit(schedule, "  - id: grokking\n    title: Grokking\n", "  - id: grokking\n")
    code, lines, _ = check(project, capsys)
    assert lines == [
        f"readings/schedule.yml:{line_of(schedule, 'part: atention')}:11: unknown part 'atention': did you mean 'attention'? parts are the outline ids in course.yml: background, attention, interpretability, alignment, presentations",
        f"readings/schedule.yml:{line_of(schedule, 'id: grokking')}:5: missing required key 'title'; add it",
    ]


def test_mkdocs_build_fails_with_the_same_messages_and_no_traceback(project):
    import subprocess
    import sys
    from pathlib import Path

    schedule = project / "readings" / "schedule.yml"
    edit(schedule, "    summary: Why attention needs positions;", "    sumary: Why attention needs positions;")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run([str(mkdocs), "build", "--strict"], cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert f"readings/schedule.yml:{line_of(schedule, 'sumary:')}:5: unknown key 'sumary'; did you mean 'summary'?" in output
    assert "Traceback" not in output


def test_the_repository_itself_is_valid(capsys):
    """The shipped course, notebooks included: every `notebook:` names a file that exists."""
    from conftest import ROOT

    code, lines, _ = check(ROOT, capsys)
    assert code == 0, lines


def test_talk_times_without_a_source_are_left_out_with_a_warning(project, capsys):
    talks = project / "readings" / "talks" / "cs25-v4.yml"
    edit(talks, "  source: https://web.stanford.edu/class/cs25/", "  # no source")
    code, lines, err = check(project, capsys)
    assert code == 0  # a warning, not an error: the site still builds (mkdocs build --strict refuses it)
    assert lines[0] == (f"readings/talks/cs25-v4.yml:{line_of(talks, 'start:')}:3: warning: 'start', 'end' and "
                        "'location' of the series have no source, so the site leaves them out (its talks are all-day "
                        "events in the calendar): add 'source:' with the address of the page that gives them, or remove them")
    assert lines[1].startswith("OK: 29 sessions, 10 talks,") and lines[1].endswith(" 1 warning(s).")


def test_a_talk_with_the_old_readings_list_is_told_to_split_it(project, capsys):
    talks = project / "readings" / "talks" / "cs25-v4.yml"
    edit(talks, "    related: [wei2022emergent, wei2022chain]", "    readings: [wei2022emergent, wei2022chain]")
    code, lines, _ = check(project, capsys)
    assert code == 1
    assert lines == [f"readings/talks/cs25-v4.yml:{line_of(talks, 'id: intuitions-on-language-models')}:5: 'talks': a "
                     "talk's 'readings' are now two lists: 'recommended' (only what the series itself recommends) and "
                     "'related' (papers the course adds); rename 'readings' to one of them"]
