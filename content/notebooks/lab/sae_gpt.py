"""A sparse autoencoder on a trained GPT's MLP: the activations, the loss with a layer replaced, and the
contexts that drive a latent.

The SAE itself is ``lab.sae.SparseAutoencoder``. Bricken et al. (2023) train one on the MLP activations of
a one-layer transformer, Cunningham et al. (2023) on the residual stream and MLPs of Pythia models; both
judge it by how much of the activations it reconstructs, how few latents it uses per token, how much of
the model's loss survives when its reconstruction replaces the real activations, and by reading the texts
on which each latent fires. This module computes those things for ``lab.gpt.GPT``.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from .gpt import GPT
from .sae import fraction_of_variance_unexplained


@torch.no_grad()
def activations(model: GPT, tokens: Tensor, name: str, chunk: int = 64) -> Tensor:
    """The activation ``name`` (a key of ``run_with_cache``) on ``tokens`` (batch, pos), one row per
    position: (batch * pos, width). (``chunk`` sequences at a time: the cache holds every activation.)"""
    rows = []
    for part in tokens.split(chunk):
        _, cache = model.run_with_cache(part)
        rows.append(cache[name].reshape(-1, cache[name].shape[-1]))
    return torch.cat(rows)


@torch.no_grad()
def spliced_loss(model: GPT, tokens: Tensor, targets: Tensor, name: str, replace: Callable[[Tensor], Tensor]) -> float:
    """Mean next-token cross-entropy (nats) when activation ``name`` is replaced by ``replace(activation)``
    and the rest of the model runs on the replacement."""
    logits = model.run_with_patches(tokens, {name: replace})  # (batch, pos, vocab)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1)).item()


def top_k_reconstruction(x: Tensor, mean: Tensor, k: int) -> Tensor:
    """The control for a sparse code in the neuron basis: each row of ``x`` (n, d) keeps its ``k``
    coordinates farthest from ``mean`` and has the others set to the mean."""
    centred = x - mean
    keep = centred.abs().topk(k, dim=-1).indices
    return mean + torch.zeros_like(x).scatter(-1, keep, centred.gather(-1, keep))


def neurons_needed(x: Tensor, mean: Tensor, fvu: float) -> int:
    """The smallest k for which ``top_k_reconstruction(x, mean, k)`` leaves at most ``fvu`` of the variance
    unexplained (its FVU falls as k grows, so a bisection finds it)."""
    low, high = 0, x.shape[-1]  # FVU(high) = 0 <= fvu; the answer is in (low, high]
    while high - low > 1:
        middle = (low + high) // 2
        if fraction_of_variance_unexplained(x, top_k_reconstruction(x, mean, middle)) <= fvu:
            high = middle
        else:
            low = middle
    return high


def top_contexts(values: Tensor, tokens: Tensor, decode: Callable, k: int = 8, width: int = 16) -> list[tuple[float, str, str]]:
    """The ``k`` positions where ``values`` (one per position of ``tokens`` (batch, pos), flattened) are largest:
    (value, up to ``width`` characters before the position, the character at it)."""
    top = values.topk(k)
    rows = []
    for value, index in zip(top.values.tolist(), top.indices.tolist()):
        b, p = divmod(index, tokens.shape[1])
        rows.append((value, decode(tokens[b, max(0, p - width) : p].tolist()), decode(tokens[b, p : p + 1].tolist())))
    return rows


def context_purity(values: Tensor, tokens: Tensor, k: int = 20, span: int = 1) -> Tensor:
    """For each unit (column of ``values``, (n_positions, n_units)): the share of its ``k`` largest
    activations at which the last ``span`` characters (the current one and those before) are the most
    common such string among them; NaN for a unit active (> 0) at fewer than ``k`` positions."""
    flat = tokens.reshape(-1)
    n_pos = tokens.shape[1]
    purity = torch.full((values.shape[1],), float("nan"))
    for unit in range(values.shape[1]):
        column = values[:, unit]
        if (column > 0).sum() < k:
            continue
        top = column.topk(k).indices
        keys = [tuple(flat[i - j].item() if (i % n_pos) >= j else -1 for j in range(span)) for i in top.tolist()]
        purity[unit] = Counter(keys).most_common(1)[0][1] / k
    return purity
