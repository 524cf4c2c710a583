"""A training loop small enough to read in one sitting.

AdamW (Loshchilov & Hutter's decoupled weight decay), a learning rate that rises
linearly for ``warmup_steps`` and then follows a cosine down to
``min_lr_fraction * lr``, gradient clipping, and a periodic estimate of the
training and validation loss on fixed batches. This is the recipe of GPT-2-style
training as written in nanoGPT (Karpathy 2022).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor

from .data import get_batch

def _no_step(self, closure=None):
    """What ``step`` does with training switched off: evaluate the closure (LBFGS needs its loss) and
    change no parameter, no moment estimate and no weight decay."""
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


def switch_training_off() -> None:
    """Make ``step`` a no-op for every optimiser in ``torch.optim`` (AdamW, Adam, LBFGS, ...), so that
    any notebook's claims can be checked against the same code with nothing learned."""
    classes, todo = set(), [torch.optim.Optimizer]
    while todo:
        cls = todo.pop()
        classes.add(cls)
        todo.extend(cls.__subclasses__())
    for cls in classes:
        if "step" in vars(cls):
            cls.step = _no_step


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 1000
    batch_size: int = 32
    lr: float = 2e-3
    warmup_steps: int = 100
    min_lr_fraction: float = 0.1
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    grad_clip: float = 1.0
    eval_every: int = 100
    eval_batches: int = 8
    seed: int = 0


def learning_rate(step: int, cfg: TrainConfig) -> float:
    """Linear warmup from 0 to ``lr``, then cosine decay to ``min_lr_fraction * lr``."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)  # 0 -> 1
    cosine = 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))  # 1 -> 0
    return cfg.lr * (cfg.min_lr_fraction + (1 - cfg.min_lr_fraction) * cosine)


def make_optimizer(model: torch.nn.Module, cfg: TrainConfig) -> torch.optim.AdamW:
    """Weight decay on matrices only; biases and LayerNorm gains are not shrunk towards 0."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=cfg.betas)


@torch.no_grad()
def estimate_loss(model, data: Tensor, batch_size: int, n_batches: int, seed: int = 1234) -> float:
    """Mean loss over ``n_batches`` batches drawn with a fixed seed (the same batches every call)."""
    was_training = model.training
    model.eval()
    g = torch.Generator().manual_seed(seed)
    losses = [model.loss(*get_batch(data, batch_size, model.cfg.context_length, g)).item() for _ in range(n_batches)]
    model.train(was_training)
    return sum(losses) / len(losses)


def train(
    model,
    train_data: Tensor,
    val_data: Tensor,
    cfg: TrainConfig,
    log: Callable[[str], None] | None = print,
) -> dict[str, list[float]]:
    """Train ``model`` (a ``lab.gpt.GPT``) on random windows of ``train_data``.

    Returns the history: "step", "lr" and "batch_loss" for every step, and
    "eval_step", "train_loss", "val_loss" every ``eval_every`` steps (and at the end).
    """
    g = torch.Generator().manual_seed(cfg.seed)
    optimizer = make_optimizer(model, cfg)
    history: dict[str, list[float]] = {k: [] for k in ("step", "lr", "batch_loss", "eval_step", "train_loss", "val_loss")}
    start = time.perf_counter()
    model.train()
    for step in range(cfg.steps + 1):
        if step % cfg.eval_every == 0 or step == cfg.steps:
            train_loss = estimate_loss(model, train_data, cfg.batch_size, cfg.eval_batches)
            val_loss = estimate_loss(model, val_data, cfg.batch_size, cfg.eval_batches)
            history["eval_step"].append(step)
            history["train_loss"].append(train_loss)
            history["val_loss"].append(val_loss)
            if log:
                log(f"step {step:5d}  train {train_loss:.3f}  val {val_loss:.3f}  ({time.perf_counter() - start:.0f} s)")
        if step == cfg.steps:
            break
        lr = learning_rate(step, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y = get_batch(train_data, cfg.batch_size, model.cfg.context_length, g)
        loss = model.loss(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        history["step"].append(step)
        history["lr"].append(lr)
        history["batch_loss"].append(loss.item())
    model.eval()
    history["seconds"] = [time.perf_counter() - start]
    return history
