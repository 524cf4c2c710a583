"""Exercises with hidden solutions, kept in one source notebook.

A code cell tagged ``exercise`` holds the stub a student fills in (a function with its docstring and
shapes); the cell tagged ``solution`` after it holds the worked answer; the next cell usually hands the
function to a checker in ``lab.checks``, which tests it against a reference on random inputs and returns
what the rest of the notebook should use.  The build executes every cell, the solution after the stub,
so every later cell and assert runs on the solution.

* The site shows the exercise and folds the solution away ("Show solution").
* The student copy, ``<name>-exercises.ipynb``, leaves the solutions out and starts without outputs.
  It still runs top to bottom: a checker given an unsolved stub says so and lends the reference.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from course.notebooks.cells import element_end

if TYPE_CHECKING:  # nbformat (with jsonschema) is imported where a notebook is read or written: a warm build does neither
    from nbformat import NotebookNode


EXERCISE, SOLUTION = "exercise", "solution"
SUMMARY = "Show solution"
_CELL_START = re.compile(r'<div class="jp-Cell [^"]*">')  # a cell's outer element (the inner one has an id)


def tags(cell: NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def count(nb: NotebookNode | None) -> int:
    """How many exercises ``nb`` has (cells tagged ``exercise``)."""
    return sum(EXERCISE in tags(cell) for cell in nb.cells) if nb is not None else 0


def has_solutions(nb: NotebookNode | None) -> bool:
    return nb is not None and any(SOLUTION in tags(cell) for cell in nb.cells)


def student_copy(nb: NotebookNode) -> NotebookNode:
    """``nb`` without its solution cells and without outputs: what a student starts from."""
    copy_nb = copy.deepcopy(nb)
    copy_nb.cells = [cell for cell in copy_nb.cells if SOLUTION not in tags(cell)]
    for cell in copy_nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return copy_nb


def fold_solutions(html: str) -> str:
    """Wrap each rendered solution cell in ``<details>``: closed until the reader asks for it."""
    pieces, done = [], 0
    for match in _CELL_START.finditer(html):
        if match.start() < done or "celltag_solution" not in match.group(0):
            continue
        end = element_end(html, match.start()) or len(html)
        pieces += [html[done : match.start()], f'<details class="nb-solution"><summary>{SUMMARY}</summary>\n',
                   html[match.start() : end], "\n</details>"]
        done = end
    return "".join(pieces) + html[done:]
