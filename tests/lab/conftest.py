"""Make the notebooks' `lab` package importable (it lives next to the notebooks)."""

import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[2] / "content" / "notebooks"
if str(NOTEBOOKS) not in sys.path:
    sys.path.insert(0, str(NOTEBOOKS))
