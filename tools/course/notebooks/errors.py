"""Turning an execution failure into one clear ``Problem``: notebook, cell, line, exception."""

from __future__ import annotations

import re
from pathlib import Path

from course.ground.errors import Problem
from course.notebooks.source import SourceNotebook

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_CELL_FRAME = re.compile(r"Cell In\[\d+\], line (\d+)")
_FILE_FRAME = re.compile(r"File (\S+?\.py):(\d+)")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def cell_failure(nb: SourceNotebook, cell_index: int, ename: str, evalue: str, traceback: str) -> Problem:
    """``foo.py:LINE: notebook 'foo' failed in cell 7: ZeroDivisionError: division by zero`` + the line."""
    plain = strip_ansi(traceback)
    frame = _CELL_FRAME.search(plain)
    line, text = nb.locate(cell_index, int(frame.group(1)) if frame else 0)
    message = f"notebook '{nb.name}' failed in cell {cell_index + 1}: {ename}: {strip_ansi(evalue)}".rstrip(": ")
    raised_in = _innermost_local_frame(nb, plain)
    if raised_in:
        message += f" (at {raised_in})"
    if text.strip():
        message += f"\n    {text.strip()}"
    return Problem(nb.display, line, 0, message)


def cell_timeout(nb: SourceNotebook, cell_index: int, timeout: int) -> Problem:
    line, text = nb.locate(cell_index)
    message = (
        f"notebook '{nb.name}' cell {cell_index + 1} did not finish within {timeout} s "
        "(raise 'timeout' in the notebook's metadata or the plugin's notebook_timeout)"
    )
    if text.strip():
        message += f"\n    {text.strip()}"
    return Problem(nb.display, line, 0, message)


def kernel_died(nb: SourceNotebook, cell_index: int, log_tail: str) -> Problem:
    line, _ = nb.locate(cell_index)
    message = f"notebook '{nb.name}': the kernel died while running cell {cell_index + 1} (out of memory, or a crash in native code)"
    if log_tail.strip():
        message += "\n    kernel log: " + log_tail.strip().replace("\n", "\n    ")
    return Problem(nb.display, line, 0, message)


def kernel_failed(nb: SourceNotebook, error: BaseException) -> Problem:
    detail = strip_ansi(str(error)).strip().splitlines()
    reason = detail[-1] if detail else type(error).__name__
    return Problem(nb.display, 1, 0, f"notebook '{nb.name}' could not be run with kernel '{nb.kernel}': {reason}")


def _innermost_local_frame(nb: SourceNotebook, traceback: str) -> str | None:
    """The innermost frame of the traceback inside a local module (``lab/...``), if any."""
    base = nb.path.parent.resolve()
    for path, line in reversed(_FILE_FRAME.findall(traceback)):
        try:
            relative = Path(path).resolve().relative_to(base)
        except (ValueError, OSError):
            continue
        return f"{(Path(nb.display).parent / relative).as_posix()}:{line}"
    return None
