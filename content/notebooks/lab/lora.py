"""Low-rank adapters (LoRA, Hu et al. 2021) for the course's GPT.

Fine-tuning every weight of a model is expensive and yields a full copy of it. LoRA freezes the pretrained
weight W_0 of a linear layer and learns a low-rank update instead,

    h = W_0 x + b + (alpha / r) B A x,      A: (r, d_in),  B: (d_out, r),  r << min(d_in, d_out),

with A drawn at random and B zero, so that training starts exactly at the pretrained model and only
r (d_in + d_out) numbers per layer are learned. Hu et al. adapt the attention projections of large
transformers; ``add_lora`` adapts the MLP matrices of ``lab.gpt.GPT``, whose attention matrices are
per-head parameters rather than ``nn.Linear`` layers.
"""

from __future__ import annotations

import copy

import torch
from torch import Tensor, nn

from .gpt import GPT


class LoRALinear(nn.Module):
    """A frozen ``nn.Linear`` plus (alpha / rank) B A: A (rank, in) Gaussian, B (out, rank) zero."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base.requires_grad_(False)
        self.rank, self.alpha = rank, alpha
        self.A = nn.Parameter(torch.randn(rank, base.in_features) / base.in_features**0.5)
        self.B = nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x: Tensor) -> Tensor:
        return self.base(x) + (self.alpha / self.rank) * (x @ self.A.T) @ self.B.T  # (..., out)


def add_lora(model: GPT, rank: int = 4, alpha: float = 8.0) -> GPT:
    """A copy of ``model`` with every parameter frozen and a LoRA adapter on each block's W_in and W_out.
    The original is left untouched (it serves as the reference model)."""
    adapted = copy.deepcopy(model).requires_grad_(False)
    for block in adapted.blocks:
        if block.mlp is not None:
            block.mlp.W_in = LoRALinear(block.mlp.W_in, rank, alpha)
            block.mlp.W_out = LoRALinear(block.mlp.W_out, rank, alpha)
    return adapted


def lora_parameters(model: nn.Module) -> list[nn.Parameter]:
    """The A and B of every adapter in ``model``: the only parameters fine-tuning changes."""
    return [p for module in model.modules() if isinstance(module, LoRALinear) for p in (module.A, module.B)]
