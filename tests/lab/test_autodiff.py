"""lab.autodiff: every rule agrees with torch.autograd in float64, broadcasting included, and its optimiser
honours the training switch."""

import numpy as np
import torch

from lab import autodiff
from lab.autodiff import Tensor


def test_every_operation_matches_torch_autograd():
    rng = np.random.default_rng(0)
    a, b, w = rng.normal(size=(5, 3)), rng.uniform(0.5, 2, size=(3,)), rng.normal(size=(3, 4))
    labels = rng.integers(0, 4, 5)

    def expression(a, b, w, cross_entropy, relu):
        h = (a * b + b - a).tanh() @ w  # a bias broadcast over rows, a used three times
        return (h.exp() * 0.1 + relu(h)).log().mean() + cross_entropy(h) - (b * b).sum()

    ours = [Tensor(v) for v in (a, b, w)]
    loss = expression(*ours, lambda h: h.cross_entropy(labels), lambda h: h.relu() + 1.0)
    loss.backward()
    theirs = [torch.tensor(v, requires_grad=True) for v in (a, b, w)]
    torch_loss = expression(*theirs, lambda h: torch.nn.functional.cross_entropy(h, torch.tensor(labels)),
                            lambda h: h.relu() + 1.0)
    torch_loss.backward()
    assert abs(loss.data - torch_loss.item()) < 1e-12
    for o, t in zip(ours, theirs):
        assert np.abs(o.grad - t.grad.numpy()).max() < 1e-12


def test_backward_twice_gives_the_same_gradients():
    x = Tensor(np.arange(3.0))
    y = (x * x).sum()
    y.backward()
    first = x.grad.copy()
    y.backward()
    assert np.array_equal(first, x.grad) and np.array_equal(first, 2 * np.arange(3.0))


def test_with_training_off_adam_and_steps_to_target_change_nothing(monkeypatch):
    params = autodiff.init_mlp([2, 3], np.random.default_rng(0))
    before = [p.data.copy() for p in params]
    autodiff.mlp(params, Tensor(np.ones((4, 2)))).cross_entropy(np.zeros(4, dtype=int)).backward()
    monkeypatch.setenv("COURSE_TRAINING", "off")
    autodiff.Adam(params, lr=0.1).step()
    assert all(np.array_equal(b, p.data) for b, p in zip(before, params))
    step = lambda x, g, state, t: (x - 0.1 * g, None)  # noqa: E731
    assert autodiff.steps_to_target(step, lambda x: x, lambda x: x @ x, np.ones(2), 1e-3, 500) is None
    monkeypatch.delenv("COURSE_TRAINING")
    assert 0 < autodiff.steps_to_target(step, lambda x: x, lambda x: x @ x, np.ones(2), 1e-3, 500) < 100


def test_two_moons_are_balanced_and_not_linearly_trivial():
    points, labels = autodiff.two_moons(2000, 0.1, np.random.default_rng(0))
    assert points.shape == (2000, 2) and set(np.unique(labels)) == {0, 1} and 0.45 < labels.mean() < 0.55
