"""Modular addition, the task of the grokking papers (Power et al. 2022; Nanda et al. 2023).

Each example is the three tokens ``a b =`` and the answer ``(a + b) mod p``.
Tokens 0 .. p-1 are the numbers and token p is ``=``. The model reads the
sequence and predicts the answer at the ``=`` position. A fixed fraction of
the p^2 pairs is used for training; the rest is the test set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from .gpt import GPT, GPTConfig
from .train import TrainConfig, make_optimizer


@dataclass(frozen=True)
class ModularSplit:
    train_tokens: Tensor  # (n_train, 3): a, b, =
    train_labels: Tensor  # (n_train,): (a + b) mod p
    test_tokens: Tensor
    test_labels: Tensor


def modular_addition_split(p: int, train_fraction: float, seed: int = 0) -> ModularSplit:
    """All p^2 pairs (a, b), shuffled with ``seed`` and cut into train and test.

    The same (p, train_fraction, seed) always gives the same split, and every
    pair is in exactly one of the two sets.
    """
    a = torch.arange(p).repeat_interleave(p)  # 0 0 0 ... 1 1 1 ...
    b = torch.arange(p).repeat(p)  # 0 1 2 ... 0 1 2 ...
    tokens = torch.stack([a, b, torch.full_like(a, p)], dim=1)  # (p^2, 3)
    labels = (a + b) % p
    order = torch.randperm(p * p, generator=torch.Generator().manual_seed(seed))
    n_train = round(train_fraction * p * p)
    train, test = order[:n_train], order[n_train:]
    return ModularSplit(tokens[train], labels[train], tokens[test], labels[test])


def answer_logits(model: GPT, tokens: Tensor) -> Tensor:
    """The logits at the ``=`` position over the p answers: (batch, p).

    Equal to ``model(tokens)[:, -1, :p]``, computed more cheaply for a one-block
    model: attention must see all three positions, but the MLP and the
    unembedding only matter at the last one, so we run them there alone.
    """
    p = int(tokens[0, 2])  # the "=" token's id is p
    if model.cfg.n_layers != 1 or model.cfg.attn_only or model.cfg.dropout > 0:
        return model(tokens)[:, -1, :p]
    (block,) = model.blocks
    n_pos = tokens.shape[1]
    pos = model.W_pos.weight[:n_pos] if model.W_pos is not None else model.fixed_pos[:n_pos]
    resid = model.W_E(tokens) + pos  # (batch, pos, d_model)
    resid = (resid + block.attn(block.ln1(resid)))[:, -1]  # (batch, d_model), at "="
    resid = resid + block.mlp(block.ln2(resid))
    return model.W_U(model.ln_final(resid))[:, :p]


@torch.no_grad()
def evaluate(model: GPT, tokens: Tensor, labels: Tensor) -> tuple[float, float]:
    logits = answer_logits(model, tokens)
    return F.cross_entropy(logits, labels).item(), (logits.argmax(-1) == labels).float().mean().item()


def grokking_model_config(p: int, d_model: int = 128, n_heads: int = 4, d_mlp: int = 512) -> GPTConfig:
    """One transformer block with attention and an MLP, no LayerNorm, as in Nanda et al. (2023)."""
    return GPTConfig(
        vocab_size=p + 1, context_length=3, d_model=d_model, n_layers=1, n_heads=n_heads, d_mlp=d_mlp, layer_norm=False
    )


def fan_in_init_(model: GPT, generator: torch.Generator | None = None) -> GPT:
    """Re-initialise every weight matrix with standard deviation 1 / sqrt(fan_in),
    where fan_in is the width of the vector it multiplies (d_model for the
    embeddings, W_Q/W_K/W_V, W_in and W_U; d_head for W_O; d_mlp for W_out).
    Biases are left as they are.

    GPT-2's N(0, 0.02) initialisation (``lab.gpt``) suits deep models trained for a
    long time; for this small model under strong weight decay it makes
    memorisation, and so the whole grokking story, many times slower.
    """
    cfg = model.cfg
    fan_in = {"W_O": cfg.d_head, "W_out.weight": cfg.mlp_width}
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.split(".")[-1].startswith("b_") or name.endswith("bias"):
                continue
            n = next((v for k, v in fan_in.items() if name.endswith(k)), cfg.d_model)
            param.copy_(torch.randn(param.shape, generator=generator) / math.sqrt(n))
    return model


def train_modular_addition(
    model: GPT,
    split: ModularSplit,
    steps: int,
    lr: float = 1e-2,
    weight_decay: float = 2.0,
    warmup_steps: int = 10,
    eval_every: int = 10,
    stop_after_test_accuracy: float | None = None,
    steps_after_stop: int = 0,
    measure: Callable[[GPT], float] | None = None,
    log=print,
) -> dict[str, list[float]]:
    """Full-batch AdamW (betas 0.9, 0.98) with a short linear warmup and then a
    constant learning rate. Weight decay applies to matrices only (``lab.train``).

    Returns the history every ``eval_every`` steps: "step", "train_loss",
    "train_acc", "test_loss", "test_acc", and "measure" when a ``measure(model)``
    function is given (a progress measure to track). With
    ``stop_after_test_accuracy``, training ends ``steps_after_stop`` steps after
    the first evaluation that reaches it (or at ``steps``).
    """
    cfg = TrainConfig(steps=steps, lr=lr, weight_decay=weight_decay, betas=(0.9, 0.98))
    optimizer = make_optimizer(model, cfg)
    keys = ("step", "train_loss", "train_acc", "test_loss", "test_acc")
    history: dict[str, list[float]] = {k: [] for k in keys}
    model.train()
    stop_at = steps
    for step in range(steps + 1):
        if step % eval_every == 0 or step == stop_at:
            values = (step, *evaluate(model, split.train_tokens, split.train_labels), *evaluate(model, split.test_tokens, split.test_labels))
            for k, v in zip(keys, values):
                history[k].append(v)
            if measure is not None:
                history.setdefault("measure", []).append(measure(model))
            if log and step % (50 * eval_every) == 0:
                log(f"step {step:5d}  train acc {values[2]:.3f}  test acc {values[4]:.3f}")
            if stop_after_test_accuracy is not None and values[4] >= stop_after_test_accuracy:
                stop_at = min(stop_at, step + steps_after_stop)
        if step == stop_at:
            break
        for group in optimizer.param_groups:
            group["lr"] = lr * min(1.0, (step + 1) / warmup_steps)
        loss = F.cross_entropy(answer_logits(model, split.train_tokens), split.train_labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    model.eval()
    return history


def fourier_basis(p: int) -> tuple[Tensor, list[str]]:
    """An orthonormal basis of functions on {0, .., p-1} (p odd): the constant,
    then cos(2 pi k x / p) and sin(2 pi k x / p) for k = 1 .. (p-1)/2.
    Returns the basis as rows, (p, p), and a name for each row."""
    x = torch.arange(p, dtype=torch.float64)
    rows, names = [torch.ones(p, dtype=torch.float64)], ["const"]
    for k in range(1, (p - 1) // 2 + 1):
        rows += [torch.cos(2 * math.pi * k * x / p), torch.sin(2 * math.pi * k * x / p)]
        names += [f"cos {k}", f"sin {k}"]
    basis = torch.stack(rows)
    return (basis / basis.norm(dim=1, keepdim=True)).float(), names


def frequency_energy(W: Tensor) -> Tensor:
    """Share of ||W||^2 carried by each frequency of a (p, d) matrix indexed by the
    numbers 0 .. p-1: entry 0 is the constant, entry k the cos k and sin k pair.
    Sums to 1, since the basis is orthonormal."""
    p = W.shape[0]
    basis, _ = fourier_basis(p)
    energy = ((basis @ W.detach()) ** 2).sum(dim=1)  # (p,): one entry per basis function
    per_frequency = torch.cat([energy[:1], energy[1:].reshape(-1, 2).sum(dim=1)])
    return per_frequency / per_frequency.sum()
