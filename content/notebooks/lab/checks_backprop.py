"""Checkers for the backprop-from-scratch exercises, which are NumPy functions returning tuples.

A module of its own beside ``lab.checks`` (whose ``check`` it reuses: the same verdicts, hints and
fallback to the reference): the student's arrays are turned into one flat float64 tensor, so that a
tuple of gradients or of Adam's state is compared in one go.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from . import autodiff
from .checks import check

reference_matmul_backward = autodiff.matmul_backward
reference_adam_update = autodiff.adam_update


def _numpy_flat(fn: Callable) -> Callable:
    """``fn`` on NumPy copies of tensor inputs, its outputs (arrays or a tuple of them) as one flat tensor."""
    def run(*case):
        out = fn(*[a.numpy().copy() if isinstance(a, torch.Tensor) else a for a in case])
        parts = out if isinstance(out, tuple) else (out,)
        return torch.cat([torch.as_tensor(np.asarray(p, dtype=np.float64)).flatten() for p in parts])
    return run


def _run_check(name: str, student: Callable, reference: Callable, cases: list, mistakes: dict) -> Callable:
    passed = check(name, _numpy_flat(student), _numpy_flat(reference), cases,
                   {hint: _numpy_flat(wrong) for hint, wrong in mistakes.items()}, atol=1e-8)
    return student if passed else reference


def matmul_backward(student: Callable) -> Callable:
    """Check ``student(A, B, grad_out)``: for C = A @ B, A (n, k), B (k, m), grad_out = dL/dC (n, m);
    returns (dL/dA, dL/dB)."""
    g = torch.Generator().manual_seed(21)
    cases = [tuple(torch.randn(shape, generator=g, dtype=torch.float64) for shape in ((n, k), (k, m), (n, m)))
             for n, k, m in ((3, 3, 3), (4, 2, 5), (1, 6, 2))]  # square first, so that wrong orders still run
    mistakes = {"without the transposes (dA = grad_out @ B, dB = A @ grad_out)": lambda A, B, G: (G @ B, A @ G),
                "with the products in the wrong order (dA = B.T @ grad_out, dB = grad_out @ A.T)":
                    lambda A, B, G: (B.T @ G, G @ A.T)}
    return _run_check("matmul_backward", student, reference_matmul_backward, cases, mistakes)


def adam_update(student: Callable) -> Callable:
    """Check ``student(x, grad, m, v, t, lr)`` (betas 0.9 and 0.999, eps 1e-8): (new x, new m, new v)."""
    g = torch.Generator().manual_seed(22)
    cases = []
    for d, t, lr in ((3, 1, 0.1), (5, 2, 0.01), (4, 10, 0.5)):
        x, grad, m = (torch.randn(d, generator=g, dtype=torch.float64) for _ in range(3))
        cases.append((x, grad, 0.1 * m, 0.1 * torch.rand(d, generator=g, dtype=torch.float64), t, lr))

    def without_correction(x, grad, m, v, t, lr):
        m, v = 0.9 * m + 0.1 * grad, 0.999 * v + 0.001 * grad**2
        return x - lr * m / (np.sqrt(v) + 1e-8), m, v

    def without_root(x, grad, m, v, t, lr):
        m, v = 0.9 * m + 0.1 * grad, 0.999 * v + 0.001 * grad**2
        return x - lr * (m / (1 - 0.9**t)) / (v / (1 - 0.999**t) + 1e-8), m, v

    mistakes = {"without the bias correction (divide m by 1 - beta1^t and v by 1 - beta2^t)": without_correction,
                "without the square root of v (Adam divides by the root mean square of the gradient)": without_root}
    return _run_check("adam_update", student, reference_adam_update, cases, mistakes)
