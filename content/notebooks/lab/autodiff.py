"""A reverse-mode automatic differentiation in NumPy, small enough to read in one sitting.

The backprop-from-scratch notebook builds on it: every operation records its inputs and a rule that
maps the gradient of its output to the gradients of its inputs (a vector-Jacobian product), and
``backward`` applies those rules in reverse topological order (Rumelhart, Hinton & Williams 1986; the
design of Karpathy's micrograd, on arrays instead of scalars). It lives in ``lab`` so that the notebook
can show its use and test it against ``torch.autograd`` without pages of plumbing, and so that its
tests run under pytest.

Its optimisers honour the course's training switch (``COURSE_TRAINING=off``): with training off, a
step changes nothing, exactly as ``lab.train`` makes every ``torch.optim`` step a no-op.
"""

from __future__ import annotations

from typing import Callable, Iterable

import numpy as np

from . import training_is_off


def _unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: the gradient of a broadcast input (a bias added to every row)."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Tensor:
    """An array with a gradient. ``parents`` are the inputs of the operation that made it, ``vjp`` maps
    the gradient of this tensor to one gradient per parent."""

    def __init__(self, data, parents: tuple = (), vjp: Callable | None = None):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self.parents, self.vjp = parents, vjp

    shape = property(lambda self: self.data.shape)

    def __repr__(self) -> str:
        return f"Tensor(shape={self.shape})"

    # ------------------------------------------------------------------ operations and their rules
    def __add__(self, other):
        other = _lift(other)
        return Tensor(self.data + other.data, (self, other),
                      lambda g: (_unbroadcast(g, self.shape), _unbroadcast(g, other.shape)))

    def __mul__(self, other):
        other = _lift(other)
        return Tensor(self.data * other.data, (self, other),
                      lambda g: (_unbroadcast(g * other.data, self.shape), _unbroadcast(g * self.data, other.shape)))

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-_lift(other))

    __radd__, __rmul__ = __add__, __mul__

    def __matmul__(self, other):
        return Tensor(self.data @ other.data, (self, other), lambda g: matmul_backward(self.data, other.data, g))

    def tanh(self):
        out = np.tanh(self.data)
        return Tensor(out, (self,), lambda g: (g * (1 - out**2),))

    def relu(self):
        return Tensor(np.maximum(self.data, 0), (self,), lambda g: (g * (self.data > 0),))

    def exp(self):
        out = np.exp(self.data)
        return Tensor(out, (self,), lambda g: (g * out,))

    def log(self):
        return Tensor(np.log(self.data), (self,), lambda g: (g / self.data,))

    def sum(self):
        return Tensor(self.data.sum(), (self,), lambda g: (np.broadcast_to(g, self.shape).copy(),))

    def mean(self):
        return self.sum() * (1.0 / self.data.size)

    def cross_entropy(self, labels: np.ndarray):
        """Mean over rows of -log softmax(self)[label], for logits (n, classes): one fused operation, so
        that its gradient, (softmax - one-hot) / n, is exact and stable."""
        shifted = self.data - self.data.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        n = len(labels)
        one_hot = np.eye(self.shape[1])[labels]
        return Tensor(-log_p[np.arange(n), labels].mean(), (self,), lambda g: (g * (np.exp(log_p) - one_hot) / n,))

    # ------------------------------------------------------------------ the backward pass
    def backward(self) -> None:
        """Gradients of this scalar with respect to every tensor it was computed from, in ``.grad``."""
        order, seen = [], set()

        def visit(t: Tensor) -> None:  # depth first: each tensor after everything it was made from
            if id(t) not in seen:
                seen.add(id(t))
                for parent in t.parents:
                    visit(parent)
                order.append(t)

        visit(self)
        for t in order:
            t.grad = np.zeros_like(t.data)
        self.grad = np.ones_like(self.data)
        for t in reversed(order):
            if t.vjp is not None:
                for parent, grad in zip(t.parents, t.vjp(t.grad)):
                    parent.grad = parent.grad + grad


def _lift(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def matmul_backward(A: np.ndarray, B: np.ndarray, grad_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For C = A @ B with A (n, k), B (k, m) and dL/dC = grad_out (n, m): (dL/dA, dL/dB)."""
    return grad_out @ B.T, A.T @ grad_out


# ---------------------------------------------------------------------- a small MLP and its optimisers


def init_mlp(sizes: Iterable[int], rng: np.random.Generator) -> list[Tensor]:
    """Weights (fan_in, fan_out) drawn N(0, 1/fan_in) and zero biases, layer after layer."""
    sizes, params = list(sizes), []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [Tensor(rng.normal(0, fan_in**-0.5, (fan_in, fan_out))), Tensor(np.zeros(fan_out))]
    return params


def mlp(params: list[Tensor], x: Tensor) -> Tensor:
    """tanh hidden layers, a linear last layer: the logits."""
    for i in range(0, len(params), 2):
        x = x @ params[i] + params[i + 1]
        if i + 2 < len(params):
            x = x.tanh()
    return x


class Adam:
    """Adam (Kingma & Ba 2015) on ``Tensor`` parameters; a no-op while training is switched off."""

    def __init__(self, params: list[Tensor], lr: float = 1e-2, betas=(0.9, 0.999), eps: float = 1e-8):
        self.params, self.lr, self.betas, self.eps, self.t = params, lr, betas, eps, 0
        self.m = [np.zeros_like(p.data) for p in params]
        self.v = [np.zeros_like(p.data) for p in params]

    def step(self) -> None:
        if training_is_off():
            return
        self.t += 1
        for p, m, v in zip(self.params, self.m, self.v):
            p.data, m[...], v[...] = adam_update(p.data, p.grad, m, v, self.t, self.lr, *self.betas, self.eps)


def adam_update(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step at step number t >= 1: (new x, new m, new v)."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def steps_to_target(step: Callable, grad: Callable, f: Callable, x0: np.ndarray, target: float,
                    max_steps: int) -> int | None:
    """How many steps ``x, state = step(x, grad(x), state, t)`` (t = 1, 2, ...; state None at first) take
    to bring f(x) to ``target`` or below; None if ``max_steps`` are not enough. With training switched
    off, x never moves (the same switch as ``lab.train``)."""
    x, state = np.array(x0, dtype=np.float64), None
    for t in range(1, max_steps + 1):
        if f(x) <= target:
            return t - 1
        new_x, state = step(x, grad(x), state, t)
        if not training_is_off():
            x = new_x
    return max_steps if f(x) <= target else None


def two_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles (points (n, 2), labels (n,) in {0, 1}) with Gaussian noise: the
    smallest data set a straight line cannot separate."""
    labels = rng.integers(0, 2, n)
    angle = rng.uniform(0, np.pi, n)
    points = np.where(labels[:, None] == 0,
                      np.stack([np.cos(angle), np.sin(angle)], 1),
                      np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], 1))
    return points + rng.normal(0, noise, (n, 2)), labels
