"""Make the notebooks' `lab` package importable (it lives next to the notebooks)."""

import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[2] / "content" / "notebooks"
if str(NOTEBOOKS) not in sys.path:
    sys.path.insert(0, str(NOTEBOOKS))

try:
    import torch
except ImportError:  # the `notebooks` extra is not installed: none of these tests can run
    collect_ignore_glob = ["test_*.py"]
else:
    torch.set_num_threads(1)  # tiny models: threads only add overhead (and contention in parallel test runs)
