"""Checkers for the steering-vectors exercises (the same verdicts, hints and fallback as ``lab.checks``,
whose ``check`` they reuse)."""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

from . import steering
from .checks import check
from .gpt import GPT, GPTConfig

reference_difference_of_means = steering.difference_of_means
reference_steering_hook = steering.steering_hook


def difference_of_means(student: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor], Tensor]:
    """Check ``student(acts, labels)``: acts (n, d_model), labels (n,) bool -> (d_model,)."""
    g = torch.Generator().manual_seed(51)
    cases = []
    for n, d, n_true in ((5, 3, 2), (12, 8, 3), (9, 16, 7)):  # classes of different sizes
        labels = torch.zeros(n, dtype=torch.bool)
        labels[torch.randperm(n, generator=g)[:n_true]] = True
        cases.append((torch.randn(n, d, generator=g) + 2 * labels[:, None], labels))
    mistakes = {"the wrong way round (the False rows' mean minus the True rows')":
                    lambda acts, labels: acts[~labels].mean(0) - acts[labels].mean(0),
                "with the mean of all rows in place of the False rows' mean":
                    lambda acts, labels: acts[labels].mean(0) - acts.mean(0),
                "with sums in place of means (the classes have different sizes)":
                    lambda acts, labels: acts[labels].sum(0) - acts[~labels].sum(0),
                "normalised to length 1 (keep its length: it is the step from one mean to the other)":
                    lambda acts, labels: (lambda d: d / d.norm())(acts[labels].mean(0) - acts[~labels].mean(0))}
    passed = check("difference_of_means", student, reference_difference_of_means, cases, mistakes)
    return student if passed else reference_difference_of_means


def steering_hook(student: Callable[[int, Tensor], dict]) -> Callable[[int, Tensor], dict]:
    """Check ``student(layer, vector)``: the run_with_patches dict that adds vector (d_model,) to
    blocks.{layer}.resid_post at every position; compared by the logits of a small random model."""
    g = torch.Generator().manual_seed(52)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(52)
        model = GPT(GPTConfig(vocab_size=17, context_length=8, d_model=16, n_layers=3, n_heads=4)).eval()
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.3)  # weights far from GPT-2's small init, so that every layer matters
    cases = [(torch.randint(0, 17, (2, n), generator=g), layer, torch.randn(16, generator=g) * 3)
             for n, layer in ((5, 0), (8, 1), (3, 2))]

    def run(make: Callable[[int, Tensor], dict]) -> Callable[[Tensor, int, Tensor], Tensor]:
        def logits(tokens: Tensor, layer: int, vector: Tensor) -> Tensor:
            with torch.no_grad():
                return model.run_with_patches(tokens, make(layer, vector))
        return logits

    post = "blocks.{}.resid_post".format
    mistakes = {"at the last position only (add it at every position)":
                    run(lambda layer, v: {post(layer): lambda r: torch.cat([r[:, :-1], r[:, -1:] + v], dim=1)}),
                "replacing the residual stream by the vector instead of adding it":
                    run(lambda layer, v: {post(layer): lambda r: v.expand_as(r)}),
                "before the block (blocks.{layer}.resid_pre) instead of after it":
                    run(lambda layer, v: {f"blocks.{layer}.resid_pre": lambda r: r + v}),
                "with the vector subtracted": run(lambda layer, v: {post(layer): lambda r: r - v})}
    passed = check("steering_hook", run(student), run(reference_steering_hook), cases, mistakes)
    return student if passed else reference_steering_hook
