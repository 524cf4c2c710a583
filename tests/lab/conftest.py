"""Make the notebooks' `lab` package importable (it lives next to the notebooks)."""

import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "content" / "notebooks"
if str(NOTEBOOKS) not in sys.path:
    sys.path.insert(0, str(NOTEBOOKS))

try:
    import torch
except ImportError:  # the `notebooks` extra is not installed: none of these tests can run
    collect_ignore_glob = ["test_*.py"]
else:
    torch.set_num_threads(1)  # tiny models: threads only add overhead (and contention in parallel test runs)


@pytest.fixture
def checker_verdicts(capsys):
    """``run(module, name, solution, mistakes)``: the checker ``module.name`` must use a correct solution, lend
    ``module.reference_<name>`` with a note to an unsolved stub, and lend it to each known mistake (a dict:
    the words its hint must contain -> a wrong implementation) with that hint."""
    def run(module, name, solution, mistakes):
        from lab import checks

        def stub(*args):
            raise NotImplementedError

        checker, reference = getattr(module, name), getattr(module, f"reference_{name}")
        assert checker(solution) is solution and capsys.readouterr().out.startswith(f"{name}: all ")
        assert checker(stub) is reference and capsys.readouterr().out == f"{name}: not written yet. {checks.FALLBACK}\n"
        for mistake, wrong in mistakes.items():
            used, out = checker(wrong), capsys.readouterr().out
            hint = out.split("It matches the reference")[-1]
            assert used is reference and out.startswith(f"{name}: wrong on test"), (mistake, out)
            assert mistake in hint and checks.FALLBACK in out, (mistake, out)
    return run
