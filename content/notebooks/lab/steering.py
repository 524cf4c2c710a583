"""Steering a GPT by adding a direction to its residual stream while it generates.

A *steering vector* is a direction in the residual stream found from two contrasting sets of inputs;
adding it at one layer, at every position, pushes the model towards one side of the contrast
(Turner et al. 2023, activation addition; Zou et al. 2023, representation engineering). Here the
direction is the difference of the two sets' mean activations, the sets are characters inside and
outside quotation marks, and the property it steers is how much the model writes in quotation marks.
"""

from __future__ import annotations

from typing import Callable, Mapping

import torch
from torch import Tensor, nn

from .gpt import GPT


def quotation_mask(text: str) -> Tensor:
    """(len(text),) bool: True inside a quotation, from an opening mark up to (not including) the closing one."""
    marks = torch.tensor([c == '"' for c in text], dtype=torch.long)
    return marks.cumsum(0) % 2 == 1


def difference_of_means(acts: Tensor, labels: Tensor) -> Tensor:
    """acts (n, d_model), labels (n,) bool: the mean of the True rows minus the mean of the False rows, (d_model,)."""
    return acts[labels].mean(0) - acts[~labels].mean(0)


def separation_auc(scores: Tensor, labels: Tensor) -> float:
    """The probability that a random True position scores higher than a random False one (the area under
    the ROC curve; 0.5 for a score that knows nothing; ties count half)."""
    pos, neg = scores[labels][:, None], scores[~labels][None, :]
    return ((pos > neg).double().mean() + 0.5 * (pos == neg).double().mean()).item()


def steering_hook(layer: int, vector: Tensor) -> dict[str, Callable[[Tensor], Tensor]]:
    """The ``run_with_patches`` dict that adds ``vector`` (d_model,) to the residual stream after block
    ``layer``, at every position."""
    return {f"blocks.{layer}.resid_post": lambda resid: resid + vector}


class Patched(nn.Module):
    """A GPT whose every forward pass applies ``patches``; it samples with ``GPT.generate``'s own loop."""

    generate = GPT.generate

    def __init__(self, model: GPT, patches: Mapping[str, Callable[[Tensor], Tensor]]):
        super().__init__()
        self.model, self.cfg, self.patches = model, model.cfg, dict(patches)

    def forward(self, tokens: Tensor) -> Tensor:
        return self.model.run_with_patches(tokens, self.patches)


def sample(model: GPT, prompt: Tensor, n_new: int, patches: Mapping[str, Callable[[Tensor], Tensor]] | None = None,
           seed: int = 0) -> Tensor:
    """``n_new`` tokens sampled after ``prompt`` (batch, pos) at temperature 1, with ``patches`` applied at
    every step (none: the model itself). The same seed draws the same random numbers, so two runs that
    differ only in their patches differ only by what the patches do."""
    runner = Patched(model, patches) if patches else model
    out = runner.generate(prompt, n_new, generator=torch.Generator().manual_seed(seed))
    return out[:, prompt.shape[1]:]


def rate_per_thousand(texts: list[str], chars: str) -> float:
    """How many of ``chars`` the texts contain per 1,000 characters."""
    joined = "".join(texts)
    return 1000 * sum(joined.count(c) for c in chars) / max(1, len(joined))
