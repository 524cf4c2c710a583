"""Toy models of superposition (Elhage et al., 2022, "Toy Models of Superposition").

The model compresses ``n_features`` sparse input features into ``n_hidden``
dimensions with a matrix W and reads them back out with its transpose:

    h  = W x                      (n_hidden,)
    x' = ReLU(W^T h + b)          (n_features,)

Several *instances* (independent copies of the model, each with its own feature
sparsity) are trained side by side in one batched tensor, as in the paper's
code: one optimiser step updates every instance at once, which is much faster
on a CPU than a Python loop over models.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class ToyModelConfig:
    n_features: int = 20
    n_hidden: int = 5
    n_instances: int = 1


class ToyModel(nn.Module):
    """x' = ReLU(W^T W x + b), one (W, b) per instance."""

    def __init__(self, config: ToyModelConfig):
        super().__init__()
        self.config = config
        c = config
        # W: (instance, hidden, feature); column W[:, :, i] is feature i's direction.
        self.W = nn.Parameter(torch.empty(c.n_instances, c.n_hidden, c.n_features))
        nn.init.xavier_normal_(self.W)
        self.b = nn.Parameter(torch.zeros(c.n_instances, c.n_features))

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        # x: (batch, instance, feature) -> h: (batch, instance, hidden)
        return torch.einsum("ihf,bif->bih", self.W, x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.hidden(x)
        # W^T h: (batch, instance, feature)
        return torch.relu(torch.einsum("ihf,bih->bif", self.W, h) + self.b)

    def feature_norms(self) -> torch.Tensor:
        """||W_i|| for each instance and feature: (instance, feature)."""
        return self.W.detach().norm(dim=1)


def importance_weights(n_features: int, decay: float) -> torch.Tensor:
    """I_i = decay**i: feature 0 matters most."""
    return decay ** torch.arange(n_features, dtype=torch.float32)


def sample_features(
    batch_size: int,
    feature_probability: torch.Tensor,
    n_features: int,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Sparse features: each is 0 with probability S = 1 - p, else uniform on [0, 1].

    ``feature_probability`` has one entry per instance; returns
    (batch, instance, feature).
    """
    n_instances = feature_probability.shape[0]
    p = feature_probability[None, :, None]
    # One uniform draw u per entry serves twice: the feature is active when
    # u < p, and then u / p is again uniform on [0, 1] (half the sampling cost).
    u = torch.rand((batch_size, n_instances, n_features), generator=generator)
    return torch.where(u < p, u / p, torch.zeros(()))


def weighted_mse(x_hat: torch.Tensor, x: torch.Tensor, importance: torch.Tensor) -> torch.Tensor:
    """Importance-weighted squared error, summed over features, averaged over the batch.

    Returns one loss per instance: (instance,).
    """
    return (importance * (x_hat - x) ** 2).sum(-1).mean(0)


def train_toy_model(
    model: ToyModel,
    feature_probability: torch.Tensor,
    importance: torch.Tensor,
    steps: int = 5_000,
    batch_size: int = 1024,
    lr: float = 1e-3,
    seed: int = 0,
) -> list[float]:
    """Adam on fresh batches of synthetic data; returns the mean loss per step."""
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    n_features = model.config.n_features
    history = []
    for _ in range(steps):
        x = sample_features(batch_size, feature_probability, n_features, generator)
        loss = weighted_mse(model(x), x, importance).sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        history.append(loss.item() / model.config.n_instances)
    return history


def superposition_score(model: ToyModel) -> torch.Tensor:
    """How much each feature shares its direction with the others (the paper's
    sum_j (W_i_hat . W_j)^2 over j != i): 0 = orthogonal, per (instance, feature)."""
    W = model.W.detach()
    unit = W / W.norm(dim=1, keepdim=True).clamp_min(1e-8)
    overlap = torch.einsum("ihf,ihg->ifg", unit, W) ** 2  # (instance, f, g)
    return overlap.sum(-1) - torch.diagonal(overlap, dim1=1, dim2=2)
