"""Checkers for the rnn-vs-attention exercises (the same verdicts, hints and fallback as ``lab.checks``,
whose ``check`` they reuse; a module of their own so that each notebook's checkers stay together)."""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

from .checks import check


def reference_step_jacobian(h: Tensor, W_hh: Tensor) -> Tensor:
    """d h_t / d h_{t-1} for h_t = tanh(W_ih x_t + W_hh h_{t-1} + b), given h_t (hidden,): (hidden, hidden)."""
    return (1 - h**2)[:, None] * W_hh


def step_jacobian(student: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor], Tensor]:
    """Check ``student(h, W_hh)``: h = h_t (hidden,) after the tanh, W_hh (hidden, hidden)."""
    g = torch.Generator().manual_seed(31)
    cases = [(torch.rand(n, generator=g) * 1.8 - 0.9, torch.randn(n, n, generator=g)) for n in (2, 5, 16)]
    mistakes = {"without the derivative of tanh (W_hh alone)": lambda h, W: W,
                "with W_hh transposed (row i of the Jacobian is unit i's response: diag(1 - h^2) W_hh)":
                    lambda h, W: (1 - h**2)[:, None] * W.T,
                "with the derivative of tanh on the wrong side (W_hh diag(1 - h^2))": lambda h, W: W * (1 - h**2)[None, :],
                "with 1 - h as the derivative of tanh (it is 1 - tanh^2)": lambda h, W: (1 - h)[:, None] * W}
    passed = check("step_jacobian", student, reference_step_jacobian, cases, mistakes)
    return student if passed else reference_step_jacobian


def reference_lstm_cell(x: Tensor, h: Tensor, c: Tensor, W_ih: Tensor, W_hh: Tensor, b_ih: Tensor,
                        b_hh: Tensor, order: str = "ifgo", squash_cell: bool = True) -> tuple[Tensor, Tensor]:
    """One LSTM step as ``nn.LSTMCell``: the gates' rows in PyTorch's order (input, forget, cell, output)."""
    gates = dict(zip(order, (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=-1)))
    i, f, o = gates["i"].sigmoid(), gates["f"].sigmoid(), gates["o"].sigmoid()
    c_new = f * c + i * gates["g"].tanh()
    return o * (c_new.tanh() if squash_cell else c_new), c_new


def lstm_cell(student: Callable[..., tuple[Tensor, Tensor]]) -> Callable[..., tuple[Tensor, Tensor]]:
    """Check ``student(x, h, c, W_ih, W_hh, b_ih, b_hh)``: x (batch, d_in), h and c (batch, hidden), W_ih
    (4 hidden, d_in), W_hh (4 hidden, hidden), biases (4 hidden,); returns (h_new, c_new)."""
    g = torch.Generator().manual_seed(32)
    cases = []
    for batch, d_in, hidden in ((1, 3, 2), (4, 5, 8), (3, 8, 16)):
        sizes = ((batch, d_in), (batch, hidden), (batch, hidden), (4 * hidden, d_in), (4 * hidden, hidden), (4 * hidden,), (4 * hidden,))
        cases.append(tuple(torch.randn(size, generator=g) for size in sizes))

    def joined(fn):
        return lambda *case: torch.cat(fn(*case), dim=-1)

    mistakes = {"with the input and forget gates swapped (PyTorch's order is input, forget, cell, output)":
                    lambda *case: reference_lstm_cell(*case, order="figo"),
                "without the tanh of the new cell state in h (h = o * tanh(c))":
                    lambda *case: reference_lstm_cell(*case, squash_cell=False)}
    passed = check("lstm_cell", joined(student), joined(reference_lstm_cell), cases,
                   {hint: joined(wrong) for hint, wrong in mistakes.items()})
    return student if passed else reference_lstm_cell
