"""Rotary positional embeddings (RoPE, Su et al. 2021) and a task for testing length generalisation.

RoPE changes only the queries and keys: the pair of coordinates (2i, 2i+1) of the vector at position p
is rotated by the angle p * theta_i, with theta_i = base^(-2i/d). A dot product of two rotated vectors
then depends on their positions only through the offset between them. ``rotary_patches`` applies the
rotation to every layer of a ``lab.gpt.GPT`` through its hooks, so a model built with
``positional="none"`` becomes a RoPE model without a second copy of the model code.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

from .gpt import GPT

IGNORE = -100  # the target of a position with nothing to predict (F.cross_entropy's ignore_index)


def rope_angles(positions: Tensor, d: int, base: float = 10000.0, dtype: torch.dtype = torch.float32) -> Tensor:
    """angle[p, i] = positions[p] * base^(-2i/d), shape (pos, d/2), in ``dtype``."""
    theta = base ** (-torch.arange(0, d, 2, dtype=dtype) / d)  # (d/2,)
    return positions.to(dtype)[:, None] * theta[None, :]


def rope(x: Tensor, positions: Tensor, base: float = 10000.0) -> Tensor:
    """Rotate each pair (x[..., 2i], x[..., 2i+1]) of x (..., pos, d) by positions[p] * theta_i
    (the angles computed in x's dtype)."""
    angle = rope_angles(positions, x.shape[-1], base, x.dtype)  # (pos, d/2)
    cos, sin = angle.cos(), angle.sin()
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def rotary_patches(model: GPT, n_pos: int) -> dict[str, Callable[[Tensor], Tensor]]:
    """Hooks that rotate every layer's queries and keys (batch, head, pos, d_head) by their positions."""
    positions = torch.arange(n_pos)
    rotate = lambda qk: rope(qk, positions)  # noqa: E731
    return {f"blocks.{layer}.attn.{name}": rotate for layer in range(model.cfg.n_layers) for name in ("q", "k")}


def forward(model: GPT, tokens: Tensor, rotary: bool) -> Tensor:
    """Logits of ``model`` on tokens (batch, pos), with RoPE applied to its attention when ``rotary``."""
    if not rotary:
        return model(tokens)
    return model.run_with_patches(tokens, rotary_patches(model, tokens.shape[1]))


def delayed_copy_batch(batch: int, length: int, vocab: int, delay: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Random tokens (batch, length) and targets: at position t the token from position t - delay
    (IGNORE for the first ``delay`` positions, which have nothing that far back)."""
    tokens = torch.randint(0, vocab, (batch, length), generator=generator)
    targets = torch.full_like(tokens, IGNORE)
    targets[:, delay:] = tokens[:, :-delay]
    return tokens, targets
