"""Recipes for the trained models that several notebooks share.

A recipe is a JSON-able config plus a function that trains from it. Notebooks
get the model through ``lab.artifacts.cached``, so whichever notebook runs first
trains it and the others load it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .artifacts import cached
from .data import CharTokenizer, char_dataset, load_text
from .gpt import GPT, GPTConfig
from .train import TrainConfig, train

# The character-level model of the gpt-from-scratch notebook, reused by logit-lens and linear-probes.
TINY_STORIES_GPT = {
    # An MLP twice (not GPT-2's four times) as wide as the residual stream, and small batches:
    # on one CPU core this trains to a lower loss in about a minute than the standard shape.
    "model": {"context_length": 64, "d_model": 128, "n_layers": 4, "n_heads": 4, "d_mlp": 256},
    "train": {"steps": 600, "batch_size": 8, "lr": 6e-3, "warmup_steps": 60, "eval_every": 50, "eval_batches": 4},
    "seed": 0,
    "text": None,  # None = the generated tiny-stories corpus; else the sha256 of the text used
}


def train_char_gpt(config: dict, text: str) -> dict:
    """Train a character-level GPT on ``text`` as ``config`` says; returns the model and its history."""
    import torch

    torch.manual_seed(config["seed"])
    dataset = char_dataset(text)
    model = GPT(GPTConfig(vocab_size=dataset.tokenizer.vocab_size, **config["model"]))
    history = train(model, dataset.train, dataset.val, TrainConfig(seed=config["seed"], **config["train"]))
    return {"model": model, "history": history}


def char_gpt(config: dict = TINY_STORIES_GPT, text_path: str | Path | None = None) -> tuple[GPT, CharTokenizer, dict]:
    """The trained model for ``config`` (trained now if no notebook has trained it yet),
    its tokenizer, and its training history."""
    text = load_text(text_path)
    if text_path is not None:  # the key must change when the text does
        config = {**config, "text": hashlib.sha256(text.encode()).hexdigest()}
    result = cached("tiny-stories-gpt", config, lambda: train_char_gpt(config, text))
    return result["model"], CharTokenizer(text), result["history"]
