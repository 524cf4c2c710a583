"""Induction heads on repeated random tokens (Elhage et al. 2021; Olsson et al. 2022).

The probe sequence is ``half`` random tokens followed by the same ``half`` tokens
again. The first half cannot be predicted better than chance (ln vocab nats per
token); the second half can be predicted perfectly by a model that, at each
position, finds the previous occurrence of the current token and copies the token
that came after it: the induction algorithm. Training sequences repeat a random
segment of varying length until the context is full (``training_batch``).

This module generates the data, trains the small attention-only models, and
measures how much each head behaves like a previous-token, duplicate-token or
induction head. The trained models are shared between notebooks through
``lab.artifacts.cached`` (see ``induction_model``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from .artifacts import cached
from .gpt import GPT, GPTConfig
from .train import TrainConfig, learning_rate, make_optimizer

# The recipe of the induction-heads notebook, reused by activation-patching and sparse-autoencoders.
INDUCTION_MODEL = {
    "model": {
        "vocab_size": 128,
        "context_length": 20,
        "d_model": 64,
        "n_layers": 2,
        "n_heads": 4,
        "attn_only": True,
        "layer_norm": False,
    },
    "train": {"steps": 800, "batch_size": 64, "lr": 1e-2, "warmup_steps": 50, "weight_decay": 0.01},
    # Training sequences repeat a random segment whose length is drawn from this
    # range for each batch. With one fixed length, "attend half - 1 positions back"
    # would solve the task from positions alone, and even a one-layer model learns
    # that shortcut instead of induction; with 8 possible lengths a position-only
    # guess is worth about ln 8 nats, and induction does far better.
    "half_range": [3, 10],
    "seed": 0,
}


def repeated_tokens(batch_size: int, half: int, vocab_size: int, generator: torch.Generator | None = None) -> Tensor:
    """``half`` uniformly random tokens, then the same tokens again: (batch, 2 * half)."""
    first = torch.randint(0, vocab_size, (batch_size, half), generator=generator)
    return torch.cat([first, first], dim=1)


def training_batch(
    batch_size: int, half: int, length: int, vocab_size: int, generator: torch.Generator | None = None
) -> Tensor:
    """A random segment of ``half`` tokens, repeated until the sequence is ``length``
    tokens long: (batch, length). Every token after the first segment can be
    predicted by induction."""
    segment = torch.randint(0, vocab_size, (batch_size, half), generator=generator)
    return segment.repeat(1, -(-length // half))[:, :length]


def per_token_loss(model: GPT, tokens: Tensor) -> Tensor:
    """Cross-entropy of predicting tokens[:, p + 1] at each position p: (batch, pos - 1)."""
    logits = model(tokens[:, :-1])
    return F.cross_entropy(logits.transpose(1, 2), tokens[:, 1:], reduction="none")


def half_losses(model: GPT, tokens: Tensor) -> tuple[float, float]:
    """Mean loss on the first half (predicting tokens 1 .. half-1) and on the
    repeated half (predicting tokens half+1 .. end, each of which has occurred before)."""
    half = tokens.shape[1] // 2
    with torch.no_grad():
        loss = per_token_loss(model, tokens)  # loss[:, p] predicts token p + 1
    return loss[:, : half - 1].mean().item(), loss[:, half:].mean().item()


# --------------------------------------------------------------------------- head scores
# Each takes an attention pattern (batch, head, q_pos, k_pos) of repeated tokens
# and returns one number per head: the mean attention paid to the key that the
# named kind of head would attend to.


def previous_token_scores(pattern: Tensor) -> Tensor:
    """Attention from position i to position i - 1, averaged over i >= 1: (head,)."""
    return torch.diagonal(pattern, offset=-1, dim1=-2, dim2=-1).mean(dim=(0, -1))


def duplicate_token_scores(pattern: Tensor) -> Tensor:
    """Attention from position half + j (in the repeat) to j, the earlier copy of
    the same token: (head,)."""
    half = pattern.shape[-1] // 2
    return torch.diagonal(pattern, offset=-half, dim1=-2, dim2=-1).mean(dim=(0, -1))


def induction_scores(pattern: Tensor) -> Tensor:
    """Attention from position half + j to j + 1, the token that followed the
    earlier copy of the current token: (head,)."""
    half = pattern.shape[-1] // 2
    return torch.diagonal(pattern, offset=-(half - 1), dim1=-2, dim2=-1)[..., 1:].mean(dim=(0, -1))


def best_induction_score(model: GPT, tokens: Tensor) -> float:
    """The highest induction score of any head in the last layer, on repeated ``tokens``."""
    with torch.no_grad():
        _, cache = model.run_with_cache(tokens)
    return induction_scores(cache[f"blocks.{model.cfg.n_layers - 1}.attn.pattern"]).max().item()


# --------------------------------------------------------------------------- training


def train_induction_model(config: dict, log=print) -> dict:
    """Train an attention-only GPT on repeated random tokens; returns the model
    and its history: step and loss, and every 25 steps the two half losses and the
    last layer's best induction score on a fixed probe batch."""
    torch.manual_seed(config["seed"])
    model = GPT(GPTConfig(**config["model"]))
    cfg = TrainConfig(seed=config["seed"], **config["train"])
    optimizer = make_optimizer(model, cfg)
    vocab, (shortest, longest) = config["model"]["vocab_size"], config["half_range"]
    generator = torch.Generator().manual_seed(config["seed"])
    probe = repeated_tokens(256, longest, vocab, torch.Generator().manual_seed(10_000 + config["seed"]))
    history: dict[str, list[float]] = {k: [] for k in ("step", "loss", "eval_step", "first_half", "repeated_half", "induction")}

    def evaluate(step: int) -> tuple[float, float]:
        first, repeat = half_losses(model, probe)
        for key, value in zip(("eval_step", "first_half", "repeated_half", "induction"),
                              (step, first, repeat, best_induction_score(model, probe))):
            history[key].append(value)
        return first, repeat

    model.train()
    for step in range(cfg.steps):
        if step % 25 == 0:
            evaluate(step)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, cfg)
        half = int(torch.randint(shortest, longest + 1, (), generator=generator))
        tokens = training_batch(cfg.batch_size, half, config["model"]["context_length"], vocab, generator)
        loss = per_token_loss(model, tokens).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        history["step"].append(step)
        history["loss"].append(loss.item())
    model.eval()
    first, repeat = evaluate(cfg.steps)
    if log:
        log(f"trained {config['model']['n_layers']}-layer model: first half {first:.2f}, repeated half {repeat:.2f} nats")
    return {"model": model, "history": history}


def induction_model(config: dict = INDUCTION_MODEL) -> tuple[GPT, dict]:
    """The trained model for ``config`` (trained now if no notebook has trained it
    yet) and its training history."""
    name = f"induction-{config['model']['n_layers']}l"
    # The key covers this module's code too (the build is defined here), as a syntax tree: a comment retrains nothing.
    result = cached(name, config, lambda: train_induction_model(config))
    return result["model"], result["history"]
