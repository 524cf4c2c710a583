"""The sub-commands of the ``course`` tool, one module each (``course.cli`` lists them)."""

from __future__ import annotations

import sys
from pathlib import Path

from course.ground.errors import CourseDataError
from course.ground.layout import Layout


def empty_folder(folder: Path) -> bool:
    """Whether ``folder`` is new or empty (``course new`` and ``course export`` write only there); prints why not."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        print(f"error: {folder} is not an empty folder; choose a new one", file=sys.stderr)
        return False
    return True


def project_data(args, *, check_notebooks: bool = True, before: str = ""):
    """The project's data, or None after printing its problems (``before``: what they stop, e.g. "before changing
    terms")."""
    from course.data.load import load_course_data

    layout = project_layout(args)
    if layout is None:
        return None
    try:
        return load_course_data(layout, check_notebooks=check_notebooks)
    except CourseDataError as error:
        print(f"error: the course data has {len(error.problems)} problem(s); fix them{before}:\n{error}", file=sys.stderr)
        return None


def project_layout(args) -> Layout | None:
    """The project's layout from its mkdocs.yml, or None after printing what is wrong there."""
    try:
        return Layout.from_mkdocs_yml(Path(args.root))
    except CourseDataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return None
