"""Reading the clean notebooks: jupytext percent-format ``.py`` files.

A notebook keeps the line in its ``.py`` file where each cell starts, so that a
failure can be reported as ``content/notebooks/foo.py:LINE``, and its per-notebook
options (``course:`` in the jupytext header) checked like any other course data.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from course.ground.errors import CourseDataError, Problem, display_path
from course.ground.layout import NOTEBOOK_CELL_MARKER
from course.ground.keyed_files import atomic_write, sha_text
from course.ground.source_files import read_source
from course.notebooks.versions import installed_version

if TYPE_CHECKING:  # nbformat (with jsonschema) is imported where a notebook is read or written: a warm build does neither
    from nbformat import NotebookNode

_MARKER = NOTEBOOK_CELL_MARKER
_OPTION_KEYS = {"timeout"}


@dataclass(frozen=True)
class SourceNotebook:
    """One clean notebook as stored in the repository."""

    name: str
    path: Path
    display: str  # the path as shown in messages (relative to the project root)
    nb: NotebookNode
    cell_lines: tuple[int, ...]  # 1-based line of the .py where each cell's source starts
    lines: tuple[str, ...]  # the .py file, line by line
    timeout: int | None  # the notebook's own cell timeout, when its header sets one

    @property
    def kernel(self) -> str:
        return (self.nb.metadata.get("kernelspec") or {}).get("name") or "python3"

    def code_sources(self) -> list[str]:
        return [cell.source for cell in self.nb.cells if cell.cell_type == "code"]

    def locate(self, cell_index: int, line_in_cell: int = 0) -> tuple[int, str]:
        """The .py line number and text of a cell's line (1-based; 0 = the cell's first line)."""
        cell = self.nb.cells[cell_index]
        start = self.cell_lines[cell_index]
        end = self.cell_lines[cell_index + 1] if cell_index + 1 < len(self.cell_lines) else len(self.lines) + 1
        cell_lines = cell.source.splitlines()
        if not cell_lines:
            return start, ""
        wanted = cell_lines[min(max(line_in_cell, 1), len(cell_lines)) - 1]
        guess = start + max(line_in_cell, 1) - 1
        candidates = [guess] + list(range(start, end))
        for number in candidates:
            if 1 <= number <= len(self.lines) and _same_line(self.lines[number - 1], wanted):
                return number, wanted
        return start, wanted


def _same_line(file_line: str, cell_line: str) -> bool:
    # jupytext comments out magics ("# %matplotlib inline") in the .py file
    return file_line.rstrip() == cell_line.rstrip() or file_line.strip() == "# " + cell_line.strip()


def read_notebook(path: Path, root: Path | None = None, *, parsed: Path | None = None) -> SourceNotebook:
    """Read one percent-format notebook; a malformed header or option is a ``CourseDataError``.  ``parsed``: a
    folder that keeps each notebook's parse by its text, for the next build (a new process) to read."""
    display = display_path(path, root)
    text, problems = read_source(path, display, root)
    if text is None:
        raise CourseDataError(problems)
    try:
        nb = _kept_parse(text, parsed / f"{path.stem}.json") if parsed else copy.deepcopy(_parse(text))  # one of its own
    except Exception as error:  # jupytext raises many types for a broken header
        raise CourseDataError([Problem(display, 1, 0, f"cannot read the notebook: {error}")]) from None
    lines = tuple(text.splitlines())
    return SourceNotebook(
        name=path.stem,
        path=path,
        display=display,
        nb=nb,
        cell_lines=_cell_start_lines(lines, len(nb.cells)),
        lines=lines,
        timeout=_read_timeout(nb, lines, display),
    )


def _kept_parse(text: str, kept: Path) -> NotebookNode:
    """The parse of ``text``, from ``kept`` where it holds the parse of this very text by this jupytext."""
    import nbformat
    key = sha_text(f"{installed_version('jupytext')} {PARSE_VERSION}\n{text}")
    try:
        found = json.loads(kept.read_text(encoding="utf-8"))
        if found["key"] == key:
            return nbformat.from_dict(found["nb"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    nb = copy.deepcopy(_parse(text))
    atomic_write(kept, json.dumps({"key": key, "nb": nb}))
    return nb


PARSE_VERSION = "1"  # bump when _parse changes what it makes of a text


@lru_cache(maxsize=256)
def _parse(text: str) -> NotebookNode:
    # Memoised on the text (never handed out: read_notebook copies it): each rebuild of ``mkdocs serve`` reads
    # every notebook again, and jupytext's parse is most of the notebook stage of a warm build.
    import jupytext  # imported only when a notebook's text is new (its import is a large part of a warm build)

    nb = jupytext.reads(text, fmt="py:percent")
    for index, cell in enumerate(nb.cells, start=1):
        cell["id"] = f"cell-{index}"  # jupytext draws random ids; stable ones keep the outputs byte-identical
    return nb


def _cell_start_lines(lines: tuple[str, ...], n_cells: int) -> tuple[int, ...]:
    """Line where each cell's source starts: the line after its marker."""
    markers = [number for number, line in enumerate(lines, start=1) if _MARKER.match(line)]
    starts = [m + 1 for m in markers]
    if n_cells > len(starts):  # cells before the first marker (after the header)
        first = _first_body_line(lines)
        starts = [first] * (n_cells - len(starts)) + starts
    return tuple(starts[:n_cells])


def _first_body_line(lines: tuple[str, ...]) -> int:
    number = 1
    if lines and lines[0].strip() == "# ---":
        for number, line in enumerate(lines[1:], start=2):
            if line.strip() == "# ---":
                number += 1
                break
    while number <= len(lines) and not lines[number - 1].strip():
        number += 1
    return number


def _read_timeout(nb: NotebookNode, lines: tuple[str, ...], display: str) -> int | None:
    options = nb.metadata.get("course")
    if options is None:
        return None
    line = next((n for n, text in enumerate(lines, start=1) if re.match(r"^#\s+course:", text)), 1)
    if not isinstance(options, dict):
        raise CourseDataError([Problem(display, line, 0, "'course' in the notebook header must be a mapping, e.g. 'course:\\n#   timeout: 900'")])
    problems = [
        Problem(display, line, 0, f"unknown notebook option 'course.{key}'; allowed: {', '.join(sorted(_OPTION_KEYS))}")
        for key in options
        if key not in _OPTION_KEYS
    ]
    timeout = options.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0):
        problems.append(Problem(display, line, 0, f"'course.timeout' must be a whole number of seconds > 0, not {timeout!r}"))
    if problems:
        raise CourseDataError(problems)
    return timeout
