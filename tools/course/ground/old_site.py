"""The previous build's site folder, cleared on the machine's other core while the new one is written.

Before it writes a single page, ``mkdocs build`` deletes everything in the site folder, one file at a time:
at 5,000 papers that is 24,000 files and a fifth of the build spent waiting on the disk.  Renaming a
folder costs nothing, so the old entries move out of the way (next to the site folder, on the same disk,
under a hidden name) and a separate process deletes them while the build goes on.  What MkDocs' clean
would have kept stays too: the hidden entries (a ``.git`` of a deploy branch, for one).  An entry that
cannot be moved (the site folder is a mount point, or another process holds it) is left where it is, for
MkDocs' own clean to delete as before.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

TRASH_PREFIX = ".{name}.previous-"  # a sibling of the site folder: hidden, and never inside what is deployed

# The deleting process: a lower priority, so that the build keeps the machine first.
_DELETE = ("import os, shutil, sys\n"
           "hasattr(os, 'nice') and os.nice(10)\n"
           "for path in sys.argv[1:]: shutil.rmtree(path, ignore_errors=True)\n")


class Clearing:
    """The deletion under way, if any: ``wait()`` before the build ends, so no process outlives it."""

    def __init__(self, process: subprocess.Popen | None, trash: list[Path]):
        self.process, self.trash = process, trash

    def wait(self) -> None:
        if self.process is not None:
            self.process.wait()
            self.process = None


def clear_in_background(site_dir: Path) -> Clearing:
    """Move the site folder's visible entries aside and start deleting them (and any earlier build's
    leftovers, from a build that was killed) in another process."""
    return delete_in_background(move_aside(site_dir))


def move_aside(site_dir: Path) -> list[Path]:
    """Move the site folder's visible entries into a new hidden folder beside it: that folder, with the
    leftovers of earlier builds, for ``delete_in_background`` (until then the last build's files are there
    to take back: ``mkdocs serve``'s next build reuses the unchanged ones)."""
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        return []
    prefix = TRASH_PREFIX.format(name=site_dir.name)
    leftovers = [path for path in site_dir.parent.glob(prefix + "*") if path.is_dir()]
    visible = [entry for entry in os.scandir(site_dir) if not entry.name.startswith(".")]
    trash = site_dir.parent / f"{prefix}{uuid.uuid4().hex[:12]}"
    moved = False
    if visible:
        try:
            trash.mkdir()
        except OSError:  # the parent folder is not writable: MkDocs cleans as before
            visible = []
    for entry in visible:
        try:
            os.replace(entry.path, trash / entry.name)
            moved = True
        except OSError:  # another disk (a mount point), or held open elsewhere: MkDocs' clean deletes it
            continue
    if visible and not moved:
        trash.rmdir()
    return ([trash] if moved else []) + leftovers


def delete_in_background(doomed: list[Path]) -> Clearing:
    if not doomed:
        return Clearing(None, [])
    process = subprocess.Popen([sys.executable, "-c", _DELETE, *map(str, doomed)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Clearing(process, doomed)
