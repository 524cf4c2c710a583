"""Checkers for the sae-on-gpt exercises (the verdicts, hints and fallback of ``lab.checks``, whose
``check`` they reuse)."""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from . import sae, sae_gpt
from .checks import check
from .gpt import GPT, GPTConfig


def reference_fraction_variance_unexplained(x: Tensor, x_hat: Tensor) -> Tensor:
    """As ``lab.sae.fraction_of_variance_unexplained``, as a tensor."""
    return torch.tensor(sae.fraction_of_variance_unexplained(x, x_hat))


def fraction_variance_unexplained(student: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor], Tensor]:
    """Check ``student(x, x_hat)``: x, x_hat (n, d); the squared error over the whole set divided by the
    squared distance of x from its mean: a scalar."""
    g = torch.Generator().manual_seed(51)
    cases = []
    for n, d in ((4, 1), (50, 6), (200, 32)):
        x = 3 + torch.randn(n, d, generator=g) * torch.rand(d, generator=g) * 2  # off-centre, unequal scales
        cases.append((x, x + 0.3 * torch.randn(n, d, generator=g)))
    mistakes = {"with ||x||^2 as the denominator (the variance is measured around the mean of x)":
                    lambda x, xh: ((x - xh) ** 2).sum() / (x**2).sum(),
                "averaged per example (one ratio per row, then the mean): the ratio is of sums over the whole set":
                    lambda x, xh: (((x - xh) ** 2).sum(-1) / ((x - x.mean(0)) ** 2).sum(-1)).mean(),
                "averaged per dimension (one ratio per column, then the mean): the ratio is of sums over the whole set":
                    lambda x, xh: (((x - xh) ** 2).sum(0) / ((x - x.mean(0)) ** 2).sum(0)).mean(),
                "as the fraction explained (1 - FVU)":
                    lambda x, xh: 1 - reference_fraction_variance_unexplained(x, xh)}
    passed = check("fraction_variance_unexplained", student, reference_fraction_variance_unexplained, cases, mistakes)
    return student if passed else reference_fraction_variance_unexplained


def reference_splice_loss(model: GPT, tokens: Tensor, targets: Tensor, name: str, replace: Callable) -> Tensor:
    return torch.tensor(sae_gpt.spliced_loss(model, tokens, targets, name, replace))


def splice_loss(student: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Check ``student(model, tokens, targets, name, replace)``: the mean cross-entropy of ``targets`` when
    activation ``name`` is replaced by ``replace(activation)``; a scalar."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(52)
        model = GPT(GPTConfig(vocab_size=11, context_length=8, d_model=16, n_layers=2, n_heads=2, d_mlp=24)).eval()
    g = torch.Generator().manual_seed(53)
    cases = []
    for batch, pos, name, replace in ((1, 4, "blocks.0.mlp.hidden", torch.zeros_like),
                                      (3, 8, "blocks.1.mlp.hidden", lambda h: 5 * h),
                                      (2, 6, "blocks.0.mlp.out", lambda h: h.flip(0))):
        tokens = torch.randint(0, 11, (batch, pos + 1), generator=g)
        cases.append((model, tokens[:, :-1], tokens[:, 1:], name, replace))

    def ce(model, tokens, targets, name, replace, patched=True, against=None, reduction="mean"):
        logits = model.run_with_patches(tokens, {name: replace}) if patched else model(tokens)
        wanted = targets if against is None else against
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), wanted.reshape(-1), reduction=reduction)

    mistakes = {"without the replacement (the model's own loss)": lambda *case: ce(*case, patched=False),
                "summed over positions instead of averaged": lambda *case: ce(*case, reduction="sum"),
                "scored against the input tokens instead of the targets (the next tokens)":
                    lambda *case: ce(*case, against=case[1])}
    with torch.no_grad():
        passed = check("splice_loss", student, reference_splice_loss, cases, mistakes)
    return student if passed else reference_splice_loss
