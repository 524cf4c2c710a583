"""The checkers in their own modules (lab.checks_backprop, lab.checks_recurrent): each passes the solution,
fails each usual mistake with its hint and lends the reference, and lends it with a note while the
exercise is unsolved."""

import numpy as np
import pytest
import torch

from lab import checks_backprop, checks_recurrent


def matmul_solution(A, B, grad_out):
    return np.einsum("nm,km->nk", grad_out, B), np.einsum("nk,nm->km", A, grad_out)


def adam_solution(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = m + (1 - beta1) * (grad - m)
    v = v + (1 - beta2) * (grad * grad - v)
    return x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def jacobian_solution(h, W_hh):
    return torch.diag(1 - h**2) @ W_hh


def lstm_solution(x, h, c, W_ih, W_hh, b_ih, b_hh):
    cell = torch.nn.LSTMCell(x.shape[1], h.shape[1])
    with torch.no_grad():
        for param, value in zip((cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh), (W_ih, W_hh, b_ih, b_hh)):
            param.copy_(value)
        return cell(x, (h, c))


def lstm_gates_swapped(x, h, c, W_ih, W_hh, b_ih, b_hh):
    f, i, g, o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=-1)
    c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c_new.tanh(), c_new


CASES = {
    "step_jacobian": (jacobian_solution, {
        "without the derivative of tanh": lambda h, W: W,
        "transposed": lambda h, W: (1 - h**2)[:, None] * W.T,
        "wrong side": lambda h, W: W @ torch.diag(1 - h**2),
        "1 - h": lambda h, W: torch.diag(1 - h) @ W,
    }),
    "lstm_cell": (lstm_solution, {
        "input and forget gates swapped": lstm_gates_swapped,
        "without the tanh of the new cell state": lambda *case: (lambda hc: (hc[0] / hc[1].tanh() * hc[1], hc[1]))(lstm_solution(*case)),
    }),
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
def test_the_solution_is_used_and_every_mistake_or_stub_gets_the_reference(name, checker_verdicts):
    checker_verdicts(checks_recurrent if hasattr(checks_recurrent, name) else checks_backprop, name, *CASES[name])


def test_the_checks_leave_their_inputs_alone():
    """The student's function gets copies: an answer that updates m in place cannot corrupt the next case."""
    def in_place(x, grad, m, v, t, lr):
        m *= 0.9
        m += 0.1 * grad
        v *= 0.999
        v += 0.001 * grad * grad
        return x - lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8), m, v
    assert checks_backprop.adam_update(in_place) is in_place
