"""The one error type for mistakes in course data.

Every problem carries the file, line and column it was found at, and a plain
message that says what is wrong and how to fix it.  Loaders collect problems
instead of stopping at the first, so an instructor sees every mistake at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one data file. ``line`` and ``col`` are 1-based (0 = unknown)."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    @property
    def where(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        return where

    def as_warning(self) -> str:
        """``path:line:col: warning: message``: something the site leaves out rather than an error."""
        return f"{self.where}: warning: {self.message}"


class CourseDataError(Exception):
    """Raised with every problem found; ``str()`` lists them one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


def _sort_key(problem: Problem) -> tuple:
    return (problem.path, problem.line, problem.col, problem.message)


def display_path(path: Path | str, root: Path | None = None) -> str:
    """A path as the user should see it: relative to the project root when inside it."""
    path = Path(path)
    if root is not None:
        # as written first (a link inside the project is shown where it is), then with links resolved
        for mine, base in ((Path(os.path.abspath(path)), Path(os.path.abspath(root))), (path.resolve(), root.resolve())):
            try:
                return mine.relative_to(base).as_posix()
            except ValueError:
                pass
    return path.as_posix()

