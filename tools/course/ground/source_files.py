"""Reading a source file of the course safely: one place that refuses what no loader should read.

A folder where a file is expected, a link that leads outside the project (it would
publish a file from elsewhere), a file too big to be course data, and text that is
not UTF-8 (with the line and column of the first bad byte) each become one
``Problem``, never a traceback.  And writing one back: all or nothing (``write_atomic``).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from course.ground.errors import Problem

MAX_BYTES = 5 * 2**20  # the default course's largest data file is papers.bib, about 50 kB


def read_source(path: Path, display: str, root: Path | None, *, encoding: str = "utf-8", hint: str = "",
                limit: int = MAX_BYTES) -> tuple[str | None, list[Problem]]:
    """The text of ``path`` (which must exist), or None and the problem that stops it being read."""
    if path.is_dir():
        return None, [Problem(display, 0, 0, "is a folder where a file is expected; remove the folder or give it another name")]
    if root is not None and not path.resolve().is_relative_to(Path(root).resolve()):
        return None, [Problem(display, 0, 0, "is a link to a file outside the project, which the site would publish; "
                                             "copy the file into the project instead")]
    try:
        size = path.stat().st_size
        if size > limit:
            return None, [Problem(display, 0, 0, f"is {size / 2**20:.1f} MB, more than the {limit / 2**20:.0f} MB a course "
                                                 "data file may have; split it, or remove what is not course data")]
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(display, 0, 0, f"cannot be read ({error.strerror or error}); check its permissions")]
    return decode(data, display, encoding=encoding, hint=hint)


def decode(data: bytes, display: str, *, encoding: str = "utf-8", hint: str = "") -> tuple[str | None, list[Problem]]:
    """``data`` as text, or the position of its first byte that is not UTF-8."""
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        col = len(data[line_start:error.start].decode("utf-8", "replace")) + 1
        return None, [Problem(display, line, col, f"not UTF-8 text ({error.reason} at byte {error.start}); "
                                                  f"save the file as UTF-8{hint}")]


def write_atomic(path: Path, text: str | bytes) -> None:
    """Replace ``path`` by ``text``: temporary file in the same folder, fsync, rename, fsync the folder."""
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
