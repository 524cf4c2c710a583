"""Running one notebook in a fresh kernel, with nbclient.

The kernel starts in the notebook's own directory with a fixed environment:
one thread for the math libraries, a fixed hash seed, the inline matplotlib
backend, and ``COURSE_ARTIFACTS_DIR`` pointing into the cache.  ``random``,
``numpy`` and ``torch`` (when the notebook uses them) are seeded with 0 before
the first cell.  Every cell has a timeout; the first error stops the notebook.
"""

from __future__ import annotations

import copy
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode

from course.ground.errors import Problem
from course.notebooks import errors
from course.notebooks.monitor import PeakMemory
from course.notebooks.source import SourceNotebook

# nbclient logs its own view of a timeout or error; ours is the one message the user sees.
_NBCLIENT_LOG = logging.getLogger("course.notebooks.nbclient")
_NBCLIENT_LOG.setLevel(logging.CRITICAL)

SEED = 0
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
    """Execute a copy of ``notebook.nb``; raises ``NotebookFailure`` with one clear problem."""
    # imported here: a build whose notebooks are all cached never needs nbclient (and its ~0.4 s import)
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = copy.deepcopy(notebook.nb)
    artifacts_dir.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    memory = PeakMemory()
    current = {"index": 0}
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
        if cell_index == 0:  # seed right before the first cell: the kernel's banner draws from `random`
            msg_id = client.kc.execute(seed_code(packages), silent=True, store_history=False)
            await client.async_wait_for_reply(msg_id)

    def on_cell_executed(cell: NotebookNode, cell_index: int, execute_reply: dict) -> None:
        memory.sample()

    client.on_notebook_start = on_notebook_start
    client.on_cell_start = on_cell_start
    client.on_cell_executed = on_cell_executed

    started = time.perf_counter()
    try:
        with log_path.open("w", encoding="utf-8") as log:
            client.execute(env=kernel_environment(artifacts_dir), stdout=log, stderr=log)
    except CellExecutionError as error:
        raise NotebookFailure(errors.cell_failure(notebook, current["index"], error.ename, error.evalue, error.traceback)) from None
    except CellTimeoutError:
        raise NotebookFailure(errors.cell_timeout(notebook, current["index"], timeout)) from None
    except DeadKernelError:
        raise NotebookFailure(errors.kernel_died(notebook, current["index"], _tail(log_path))) from None
    except Exception as error:  # no such kernel, kernel failed to start, ...
        raise NotebookFailure(errors.kernel_failed(notebook, error)) from None
    finally:
        peak_mb = memory.stop()
    return Execution(nb=nb, seconds=round(time.perf_counter() - started, 2), peak_mb=peak_mb)


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
