"""lab.sae: shapes, unit-norm decoder columns, and the metrics on known answers."""

import torch

from lab.sae import (
    BottleneckAutoencoder,
    SAEConfig,
    SparseAutoencoder,
    fraction_of_variance_unexplained,
    max_cosine_similarity,
    pca_reconstruction_error,
    train_bottleneck,
    train_sae,
)


def test_shapes_and_nonnegative_code():
    sae = SparseAutoencoder(SAEConfig(d_in=5, d_sae=12))
    x = torch.randn(7, 5)
    x_hat, f = sae(x)
    assert x_hat.shape == (7, 5) and f.shape == (7, 12)
    assert (f >= 0).all()
    loss, stats = sae.loss(x)
    assert loss.ndim == 0 and set(stats) == {"mse", "l1", "l0"}


def test_decoder_columns_stay_unit_norm_and_loss_falls():
    torch.manual_seed(0)
    directions = torch.nn.functional.normalize(torch.randn(4, 8), dim=0)
    codes = torch.rand(2000, 8) * (torch.rand(2000, 8) < 0.2)
    data = codes @ directions.T  # sparse combinations of 8 directions in 4 dimensions
    sae = SparseAutoencoder(SAEConfig(d_in=4, d_sae=16, l1_coefficient=0.01))
    history = train_sae(sae, data, steps=200, batch_size=256, lr=1e-2)
    torch.testing.assert_close(sae.W_dec.norm(dim=0), torch.ones(16))
    assert history[-1]["mse"] < history[0]["mse"]


def test_remove_parallel_gradient():
    sae = SparseAutoencoder(SAEConfig(d_in=3, d_sae=5))
    sae.W_dec.grad = torch.randn(3, 5)
    sae.remove_parallel_gradient()
    torch.testing.assert_close((sae.W_dec.grad * sae.W_dec).sum(0), torch.zeros(5), atol=1e-6, rtol=0)


def test_metrics_on_known_answers():
    x = torch.randn(100, 3)
    assert fraction_of_variance_unexplained(x, x) == 0
    assert abs(fraction_of_variance_unexplained(x, x.mean(0).expand_as(x)) - 1) < 1e-6
    true = torch.eye(3)[:, :2]  # two axis directions
    learned = torch.tensor([[2.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 3.0, 0.0]])
    torch.testing.assert_close(max_cosine_similarity(true, learned), torch.tensor([1.0, 2**-0.5]))


def test_bottleneck_reaches_pca_optimum():
    torch.manual_seed(0)
    data = torch.randn(1000, 2) @ torch.randn(2, 6) + 0.05 * torch.randn(1000, 6) + 3.0  # nearly rank 2, offset
    ae = BottleneckAutoencoder(6, 2)
    train_bottleneck(ae, data, steps=400, batch_size=256, lr=1e-2)
    with torch.no_grad():
        mse = ((ae(data) - data) ** 2).sum(-1).mean().item()
    optimum = pca_reconstruction_error(data, 2)
    assert optimum <= mse < optimum + 0.02
