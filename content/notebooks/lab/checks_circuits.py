"""Checkers for the circuits-ii exercises (the same verdicts, hints and fallback as ``lab.checks``, whose
``check`` they reuse)."""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

from . import circuits
from .checks import check

reference_attribution_patch = circuits.attribution_patch
reference_resample_tokens = circuits.resample_tokens


def attribution_patch(student: Callable[[Tensor, Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor, Tensor], Tensor]:
    """Check ``student(clean, corrupted, grad)``: three (batch, pos, head, d_model) tensors -> (batch, head)."""
    g = torch.Generator().manual_seed(41)
    cases = [tuple(torch.randn(shape, generator=g) for _ in range(3)) for shape in ((2, 3, 4, 5), (1, 6, 2, 8), (3, 2, 3, 4))]
    mistakes = {"with the difference the wrong way round (corrupted - clean estimates noising, not denoising)":
                    lambda clean, corrupted, grad: ((corrupted - clean) * grad).sum(dim=(1, 3)),
                "with the gradient times the clean activation alone (the change is clean - corrupted)":
                    lambda clean, corrupted, grad: (clean * grad).sum(dim=(1, 3)),
                "summed over the heads instead of the positions (keep one estimate per head)":
                    lambda clean, corrupted, grad: ((clean - corrupted) * grad).sum(dim=(2, 3)),
                "averaged over the positions instead of summed (the patch changes every position at once)":
                    lambda clean, corrupted, grad: ((clean - corrupted) * grad).sum(dim=3).mean(dim=1)}
    passed = check("attribution_patch", student, reference_attribution_patch, cases, mistakes)
    return student if passed else reference_attribution_patch


def _copied_into_every_donor(tokens: Tensor, donors: Tensor, offsets: list[int]) -> Tensor:
    out, n = donors.clone(), tokens.shape[1]
    for o in offsets:
        for j in range(max(0, -o), min(n, n - o)):
            out[:, :, j + o] = tokens[:, j + o, None]
    return out


def _wrapping_around(tokens: Tensor, donors: Tensor, offsets: list[int]) -> Tensor:
    out, n = donors.clone(), tokens.shape[1]
    for o in offsets:
        for j in range(n):
            out[:, j, (j + o) % n] = tokens[:, (j + o) % n]
    return out


def _leaves_donors_alone(student: Callable) -> Callable:
    """The student's function, failing if it changes its ``donors`` argument (the notebook reuses them)."""
    def run(tokens: Tensor, donors: Tensor, offsets: list[int]) -> Tensor:
        given = donors.clone()
        out = student(tokens, given, offsets)
        if not torch.equal(given, donors):
            raise ValueError("it changed donors in place; the same donors serve every hypothesis, so return a copy")
        return out
    return run


def resample_tokens(student: Callable[[Tensor, Tensor, list], Tensor]) -> Callable[[Tensor, Tensor, list], Tensor]:
    """Check ``student(tokens, donors, offsets)``: tokens (batch, pos), donors (batch, pos, pos), a list of
    offsets -> the donors with donors[b, j, j + o] = tokens[b, j + o] wherever 0 <= j + o < pos."""
    g = torch.Generator().manual_seed(42)
    cases = [(torch.randint(0, 50, (batch, n), generator=g), torch.randint(50, 100, (batch, n, n), generator=g), offsets)
             for batch, n, offsets in ((2, 5, [-1]), (1, 6, [-1, 0]), (3, 4, [1]), (2, 7, [-2, 0]))]
    mistakes = {"with the offset the wrong way (the token at j - o instead of j + o)":
                    lambda tokens, donors, offsets: reference_resample_tokens(tokens, donors, [-o for o in offsets]),
                "copied into every donor at once (only donor j gets the tokens at j + o)": _copied_into_every_donor,
                "wrapping around at the ends (position 0 has no previous token; skip offsets outside the sequence)":
                    _wrapping_around}
    passed = check("resample_tokens", _leaves_donors_alone(student), reference_resample_tokens, cases, mistakes)
    return student if passed else reference_resample_tokens
