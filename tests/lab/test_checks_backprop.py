"""lab.checks_backprop: each checker passes the solution, fails each usual mistake with its hint and lends
the reference, and lends it with a note while the exercise is unsolved."""

import numpy as np
import pytest

from lab import checks, checks_backprop


def matmul_solution(A, B, grad_out):
    return np.einsum("nm,km->nk", grad_out, B), np.einsum("nk,nm->km", A, grad_out)


def adam_solution(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = m + (1 - beta1) * (grad - m)
    v = v + (1 - beta2) * (grad * grad - v)
    return x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def stub(*args):
    raise NotImplementedError


CASES = {
    "matmul_backward": (matmul_solution, {
        "without the transposes": lambda A, B, G: (G @ B, A @ G),
        "wrong order": lambda A, B, G: (B.T @ G, G @ A.T),
    }),
    "adam_update": (adam_solution, {
        "without the bias correction": lambda x, g, m, v, t, lr: (
            x - lr * (0.9 * m + 0.1 * g) / (np.sqrt(0.999 * v + 0.001 * g * g) + 1e-8), 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g),
        "without the square root": lambda x, g, m, v, t, lr: (
            x - lr * ((0.9 * m + 0.1 * g) / (1 - 0.9**t)) / ((0.999 * v + 0.001 * g * g) / (1 - 0.999**t) + 1e-8),
            0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g),
    }),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_solution_is_used_and_every_mistake_or_stub_gets_the_reference(name, capsys):
    checker, reference = getattr(checks_backprop, name), getattr(checks_backprop, f"reference_{name}")
    solution, mistakes = CASES[name]
    assert checker(solution) is solution and capsys.readouterr().out.startswith(f"{name}: all ")
    assert checker(stub) is reference and capsys.readouterr().out == f"{name}: not written yet. {checks.FALLBACK}\n"
    for mistake, wrong in mistakes.items():
        used, out = checker(wrong), capsys.readouterr().out
        hint = out.split("It matches the reference")[-1]
        assert used is reference and out.startswith(f"{name}: wrong on test"), (mistake, out)
        assert mistake in hint and checks.FALLBACK in out, (mistake, out)


def test_the_checks_leave_their_inputs_alone():
    """The student's function gets copies: an answer that updates m in place cannot corrupt the next case."""
    def in_place(x, grad, m, v, t, lr):
        m *= 0.9
        m += 0.1 * grad
        v *= 0.999
        v += 0.001 * grad * grad
        return x - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8), m, v
    assert checks_backprop.adam_update(in_place) is in_place
