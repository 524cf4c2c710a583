"""The delayed-recall task and the three small sequence models the rnn-vs-attention notebook compares.

In ``lab`` so that the notebook reads as the experiment (one task, three models, one budget) and so that
the task and models are tested under pytest. Training uses ``torch.optim.Adam``, so the course's training
switch (``COURSE_TRAINING=off``) turns it into a no-op like every other notebook's training.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .gpt import GPT, GPTConfig


@dataclass(frozen=True)
class RecallTask:
    """A symbol (one of ``n_symbols``) at position 0, ``delay`` random distractors (``n_distractors`` other
    tokens), then a query token: the answer, read at the query, is the first symbol."""

    n_symbols: int = 8
    n_distractors: int = 8
    delay: int = 20

    @property
    def vocab_size(self) -> int:
        return self.n_symbols + self.n_distractors + 1  # symbols, distractors, the query

    @property
    def length(self) -> int:
        return self.delay + 2

    def batch(self, n: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
        """Tokens (n, length) and answers (n,)."""
        answers = torch.randint(0, self.n_symbols, (n,), generator=generator)
        tokens = torch.randint(self.n_symbols, self.n_symbols + self.n_distractors, (n, self.length), generator=generator)
        tokens[:, 0], tokens[:, -1] = answers, self.vocab_size - 1
        return tokens, answers


class RecurrentClassifier(nn.Module):
    """Embedding, a one-layer ``nn.RNN`` (tanh) or ``nn.LSTM``, and a linear readout of the last state."""

    def __init__(self, task: RecallTask, cell: str, d_hidden: int = 64, forget_bias: float = 1.0):
        super().__init__()
        self.embed = nn.Embedding(task.vocab_size, d_hidden)
        self.rnn = (nn.LSTM if cell == "lstm" else nn.RNN)(d_hidden, d_hidden, batch_first=True)
        self.readout = nn.Linear(d_hidden, task.n_symbols)
        if cell == "lstm":  # gates in PyTorch's order i, f, g, o: start with the forget gate mostly open
            with torch.no_grad():
                self.rnn.bias_ih_l0[d_hidden:2 * d_hidden] = forget_bias

    def forward(self, tokens: Tensor) -> Tensor:
        return self.readout(self.rnn(self.embed(tokens))[0][:, -1])  # (batch, n_symbols)


class AttentionClassifier(nn.Module):
    """One attention layer (``lab.gpt``, one head, attention only, learned positions) read at the query."""

    def __init__(self, task: RecallTask, d_model: int = 32):
        super().__init__()
        self.n_symbols = task.n_symbols
        self.gpt = GPT(GPTConfig(vocab_size=task.vocab_size, context_length=task.length, d_model=d_model,
                                 n_layers=1, n_heads=1, attn_only=True))

    def forward(self, tokens: Tensor) -> Tensor:
        return self.gpt(tokens)[:, -1, : self.n_symbols]  # the logits of the symbols at the query


def train_classifier(model: nn.Module, task: RecallTask, steps: int, lr: float, batch_size: int = 64,
                     seed: int = 0) -> list[float]:
    """Adam with gradient clipping at 1 on fresh batches; returns the loss of every step."""
    generator, optimiser, losses = torch.Generator().manual_seed(seed), torch.optim.Adam(model.parameters(), lr=lr), []
    for _ in range(steps):
        tokens, answers = task.batch(batch_size, generator)
        loss = F.cross_entropy(model(tokens), answers)
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        losses.append(loss.item())
    return losses


@torch.no_grad()
def accuracy(model: nn.Module, tokens: Tensor, answers: Tensor) -> float:
    return (model(tokens).argmax(-1) == answers).float().mean().item()
