"""Testing a circuit hypothesis on the two-layer induction model: attribution patching, path patching
between two heads, and a resampling test in the manner of causal scrubbing.

* **Attribution patching** (Syed et al. 2023) replaces one activation patching run per component by a
  first-order Taylor expansion: the metric's change when the corrupted activation ``a`` becomes the clean
  one ``a'`` is about ``(a' - a) . dmetric/da``, with one backward pass for every component at once.
* **Path patching** changes one path only: a sender head's output as one receiver head *reads* it, through
  its queries, keys or values. ``path_patch`` does it in two passes with ``run_with_patches_and_cache``.
* **Resampling ablation** (Chan et al. 2022): a hypothesis says what an activation depends on; replace
  the activation by its value on another input that agrees on exactly that, and the loss should not move.

The helpers take any ``lab.gpt.GPT``; the direct logit attribution (``head_logit``) is exact only in a
model without a final LayerNorm, as the induction model is.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Sequence

import torch
from torch import Tensor

from .gpt import GPT
from .induction import repeated_tokens

READS = ("q", "k", "v")  # the three times an attention layer reads the residual stream


def clean_and_corrupted(n: int, half: int, vocab_size: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """The activation-patching inputs: ``half`` random tokens repeated (clean), and a copy whose first half is
    other random tokens (corrupted), so that its repeated half has nothing to copy from; each (n, 2 half)."""
    clean = repeated_tokens(n, half, vocab_size, generator)
    corrupted = clean.clone()
    corrupted[:, :half] = torch.randint(0, vocab_size, (n, half), generator=generator)
    return clean, corrupted


def attribution_patch(clean: Tensor, corrupted: Tensor, grad: Tensor) -> Tensor:
    """The linear estimate of what patching each head's clean activation into the corrupted run does to
    a per-example metric: clean, corrupted and grad (the metric's gradient in the corrupted run) are
    (batch, pos, head, d_model); the estimate, summed over positions and d_model, is (batch, head)."""
    return ((clean - corrupted) * grad).sum(dim=(1, 3))


def replace_head(source: Tensor, head: int, dim: int) -> Callable[[Tensor], Tensor]:
    """A patch that gives head ``head`` (the index along ``dim``) its value from ``source`` and keeps the rest."""
    def patch(x: Tensor) -> Tensor:
        x = x.clone()
        x.select(dim, head).copy_(source.select(dim, head))
        return x
    return patch


def exact_head_patching(model: GPT, corrupted: Tensor, clean_cache: Mapping[str, Tensor], layer: int,
                        metric: Callable[[Tensor], Tensor]) -> Tensor:
    """(batch, head): the change in ``metric`` (logits -> (batch,)) when one head of ``layer`` gets its
    clean output, at every position, in the corrupted run; one forward pass per head."""
    name = f"blocks.{layer}.attn.head_out"
    with torch.no_grad():
        base = metric(model(corrupted))
        return torch.stack([metric(model.run_with_patches(corrupted, {name: replace_head(clean_cache[name], h, 2)})) - base
                            for h in range(model.cfg.n_heads)], dim=-1)


def metric_gradients(model: GPT, tokens: Tensor, metric: Callable[[Tensor], Tensor],
                     names: Sequence[str]) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """One forward and one backward pass: the activations ``names`` on ``tokens`` and the gradient of the
    metric (summed over the batch, so that each example's gradient is its own) with respect to each."""
    logits, cache = model.run_with_cache(tokens)
    grads = torch.autograd.grad(metric(logits).sum(), [cache[name] for name in names])
    return {name: cache[name].detach() for name in names}, dict(zip(names, grads))


def path_patch(model: GPT, tokens: Tensor, sender_delta: Tensor, layer: int, receiver: int,
               reads: Iterable[str] = READS) -> tuple[Tensor, dict[str, Tensor]]:
    """Run ``tokens`` with one path changed: head ``receiver`` of ``layer`` reads the residual stream plus
    ``sender_delta`` (batch, pos, d_model; what a sender head writes differently) in ``reads`` (any of "q",
    "k", "v"), and every other head and read sees the unchanged stream.

    Pass 1 adds the delta to the layer's inputs and records the queries, keys and values it makes; pass 2
    runs ``tokens`` again with only the receiver's own ones taken from pass 1. Returns pass 2's logits and
    cache."""
    reads = list(reads)
    with torch.no_grad():
        _, sent = model.run_with_patches_and_cache(
            tokens, {f"blocks.{layer}.attn.{read}_input": lambda x: x + sender_delta for read in reads})
        patches = {f"blocks.{layer}.attn.{read}": replace_head(sent[f"blocks.{layer}.attn.{read}"], receiver, 1)
                   for read in reads}  # q, k, v are (batch, head, pos, d_head)
        return model.run_with_patches_and_cache(tokens, patches)


def head_logit(cache: Mapping[str, Tensor], layer: int, head: int, W_U: Tensor, targets: Tensor,
               positions: slice) -> float:
    """Direct logit attribution: what head ``layer.head`` adds to the logit of ``targets`` (batch, n) at
    ``positions`` (n of them), through W_U (vocab, d_model) alone, averaged. Exact without a final LayerNorm."""
    out = cache[f"blocks.{layer}.attn.head_out"][:, positions, head]  # (batch, n, d_model)
    return (out * W_U[targets]).sum(-1).mean().item()


def resample_tokens(tokens: Tensor, donors: Tensor, offsets: Iterable[int]) -> Tensor:
    """For each position j, the donor sequence lent to it with the tokens at j + o (o in ``offsets``)
    copied in from ``tokens``: tokens (batch, pos), donors (batch, pos, pos), donors[b, j] the sequence for
    position j. Offsets that fall outside the sequence are skipped (no wrap-around)."""
    out = donors.clone()
    j = torch.arange(tokens.shape[1])
    for o in offsets:
        inside = (j + o >= 0) & (j + o < tokens.shape[1])
        out[:, j[inside], j[inside] + o] = tokens[:, j[inside] + o]
    return out


def written_below(model: GPT, sequences: Tensor, layer: int) -> Tensor:
    """What the layers below ``layer`` (and the position embedding) add to the residual stream at each
    sequence's own position: sequences (batch, pos, pos), row [b, j] run as a sequence and read at j;
    returns (batch, pos, d_model)."""
    batch, n, _ = sequences.shape
    with torch.no_grad():
        _, cache = model.run_with_cache(sequences.reshape(batch * n, n))
    below = (cache[f"blocks.{layer}.resid_pre"] - cache["embed"]).reshape(batch, n, n, -1)
    j = torch.arange(n)
    return below[:, j, j]


def scrubbed_logits(model: GPT, tokens: Tensor, hypothesis: Mapping[str, Sequence[int] | None], donors: Mapping[str, Tensor],
                    layer: int = 1, resample: Callable[..., Tensor] = resample_tokens) -> Tensor:
    """Logits of ``tokens`` when each read of ``layer`` named in ``hypothesis`` ("q", "k", "v") sees, at
    every position j, the token's own embedding plus what the layers below wrote on another sequence: the
    donor for j with the tokens at j + o copied in (o in ``hypothesis[read]``; ``[]``: nothing kept, a free
    resample). A read mapped to None, or left out, sees the real stream. ``donors[read]`` is
    (batch, pos, pos); ``resample`` builds the donors (``resample_tokens``, or an exercise's answer)."""
    embed = model.W_E(tokens)
    ln = model.blocks[layer].ln1
    patches = {}
    for read, offsets in hypothesis.items():
        if offsets is None:
            continue
        below = written_below(model, resample(tokens, donors[read], offsets), layer)
        patches[f"blocks.{layer}.attn.{read}_input"] = lambda x, stream=embed + below: ln(stream)
    with torch.no_grad():
        return model.run_with_patches(tokens, patches)
