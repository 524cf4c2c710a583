"""``course check``: validate every data file and print every problem as path:line:col."""

from __future__ import annotations

import sys

from course.data.load import load_course_data
from course.ground.errors import CourseDataError
from course.commands import project_layout


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="validate the course data (readings/*.yml, papers.bib, citations)",
        description="Validate all course data and print every problem as path:line:col: message.",
        epilog="Example: course check\n  exit status 0: no problems; 1: problems were printed",
    )
    parser.set_defaults(handler=run)


def run(args) -> int:
    layout = project_layout(args)
    if layout is None:
        return 1
    try:
        data = load_course_data(layout)
        problems = []
    except CourseDataError as error:
        problems = error.problems
    if problems:
        for problem in problems:
            print(problem, file=sys.stdout)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    for warning in data.warnings:
        print(warning.as_warning(), file=sys.stdout)
    print(f"OK: {len(data.sessions)} sessions, {sum(len(t.talks) for t in data.talk_series)} talks, "
          f"{sum(len(p.episodes) for p in data.podcasts)} episodes, "
          f"{len(data.bibliography.keys()) if data.bibliography else 0} papers."
          + (f" {len(data.warnings)} warning(s)." if data.warnings else ""))
    return 0
