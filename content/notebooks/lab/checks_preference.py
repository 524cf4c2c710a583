"""Checkers for the preference-tuning exercises (the verdicts, hints and fallback of ``lab.checks``,
whose ``check`` they reuse)."""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from . import preference
from .checks import check

reference_dpo_loss = preference.dpo_loss


def reference_lora_forward(x: Tensor, weight: Tensor, bias: Tensor, A: Tensor, B: Tensor, alpha: float) -> Tensor:
    """As ``lab.lora.LoRALinear``: x W_0^T + b + (alpha / r) x A^T B^T, with r = A.shape[0]."""
    return x @ weight.T + bias + (alpha / A.shape[0]) * (x @ A.T) @ B.T


def lora_forward(student: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Check ``student(x, weight, bias, A, B, alpha)``: x (batch, d_in), weight (d_out, d_in), bias (d_out,),
    A (r, d_in), B (d_out, r); returns (batch, d_out)."""
    g = torch.Generator().manual_seed(41)
    cases = []
    for batch, d_in, d_out, r, alpha in ((1, 3, 2, 2, 3.0), (5, 8, 6, 4, 8.0), (7, 16, 12, 3, 6.0)):
        sizes = ((batch, d_in), (d_out, d_in), (d_out,), (r, d_in), (d_out, r))
        cases.append((*(torch.randn(size, generator=g) for size in sizes), alpha))
    mistakes = {"without the alpha / r scale": lambda x, W, b, A, B, alpha: x @ W.T + b + (x @ A.T) @ B.T,
                "scaled by alpha instead of alpha / r (r = A.shape[0])":
                    lambda x, W, b, A, B, alpha: x @ W.T + b + alpha * (x @ A.T) @ B.T,
                "without the frozen layer's bias": lambda x, W, b, A, B, alpha: reference_lora_forward(x, W, 0 * b, A, B, alpha),
                "without the frozen weight (the update alone)":
                    lambda x, W, b, A, B, alpha: reference_lora_forward(x, 0 * W, b, A, B, alpha)}
    passed = check("lora_forward", student, reference_lora_forward, cases, mistakes)
    return student if passed else reference_lora_forward


def dpo_loss(student: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Check ``student(policy_chosen, policy_rejected, reference_chosen, reference_rejected, beta)``: four
    (batch,) tensors of sequence log-probabilities and a number; returns a scalar."""
    g = torch.Generator().manual_seed(42)
    cases = [(*(-20 + 5 * torch.randn(batch, generator=g) for _ in range(4)), beta)
             for batch, beta in ((1, 0.5), (6, 0.1), (16, 2.0))]

    def margin(pc, pr, rc, rr):
        return (pc - rc) - (pr - rr)

    mistakes = {"without the reference model (the policy's log-ratio alone; DPO measures each sample against pi_ref)":
                    lambda pc, pr, rc, rr, beta: -F.logsigmoid(beta * (pc - pr)).mean(),
                "with the chosen and rejected samples swapped":
                    lambda pc, pr, rc, rr, beta: -F.logsigmoid(-beta * margin(pc, pr, rc, rr)).mean(),
                "without beta": lambda pc, pr, rc, rr, beta: -F.logsigmoid(margin(pc, pr, rc, rr)).mean(),
                "with the sign of the loss flipped (minimise -log sigmoid)":
                    lambda pc, pr, rc, rr, beta: F.logsigmoid(beta * margin(pc, pr, rc, rr)).mean(),
                "summed over the pairs instead of averaged":
                    lambda pc, pr, rc, rr, beta: -F.logsigmoid(beta * margin(pc, pr, rc, rr)).sum()}
    passed = check("dpo_loss", student, reference_dpo_loss, cases, mistakes)
    return student if passed else reference_dpo_loss
