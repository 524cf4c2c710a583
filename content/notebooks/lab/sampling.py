"""Sampling from a ``lab.gpt.GPT`` with a key-value cache.

``GPT.generate`` runs the whole context again for every new token, which is simple and slow: a batch of
a few hundred 64-character samples takes tens of seconds on one CPU core. Here each block keeps the keys
and values of the positions it has already seen, so each step computes one new position; the logits are
the model's own (``tests/lab/test_sampling.py`` compares them with a full forward pass). Samples must fit
in the context window (learned positions cannot slide).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from .gpt import GPT


def _forward_new(model: GPT, new: Tensor, start: int, cache: list[list[Tensor]]) -> Tensor:
    """Logits (batch, n_new, vocab) for tokens ``new`` (batch, n_new) at positions ``start``..., given the
    keys and values of the positions before ``start`` in ``cache`` (one [keys, values] per block, extended
    here)."""
    n_new = new.shape[1]
    positions = model.W_pos.weight if model.W_pos is not None else model.fixed_pos
    resid = model.W_E(new) + positions[start : start + n_new]  # (batch, n_new, d_model)
    for block, keys_values in zip(model.blocks, cache):
        attn = block.attn
        x = block.ln1(resid)
        q, k, v = (torch.einsum("bpm,hmd->bhpd", x, W) for W in (attn.W_Q, attn.W_K, attn.W_V))
        if attn.cfg.bias:
            q, k, v = q + attn.b_Q[:, None], k + attn.b_K[:, None], v + attn.b_V[:, None]
        keys_values[:] = [k, v] if not keys_values else [torch.cat([old, a], dim=2) for old, a in zip(keys_values, (k, v))]
        keys, values = keys_values  # (batch, head, start + n_new, d_head)
        scores = q @ keys.transpose(-1, -2) / math.sqrt(attn.cfg.d_head)  # (batch, head, n_new, start + n_new)
        scores = scores.masked_fill(attn.mask[start : start + n_new, : start + n_new], float("-inf"))
        z = (scores.softmax(dim=-1) @ values).transpose(1, 2)  # (batch, n_new, head, d_head)
        out = torch.einsum("bphd,hdm->bpm", z, attn.W_O)
        resid = resid + (out + attn.b_O if attn.cfg.bias else out)
        if block.mlp is not None:
            resid = resid + block.mlp(block.ln2(resid))
    return model.W_U(model.ln_final(resid))


@torch.no_grad()
def sample(model: GPT, prompts: Tensor, n_new: int, generator: torch.Generator | None = None,
           temperature: float = 1.0) -> Tensor:
    """``prompts`` (batch, p) followed by ``n_new`` sampled tokens: (batch, p + n_new), p + n_new at most
    the context length. The same draws as ``model.generate`` with the same generator (up to rounding)."""
    if prompts.shape[1] + n_new > model.cfg.context_length:
        raise ValueError(f"{prompts.shape[1]} + {n_new} tokens do not fit in the context of {model.cfg.context_length}")
    was_training = model.training
    model.eval()
    cache: list[list[Tensor]] = [[] for _ in model.blocks]
    tokens, new = prompts, prompts
    for _ in range(n_new):
        logits = _forward_new(model, new, tokens.shape[1] - new.shape[1], cache)[:, -1]  # (batch, vocab)
        new = torch.multinomial((logits / temperature).softmax(dim=-1), num_samples=1, generator=generator)
        tokens = torch.cat([tokens, new], dim=1)
    model.train(was_training)
    return tokens
