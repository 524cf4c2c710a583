"""lab.toy_models: shapes, the sampler's sparsity, and that training lowers the loss."""

import torch

from lab.toy_models import (
    ToyModel,
    ToyModelConfig,
    importance_weights,
    sample_features,
    superposition_score,
    train_toy_model,
    weighted_mse,
)


def test_forward_shapes_and_relu():
    model = ToyModel(ToyModelConfig(n_features=7, n_hidden=3, n_instances=4))
    x = torch.rand(11, 4, 7)
    assert model.hidden(x).shape == (11, 4, 3)
    out = model(x)
    assert out.shape == (11, 4, 7)
    assert (out >= 0).all()
    assert model.feature_norms().shape == (4, 7)
    assert superposition_score(model).shape == (4, 7)


def test_forward_matches_formula():
    model = ToyModel(ToyModelConfig(n_features=6, n_hidden=2, n_instances=2))
    with torch.no_grad():
        model.b.normal_()
    x = torch.rand(5, 2, 6)
    for i in range(2):
        W, b = model.W[i], model.b[i]
        expected = torch.relu(x[:, i] @ W.T @ W + b)  # x' = ReLU(W^T W x + b), batched as rows
        torch.testing.assert_close(model(x)[:, i], expected)


def test_sampler_sparsity_and_range():
    g = torch.Generator().manual_seed(0)
    p = torch.tensor([1.0, 0.5, 0.05])
    x = sample_features(20_000, p, 10, g)
    assert x.shape == (20_000, 3, 10)
    assert x.min() >= 0 and x.max() <= 1
    active = (x > 0).float().mean(dim=(0, 2))
    torch.testing.assert_close(active, p, atol=0.01, rtol=0)
    # active values are uniform on [0, 1]: mean 1/2
    assert abs(x[:, 1][x[:, 1] > 0].mean().item() - 0.5) < 0.01


def test_importance_and_loss():
    imp = importance_weights(4, 0.5)
    torch.testing.assert_close(imp, torch.tensor([1.0, 0.5, 0.25, 0.125]))
    x = torch.zeros(2, 1, 4)
    x_hat = torch.ones(2, 1, 4)
    torch.testing.assert_close(weighted_mse(x_hat, x, imp), torch.tensor([1.875]))


def test_training_lowers_loss():
    torch.manual_seed(0)
    model = ToyModel(ToyModelConfig(n_features=8, n_hidden=3, n_instances=2))
    history = train_toy_model(model, torch.tensor([1.0, 0.1]), importance_weights(8, 0.9), steps=150, batch_size=256, lr=1e-2)
    assert sum(history[-10:]) / 10 < 0.7 * sum(history[:10]) / 10
