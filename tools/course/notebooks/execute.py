"""Running one notebook in a fresh kernel, with nbclient, and turning a failure into one clear problem.

The kernel starts in the notebook's folder with one thread per math library, a fixed hash seed, the
inline matplotlib backend and ``COURSE_ARTIFACTS_DIR`` in the cache; ``random``, ``numpy`` and ``torch``
are seeded with 0 before the first cell.  Every cell has a timeout; the first error stops the notebook
and becomes one ``path:line: message`` problem (notebook, cell, line, exception); peak memory is sampled.
"""

from __future__ import annotations

import atexit
import copy
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from course.ground.errors import Problem
from course.notebooks.source import SourceNotebook

if TYPE_CHECKING:  # nbformat (and jsonschema) is imported where a notebook is read or written: not in a warm build
    from nbformat import NotebookNode

# nbclient logs its own view of a timeout or error; ours is the one message the user sees.
_NBCLIENT_LOG = logging.getLogger("course.notebooks.nbclient")
_NBCLIENT_LOG.setLevel(logging.CRITICAL)

SEED = 0
KERNEL_STARTS = 2  # a kernel that dies before its first reply is started once more
_SEEDERS = {
    "numpy": f"import numpy as __m; __m.random.seed({SEED}); del __m",
    "torch": f"import torch as __m; __m.manual_seed({SEED}); del __m",
}


@dataclass
class Execution:
    nb: NotebookNode  # the notebook with its outputs
    seconds: float
    peak_mb: float


class NotebookFailure(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def kernel_environment(artifacts_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        PYTHONHASHSEED=str(SEED),
        # Headless, and still inline: "Agg" would make plt.show() produce no image at all.
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        COURSE_ARTIFACTS_DIR=str(artifacts_dir),
        # Importing ``lab`` must not write __pycache__ into docs_dir (mkdocs serve would loop).
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("PYTHONSTARTUP", None)
    return env


def seed_code(packages: tuple[str, ...] | list[str]) -> str:
    lines = [f"import random as __m; __m.seed({SEED}); del __m"]
    lines += [
        f"try:\n    {code}\nexcept ImportError:\n    pass" for name, code in _SEEDERS.items() if name in packages
    ]
    return "\n".join(lines)


def execute_notebook(
    notebook: SourceNotebook,
    *,
    timeout: int,
    artifacts_dir: Path,
    log_path: Path,
    packages: tuple[str, ...] = (),
) -> Execution:
    """Execute a copy of ``notebook.nb``; raises ``NotebookFailure`` with one clear problem.  A kernel that
    dies before it answers at all (a busy machine can starve its start) is started once more."""
    artifacts_dir.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(KERNEL_STARTS):
        try:
            return _execute_once(notebook, timeout, artifacts_dir, log_path, packages)
        except _KernelDidNotStart as failure:
            error = failure.args[0]
    raise NotebookFailure(kernel_failed(notebook, error, _tail(log_path)))


class _KernelDidNotStart(Exception):
    """args[0]: why the kernel died before its first reply (worth a second start)."""


def _execute_once(notebook: SourceNotebook, timeout: int, artifacts_dir: Path, log_path: Path,
                  packages: tuple[str, ...]) -> Execution:
    # imported here: a build whose notebooks are all cached never needs nbclient (and its ~0.4 s import)
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = copy.deepcopy(notebook.nb)
    memory = PeakMemory()
    client, current = _client(nb, notebook, timeout, memory, packages)
    started = time.perf_counter()
    try:
        with log_path.open("w", encoding="utf-8") as log:
            client.execute(env=kernel_environment(artifacts_dir), stdout=log, stderr=log)
    except CellExecutionError as error:
        raise NotebookFailure(cell_failure(notebook, current["index"], error.ename, error.evalue, error.traceback)) from None
    except CellTimeoutError:
        raise NotebookFailure(cell_timeout(notebook, current["index"], timeout)) from None
    except DeadKernelError as error:
        if not current["started"]:
            raise _KernelDidNotStart(error) from None
        raise NotebookFailure(kernel_died(notebook, current["index"], _tail(log_path))) from None
    except Exception as error:  # no such kernel, kernel failed to start ("died before replying to kernel_info"), ...
        if not current["started"]:
            raise _KernelDidNotStart(error) from None
        raise NotebookFailure(kernel_failed(notebook, error, _tail(log_path))) from None
    finally:
        peak_mb = memory.stop()
        atexit.unregister(client._cleanup_kernel)  # left by nbclient when no kernel started: a traceback at exit
    return Execution(nb=nb, seconds=round(time.perf_counter() - started, 2), peak_mb=peak_mb)


def _client(nb: NotebookNode, notebook: SourceNotebook, timeout: int, memory: "PeakMemory", packages: tuple[str, ...]):
    """An nbclient client for ``nb`` that seeds before the first cell, samples memory after each, and
    keeps the index of the running cell (for the error message)."""
    from nbclient import NotebookClient

    current = {"index": 0, "started": False}
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=notebook.kernel,
        allow_errors=False,
        record_timing=False,
        shutdown_kernel="immediate",
        shell_timeout_interval=1,
        resources={"metadata": {"path": str(notebook.path.parent)}},
        log=_NBCLIENT_LOG,
    )

    def on_notebook_start(notebook: NotebookNode) -> None:
        memory.start(getattr(client.km.provisioner, "pid", None))

    async def on_cell_start(cell: NotebookNode, cell_index: int) -> None:
        current["index"] = cell_index
        current["started"] = True
        if cell_index == 0:  # seed right before the first cell: the kernel's banner draws from `random`
            msg_id = client.kc.execute(seed_code(packages), silent=True, store_history=False)
            await client.async_wait_for_reply(msg_id)

    def on_cell_executed(cell: NotebookNode, cell_index: int, execute_reply: dict) -> None:
        memory.sample()

    client.on_notebook_start = on_notebook_start
    client.on_cell_start = on_cell_start
    client.on_cell_executed = on_cell_executed
    return client, current


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# -- a failure as one problem ------------------------------------------------------------

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


def kernel_failed(nb: SourceNotebook, error: BaseException, log_tail: str = "") -> Problem:
    detail = strip_ansi(str(error)).strip().splitlines()
    reason = detail[-1] if detail else type(error).__name__
    message = f"notebook '{nb.name}' could not be run with kernel '{nb.kernel}': {reason}"
    if log_tail.strip():  # the kernel's own last words, so that one can tell why it died
        message += "\n    kernel log: " + log_tail.strip().replace("\n", "\n    ")
    return Problem(nb.display, 1, 0, message)


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


# -- the kernel's peak memory ---------------------------------------------------------------

class PeakMemory:
    """Polls a process tree every ``interval`` seconds; on Linux also reads the kernel's exact
    high-water mark (VmHWM), which catches peaks shorter than the polling interval."""

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.peak_bytes = 0
        self._process: psutil.Process | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, pid: int | None) -> None:
        if pid is None:
            return
        try:
            self._process = psutil.Process(pid)
        except psutil.Error:
            return
        self._thread = threading.Thread(target=self._run, name=f"peak-memory-{pid}", daemon=True)
        self._thread.start()

    def sample(self) -> None:
        process = self._process
        if process is None:
            return
        try:
            total = process.memory_info().rss
            for child in process.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_bytes = max(self.peak_bytes, total, _high_water_mark(process.pid))
        except psutil.Error:
            pass

    def stop(self) -> float:
        """Stop polling; the peak in MB."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return round(self.peak_bytes / 2**20, 1)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()


def _high_water_mark(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0
