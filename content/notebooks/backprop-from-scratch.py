# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Backpropagation from scratch
#
# Every model in this course is trained by the same two ideas: **reverse-mode automatic
# differentiation** computes the gradient of a scalar loss with respect to every parameter in
# one backward sweep, at a cost of a few forward passes [@rumelhart1986learning], and
# a **gradient-based optimiser** turns those gradients into parameter updates. In this notebook
# we build a small autodiff engine in NumPy, check it against PyTorch's `torch.autograd`, train
# a small network with it, and compare plain gradient descent with momentum and Adam
# [@kingma2015adam] on a badly conditioned problem.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

import lab
import lab.checks_backprop
from lab import autodiff
from lab.autodiff import Tensor

lab.notebook_setup(seed=0)
rng = np.random.default_rng(0)

# %% [markdown]
# ## The chain rule, run backwards
#
# A computation is a graph of simple operations. If $y = f(x)$ is one of them and we already
# know $\bar y = \partial L / \partial y$ (the gradient of the final loss $L$ with respect to its
# output), the chain rule gives the gradient with respect to its input as a
# **vector-Jacobian product**, $\bar x = J_f(x)^\top \bar y$, which we never form as a matrix.
# For $y = \tanh(x)$ elementwise it is $\bar x = \bar y \odot (1 - y^2)$; for a sum of inputs,
# each input receives $\bar y$; an input used twice receives the sum of both contributions.
# `lab.autodiff.Tensor` records, for each result, its inputs and this rule; `backward()` visits
# the graph in reverse topological order and applies the rules. Here is the engine on a tiny
# expression:

# %%
a, b = Tensor(2.0), Tensor(-3.0)
c = (a * b + a).tanh()  # a is used twice: its gradient collects both paths
c.backward()
print(f"c = {c.data:.4f},  dc/da = {a.grad:.4f},  dc/db = {b.grad:.4f}")
assert np.isclose(a.grad, (1 - c.data**2) * (b.data + 1)) and np.isclose(b.grad, (1 - c.data**2) * a.data)

# %% [markdown]
# **Exercise 1.** The one rule a neural network needs most is the one for a matrix product.
# For $C = AB$ with $A \in \mathbb{R}^{n \times k}$, $B \in \mathbb{R}^{k \times m}$ and the
# upstream gradient $\bar C = \partial L/\partial C \in \mathbb{R}^{n \times m}$, write
# `matmul_backward(A, B, grad_out)` returning $(\bar A, \bar B)$. Hint: each gradient has the
# shape of its input, and $C_{ij} = \sum_l A_{il} B_{lj}$. `lab.checks_backprop.matmul_backward`
# tests it on random matrices and recognises a missing transpose or a product in the wrong order.

# %% tags=["exercise"]
def matmul_backward(A: np.ndarray, B: np.ndarray, grad_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For C = A @ B, A (n, k), B (k, m), grad_out = dL/dC (n, m): returns (dL/dA (n, k), dL/dB (k, m))."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def matmul_backward(A: np.ndarray, B: np.ndarray, grad_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For C = A @ B, A (n, k), B (k, m), grad_out = dL/dC (n, m): returns (dL/dA (n, k), dL/dB (k, m))."""
    return grad_out @ B.T, A.T @ grad_out  # dC_ij/dA_il = B_lj, dC_ij/dB_lj = A_il


# %%
matmul_backward = lab.checks_backprop.matmul_backward(matmul_backward)
A, B, G = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
A_t, B_t = torch.tensor(A, requires_grad=True), torch.tensor(B, requires_grad=True)
(A_t @ B_t).backward(torch.tensor(G))
dA, dB = matmul_backward(A, B, G)
assert np.allclose(dA, A_t.grad.numpy()) and np.allclose(dB, B_t.grad.numpy())

# %% [markdown]
# ## The engine against `torch.autograd`
#
# Now a whole network: a two-hidden-layer MLP with tanh units and a softmax cross-entropy loss,
# built once with our engine and once with PyTorch from the same float64 weights. Reverse mode
# computes exact derivatives (no finite differences), so the two sets of gradients should agree to
# rounding error: we ask for $10^{-10}$.

# %%
X, y = rng.normal(size=(32, 2)), rng.integers(0, 2, 32)
params = autodiff.init_mlp([2, 16, 16, 2], rng)
loss = autodiff.mlp(params, Tensor(X)).cross_entropy(y)
loss.backward()

torch_params = [torch.tensor(p.data, requires_grad=True) for p in params]
h = torch.tensor(X)
for i in range(0, len(torch_params), 2):
    h = h @ torch_params[i] + torch_params[i + 1]
    h = h.tanh() if i + 2 < len(torch_params) else h
torch_loss = torch.nn.functional.cross_entropy(h, torch.tensor(y))
torch_loss.backward()

grad_diff = max(np.abs(p.grad - t.grad.numpy()).max() for p, t in zip(params, torch_params))
print(f"loss: ours {loss.data:.12f}, torch {torch_loss.item():.12f}")
print(f"largest gradient difference over {sum(p.data.size for p in params)} parameters: {grad_diff:.1e}")
assert abs(loss.data - torch_loss.item()) < 1e-10 and grad_diff < 1e-10

# %% [markdown]
# ## Training on two moons
#
# Two interleaved half circles, generated here with a little noise, are the smallest data set no
# straight line separates. We train the MLP (2 → 16 → 16 → 2) with full-batch Adam using our
# gradients, and as a control a linear classifier (2 → 2) trained the same way: the MLP must
# classify held-out points with accuracy above 0.97 *and* beat the linear model by at least
# `MARGIN` (0.05).

# %%
X_train, y_train = autodiff.two_moons(400, noise=0.1, rng=rng)
X_test, y_test = autodiff.two_moons(1000, noise=0.1, rng=rng)
MARGIN, STEPS = 0.05, 500


def accuracy(params, X, y) -> float:
    return float((autodiff.mlp(params, Tensor(X)).data.argmax(1) == y).mean())


def fit(sizes: list[int]) -> tuple[list[Tensor], list[float]]:
    params = autodiff.init_mlp(sizes, np.random.default_rng(1))
    optimiser, losses = autodiff.Adam(params, lr=0.02), []
    for _ in range(STEPS):
        loss = autodiff.mlp(params, Tensor(X_train)).cross_entropy(y_train)
        loss.backward()
        optimiser.step()
        losses.append(float(loss.data))
    return params, losses


untrained_accuracy = accuracy(autodiff.init_mlp([2, 16, 16, 2], np.random.default_rng(1)), X_test, y_test)
mlp_params, mlp_losses = fit([2, 16, 16, 2])
linear_params, linear_losses = fit([2, 2])
mlp_accuracy, linear_accuracy = accuracy(mlp_params, X_test, y_test), accuracy(linear_params, X_test, y_test)
print(f"test accuracy: untrained MLP {untrained_accuracy:.3f}, linear {linear_accuracy:.3f}, trained MLP {mlp_accuracy:.3f}")
assert mlp_accuracy > max(0.97, linear_accuracy + MARGIN), "the MLP must separate the moons, and beat a straight line"

# %%
grid = np.stack(np.meshgrid(np.linspace(-1.5, 2.5, 200), np.linspace(-1, 1.5, 150)), -1).reshape(-1, 2)
fig, axes = plt.subplots(1, 2, figsize=(8, 3))
for ax, p, title in ((axes[0], linear_params, f"linear ({linear_accuracy:.2f})"), (axes[1], mlp_params, f"MLP ({mlp_accuracy:.3f})")):
    ax.contourf(grid[:, 0].reshape(150, 200), grid[:, 1].reshape(150, 200),
                autodiff.mlp(p, Tensor(grid)).data.argmax(1).reshape(150, 200), alpha=0.25, cmap="coolwarm")
    ax.scatter(*X_test[:300].T, c=y_test[:300], s=4, cmap="coolwarm")
    ax.set_title(f"decision regions: {title}")
plt.show()

# %% [markdown]
# The untrained network draws a random, nearly straight boundary (its accuracy is printed above), the
# trained line gets the outer parts of each moon right and the interleaved tips wrong, and the trained MLP bends its boundary between
# them. Everything it learned came from the few lines of `lab/autodiff.py` that propagate
# gradients backwards.
#
# ## Why momentum and Adam: an ill-conditioned valley
#
# Gradient descent on $f(x) = \tfrac12 x^\top H x$ is stable only for a learning rate below
# $2/\lambda_{\max}$, and then moves along the flattest direction at a speed proportional to
# $\lambda_{\min}$: the number of steps grows with the **condition number**
# $\kappa = \lambda_{\max} / \lambda_{\min}$. We take $\kappa = 100$ in two dimensions, with the
# valley rotated by a random angle so that it is not aligned with the coordinate axes (which
# would flatter Adam's per-coordinate scaling), and count the steps each method needs to bring
# $f$ to $10^{-6}$ of its starting value. To be fair, each method gets its best learning rate
# from the same grid of 25 values between $10^{-4}$ and 1.
#
# **Heavy-ball momentum** accumulates a velocity, $v \leftarrow \beta v + g$,
# $x \leftarrow x - \eta v$, so that steps along the consistent direction add up while
# oscillations across the valley cancel. **Adam** keeps running means of the gradient and its
# square and divides one by the root of the other, with a correction for their start at
# zero [@kingma2015adam, Algorithm 1]:
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
# x_t = x_{t-1} - \eta\,\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}.$$
#
# **Exercise 2.** Write `adam_update(x, grad, m, v, t, lr)` (with $\beta_1 = 0.9$,
# $\beta_2 = 0.999$, $\epsilon = 10^{-8}$) returning the new $(x, m, v)$. The checker
# recognises a missing bias correction and a missing square root. The race below uses your
# function.

# %% tags=["exercise"]
def adam_update(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step, t = 1, 2, ... (arrays of one shape): returns (new x, new m, new v)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def adam_update(x, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step, t = 1, 2, ... (arrays of one shape): returns (new x, new m, new v)."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)  # undo the bias towards the zero start
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


# %%
adam_update = lab.checks_backprop.adam_update(adam_update)

angle = rng.uniform(0, np.pi)
rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
H = rotation @ np.diag([1.0, 100.0]) @ rotation.T
x0 = rng.normal(size=2)
print(f"condition number of H: {np.linalg.cond(H):.1f}")


def f(x):
    return 0.5 * x @ H @ x


def grad_f(x):
    return H @ x


def sgd(x, g, state, t, lr):
    return x - lr * g, None


def momentum(x, g, state, t, lr, beta=0.9):
    velocity = g if state is None else beta * state + g
    return x - lr * velocity, velocity


def adam(x, g, state, t, lr):
    m, v = (np.zeros_like(x), np.zeros_like(x)) if state is None else state
    x, m, v = adam_update(x, g, m, v, t, lr)
    return x, (m, v)


TARGET, MAX_STEPS, LEARNING_RATES = 1e-6 * f(x0), 3000, np.geomspace(1e-4, 1, 25)
best = {}
with np.errstate(over="ignore", invalid="ignore"):  # the largest rates diverge: they simply never reach the target
    for name, step in (("SGD", sgd), ("momentum", momentum), ("Adam", adam)):
        runs = [(autodiff.steps_to_target(lambda x, g, s, t: step(x, g, s, t, lr), grad_f, f, x0, TARGET, MAX_STEPS), lr)
                for lr in LEARNING_RATES]
        best[name] = min(((n, lr) for n, lr in runs if n is not None), default=(None, None))
        print(f"{name:9s} best learning rate {best[name][1] or float('nan'):.3g}: {best[name][0]} steps to the target")

# %% [markdown]
# SGD is the control: momentum and Adam must each reach the target in at most a third of its
# steps.

# %%
sgd_steps = best["SGD"][0]
print(f"a third of SGD's steps: {sgd_steps / 3 if sgd_steps else float('nan'):.1f}")
assert sgd_steps is not None and best["momentum"][0] is not None and best["Adam"][0] is not None, "every method must reach the target"
assert best["momentum"][0] <= sgd_steps / 3 and best["Adam"][0] <= sgd_steps / 3

# %%
fig, ax = plt.subplots(figsize=(5, 3.5))
u = np.linspace(-1.2, 1.2, 200) * np.linalg.norm(x0)
U, V = np.meshgrid(u, u)
ax.contour(U, V, 0.5 * (H[0, 0] * U**2 + 2 * H[0, 1] * U * V + H[1, 1] * V**2),
           levels=f(x0) * np.geomspace(1e-4, 1, 9), linewidths=0.5, colors="grey")  # log-spaced levels of f
ax.set_aspect("equal")
for name, step in (("SGD", sgd), ("momentum", momentum), ("Adam", adam)):
    x, state, path = x0.copy(), None, [x0]
    for t in range(1, 60):
        x, state = step(x, grad_f(x), state, t, best[name][1])
        path.append(x)
    ax.plot(*np.array(path).T, ".-", ms=2, lw=0.8, label=f"{name} ({best[name][0]} steps to target)")
ax.legend(fontsize=7)
ax.set_title("the first 60 steps on a quadratic with condition number 100")
plt.show()

# %% [markdown]
# SGD's best learning rate is capped by the steep direction, so it crawls along the flat one;
# momentum builds up speed along the valley floor, and Adam's normalisation lets it take steps of
# about the learning rate whatever the curvature. On real networks the picture is noisier (the
# gradients are stochastic, and the curvature changes as training goes), but the same two
# mechanisms are why GPT-style models are trained with Adam and its decoupled-weight-decay variant
# AdamW [@loshchilov2019decoupled], as `lab.train` does.
