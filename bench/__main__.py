"""Run every benchmark module (bench/bench_*.py) in name order; each prints its own figures.

A benchmark that fails is reported and the others still run; the exit status is then 1.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent))
    failed = []
    for path in sorted(here.glob("bench_*.py")):
        print(f"== {path.stem}", flush=True)
        try:
            importlib.import_module(f"bench.{path.stem}").main()
        except (Exception, SystemExit):
            traceback.print_exc()
            failed.append(path.stem)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
