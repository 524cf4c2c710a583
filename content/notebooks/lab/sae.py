"""Autoencoders on activations: a sparse dictionary and a narrow bottleneck.

``SparseAutoencoder`` follows the recipe of Sharkey et al. (2022) and Bricken et
al. (2023, "Towards Monosemanticity"): a ReLU encoder, a linear decoder whose
columns (the dictionary's feature directions) are kept at unit norm, and an L1
penalty on the feature activations.

``BottleneckAutoencoder`` squeezes an activation through ``width`` numbers and
back, to ask how much of a component's output survives compression.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class SAEConfig:
    d_in: int
    d_sae: int
    l1_coefficient: float = 1e-3


class SparseAutoencoder(nn.Module):
    """f = ReLU(W_enc (x - b_dec) + b_enc);  x_hat = W_dec f + b_dec."""

    def __init__(self, config: SAEConfig):
        super().__init__()
        self.config = config
        d_in, d_sae = config.d_in, config.d_sae
        W_dec = torch.randn(d_in, d_sae)
        # Columns of W_dec are the dictionary directions: (d_in, d_sae).
        self.W_dec = nn.Parameter(W_dec / W_dec.norm(dim=0, keepdim=True))
        # Encoder starts as the decoder's transpose, a common initialisation.
        self.W_enc = nn.Parameter(self.W_dec.detach().T.clone())  # (d_sae, d_in)
        self.b_enc = nn.Parameter(torch.zeros(d_sae))
        self.b_dec = nn.Parameter(torch.zeros(d_in))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        # x: (batch, d_in) -> f: (batch, d_sae), non-negative
        return torch.relu((x - self.b_dec) @ self.W_enc.T + self.b_enc)

    def decode(self, f: torch.Tensor) -> torch.Tensor:
        return f @ self.W_dec.T + self.b_dec

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        f = self.encode(x)
        return self.decode(f), f

    def loss(self, x: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
        x_hat, f = self(x)
        mse = ((x_hat - x) ** 2).sum(-1).mean()
        l1 = f.abs().sum(-1).mean()
        total = mse + self.config.l1_coefficient * l1
        return total, {"mse": mse.item(), "l1": l1.item(), "l0": (f > 0).float().sum(-1).mean().item()}

    @torch.no_grad()
    def normalize_decoder(self) -> None:
        self.W_dec /= self.W_dec.norm(dim=0, keepdim=True)

    @torch.no_grad()
    def remove_parallel_gradient(self) -> None:
        """Project out the gradient component along each decoder column, so a
        step moves the direction rather than the (fixed) length."""
        if self.W_dec.grad is None:
            return
        parallel = (self.W_dec.grad * self.W_dec).sum(0, keepdim=True)
        self.W_dec.grad -= parallel * self.W_dec


def minibatches(activations: torch.Tensor, steps: int, batch_size: int, seed: int) -> Iterator[torch.Tensor]:
    """``steps`` random minibatches of rows of ``activations``, drawn with replacement from a seeded
    generator of their own (the global random state is left alone)."""
    generator = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        yield activations[torch.randint(0, activations.shape[0], (batch_size,), generator=generator)]


def train_sae(
    sae: SparseAutoencoder,
    activations: torch.Tensor,
    steps: int = 2_000,
    batch_size: int = 1024,
    lr: float = 3e-3,
    seed: int = 0,
) -> list[dict[str, float]]:
    """Adam on random minibatches of ``activations`` (n, d_in)."""
    optimizer = torch.optim.Adam(sae.parameters(), lr=lr)
    history = []
    for batch in minibatches(activations, steps, batch_size, seed):
        loss, stats = sae.loss(batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        sae.remove_parallel_gradient()
        optimizer.step()
        sae.normalize_decoder()
        history.append(stats)
    return history


def fraction_of_variance_unexplained(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """||x - x_hat||^2 / ||x - mean(x)||^2 over a whole data set."""
    residual = ((x - x_hat) ** 2).sum()
    total = ((x - x.mean(0)) ** 2).sum()
    return (residual / total).item()


def max_cosine_similarity(true_directions: torch.Tensor, learned_directions: torch.Tensor) -> torch.Tensor:
    """For each true direction (column of a (d, n_true) matrix), the best cosine
    similarity with any learned direction (column of (d, n_learned)): (n_true,)."""
    true_unit = true_directions / true_directions.norm(dim=0, keepdim=True)
    learned_unit = learned_directions / learned_directions.norm(dim=0, keepdim=True)
    return (true_unit.T @ learned_unit).max(dim=1).values


class BottleneckAutoencoder(nn.Module):
    """x_hat = decoder(encoder(x)), through ``width`` numbers (both maps affine).

    Both maps are linear, so the best such autoencoder spans the top ``width``
    principal components (Baldi & Hornik, 1989); training by gradient descent
    lets us check that claim against an SVD.
    """

    def __init__(self, d_in: int, width: int):
        super().__init__()
        self.encoder = nn.Linear(d_in, width)
        self.decoder = nn.Linear(width, d_in)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (..., d_in) -> code: (..., width) -> x_hat: (..., d_in)
        return self.decoder(self.encoder(x))


def train_bottleneck(
    autoencoder: BottleneckAutoencoder,
    activations: torch.Tensor,
    steps: int = 1_000,
    batch_size: int = 512,
    lr: float = 3e-3,
    seed: int = 0,
) -> list[float]:
    """Mean squared reconstruction error, Adam on random minibatches."""
    with torch.no_grad():  # start centred: code 0 decodes to the data's mean
        mean = activations.mean(0)
        autoencoder.decoder.bias.copy_(mean)
        autoencoder.encoder.bias.copy_(-autoencoder.encoder.weight @ mean)
    optimizer = torch.optim.Adam(autoencoder.parameters(), lr=lr)
    history = []
    for x in minibatches(activations, steps, batch_size, seed):
        loss = ((autoencoder(x) - x) ** 2).sum(-1).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history


def pca_reconstruction_error(activations: torch.Tensor, width: int) -> float:
    """The lowest mean squared error any rank-``width`` affine map can reach."""
    centered = activations - activations.mean(0)
    singular_values = torch.linalg.svdvals(centered)
    return ((singular_values[width:] ** 2).sum() / activations.shape[0]).item()
