"""The sub-commands of the ``course`` tool, one module each (``course.cli`` lists them)."""

from __future__ import annotations

import sys
from pathlib import Path

from course.ground.errors import CourseDataError
from course.ground.layout import Layout


def project_layout(args) -> Layout | None:
    """The project's layout from its mkdocs.yml, or None after printing what is wrong there."""
    try:
        return Layout.from_mkdocs_yml(Path(args.root))
    except CourseDataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return None
