"""Counting baselines for next-token prediction: what a model must beat to have learned anything.

``ngram_loss(train, val, n, vocab_size)`` fits an n-gram model by counting on ``train``
(add-k smoothing: every continuation of every context counts k extra times) and returns its
cross-entropy on ``val`` in nats per token. n = 1 is the unigram model (token frequencies),
n = 2 the bigram model, and so on. The language-modelling notebook builds the same model by hand.
"""

from __future__ import annotations

import torch
from torch import Tensor


def _contexts(tokens: Tensor, n: int, vocab_size: int) -> tuple[Tensor, Tensor]:
    """For every position t >= n - 1: the id of its n - 1 preceding tokens, and the token itself."""
    windows = tokens.long().unfold(0, n, 1)  # (positions, n)
    context = torch.zeros(len(windows), dtype=torch.long)
    for i in range(n - 1):
        context = context * vocab_size + windows[:, i]
    return context, windows[:, -1]


def _count(keys: Tensor, queries: Tensor) -> Tensor:
    """How often each query occurs among ``keys``."""
    unique, counts = torch.unique(keys, return_counts=True)
    at = torch.searchsorted(unique, queries).clamp(max=len(unique) - 1)
    return torch.where(unique[at] == queries, counts[at], 0)


def ngram_loss(train: Tensor, val: Tensor, n: int, vocab_size: int, k: float = 0.01) -> float:
    """Cross-entropy (nats per token) on ``val`` of the add-k n-gram model counted on ``train``:
    p(x | c) = (count(c, x) + k) / (count(c) + k V), scored at every position with n - 1 tokens before it."""
    if vocab_size ** n >= 2**62:
        raise ValueError(f"an {n}-gram over {vocab_size} tokens does not fit a 64-bit id")
    context, nxt = _contexts(train, n, vocab_size)
    val_context, val_next = _contexts(val, n, vocab_size)
    joint = _count(context * vocab_size + nxt, val_context * vocab_size + val_next)
    p = (joint + k) / (_count(context, val_context) + k * vocab_size)
    return -p.log().mean().item()
