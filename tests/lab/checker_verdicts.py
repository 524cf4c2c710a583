"""What every checker in a ``lab.checks_*`` module must do, asserted once for all their tests: use a correct
answer, lend the reference with a note while the exercise is unsolved, and fail each known mistake with
its hint (and the reference)."""

from __future__ import annotations

from types import ModuleType
from typing import Callable

from lab import checks


def stub(*args):
    raise NotImplementedError


def assert_verdicts(module: ModuleType, name: str, solution: Callable, mistakes: dict[str, Callable], capsys) -> None:
    """``module.name`` passes ``solution``, lends ``module.reference_name`` for a stub and for each mistake,
    whose printed hint must contain the mistake's key."""
    checker, reference = getattr(module, name), getattr(module, f"reference_{name}")
    assert checker(solution) is solution and capsys.readouterr().out.startswith(f"{name}: all ")
    assert checker(stub) is reference and capsys.readouterr().out == f"{name}: not written yet. {checks.FALLBACK}\n"
    for mistake, wrong in mistakes.items():
        used, out = checker(wrong), capsys.readouterr().out
        assert used is reference and out.startswith(f"{name}: wrong on test"), (mistake, out)
        assert mistake in out.split("It matches the reference")[-1] and checks.FALLBACK in out, (mistake, out)
