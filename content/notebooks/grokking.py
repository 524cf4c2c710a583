# ---
# jupyter:
#   description: "A small transformer trained on modular addition first memorises its training examples and only much later generalises; we reproduce this grokking, check that weight decay causes it, and find the few waves its embedding is made of."
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
# # Grokking modular addition
#
# Power et al. trained small transformers on tables like $a + b \bmod p$, gave
# them a fraction of the table, and saw something odd: the network first *memorised*
# its training examples (training accuracy 100 %, test accuracy near chance) and then,
# much later and while its training accuracy stayed at 100 %, suddenly *generalised*
# to the examples it had never seen. They called this **grokking** [@power2022grokking].
#
# Nanda et al. reverse-engineered a network that groks [@nanda2023progress]: it does
# modular addition with trigonometry. Each number $a$ is embedded as waves
# $\cos(\omega_k a), \sin(\omega_k a)$ at a handful of frequencies
# $\omega_k = 2\pi k / p$; the attention and MLP layers combine the waves of $a$ and
# $b$ with the product formulas into $\cos(\omega_k (a + b))$ and
# $\sin(\omega_k (a + b))$; and the unembedding reads off the answer $c$ as the one that
# makes $\cos(\omega_k (a + b - c))$ largest. They argue that weight decay drives the
# network from the memorising solution to this compact one, and that the change can
# be tracked with *progress measures* long before the test accuracy moves. (Neel
# Nanda discusses this work in the AXRP podcast, episode 19, from 2:50:57.)
#
# We reproduce the delay, the Fourier structure and one progress measure on a CPU in
# about a minute.

# %%
import copy

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown

import lab
import lab.algorithmic
import lab.checks
from lab.algorithmic import (
    fan_in_init_,
    grokking_model_config,
    modular_addition_split,
    train_modular_addition,
)
from lab.gpt import GPT

lab.notebook_setup(seed=0)

# %% [markdown]
# ## The task and the model
#
# Each example is three tokens, `a b =`, and the label is $(a + b) \bmod p$, predicted
# at the `=` position. We train on a random 30 % of the table and test on the other
# 70 %, as Nanda et al. did. They used $p = 113$ and a model of width 128; at that size
# one CPU thread needs far longer than a notebook may take, so we use the prime
# $p = 59$ (a table of 3,481 sums instead of 12,769) and half the width.
#
# The model is `lab.gpt.GPT` with a single block (attention with 4 heads, then an MLP),
# $d_{\text{model}} = 64$, $d_{\text{mlp}} = 256$ and no LayerNorm; Nanda et al.'s
# architecture at half the width, except that our MLP uses GELU where theirs used
# ReLU. Training is full-batch AdamW with decoupled weight decay
# [@loshchilov2019decoupled]. To fit the whole story into about a thousand steps we use a larger
# learning rate ($10^{-2}$) and weight decay ($2$) than their $10^{-3}$ and $1$, and we
# initialise the weights with standard deviation $1/\sqrt{\text{fan-in}}$ instead of
# GPT-2's $0.02$: with the small initialisation and this much weight decay, the model
# takes thousands of steps even to memorise.

# %%
p = 59
split = modular_addition_split(p, train_fraction=0.3, seed=0)
print(f"{len(split.train_labels)} training pairs, {len(split.test_labels)} test pairs")
print("an example:", split.train_tokens[0].tolist(), "->", split.train_labels[0].item(), f"(token {p} is '=')")

model = fan_in_init_(GPT(grokking_model_config(p, d_model=64, n_heads=4, d_mlp=256)))
initial_weights = copy.deepcopy(model.state_dict())  # for the control run without weight decay, below
print(f"{model.num_params():,} parameters")

# %% [markdown]
# ## Training: memorise first, generalise later
#
# We evaluate every 25 steps. Along the way we track one progress measure: the share
# of the embedding's squared norm that lies in its five strongest Fourier
# frequencies (explained below). Training stops 200 steps after the test accuracy first passes
# 99.5 %, or at step 2,000.


# %%
def top5_share(m: GPT) -> float:
    return lab.algorithmic.frequency_energy(m.W_E.weight[:p]).sort(descending=True).values[:5].sum().item()


history = train_modular_addition(
    model,
    split,
    steps=2_000,
    lr=1e-2,
    weight_decay=2.0,
    eval_every=25,
    stop_after_test_accuracy=0.995,
    steps_after_stop=200,
    measure=top5_share,
)
steps = np.array(history["step"])
train_acc, test_acc = np.array(history["train_acc"]), np.array(history["test_acc"])
memorised = int(steps[np.argmax(train_acc >= 1.0)]) if (train_acc >= 1.0).any() else None
generalised = int(steps[np.argmax(test_acc > 0.99)]) if (test_acc > 0.99).any() else None
print(f"training accuracy first 100 %: step {memorised}")
print(f"test accuracy first above 99 %: step {generalised}")
if memorised is not None:
    print(f"test accuracy when training accuracy reached 100 %: {test_acc[steps == memorised][0]:.1%}")
print(f"top-5 Fourier share of the embedding: {history['measure'][0]:.0%} at initialisation, {history['measure'][-1]:.0%} at the end")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.2))
ax1.plot(steps[1:], train_acc[1:], label="train")
ax1.plot(steps[1:], test_acc[1:], label="test")
ax1.axhline(1 / p, color="0.6", ls=":", lw=1, label="chance")
ax1.set(xscale="log", xlabel="step (log scale)", ylabel="accuracy", title="Accuracy")
ax1.legend(fontsize=8)
ax2.plot(steps[1:], history["train_loss"][1:], label="train")
ax2.plot(steps[1:], history["test_loss"][1:], label="test")
ax2.set(xscale="log", yscale="log", xlabel="step (log scale)", ylabel="cross-entropy", title="Loss")
ax2.legend(fontsize=8)
for ax in (ax1, ax2):  # plain numbers on the log axis
    ticks = [t for t in (25, 50, 100, 200, 400, 800, 1600) if t <= steps[-1]]
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
plt.show()

# %% [markdown]
# The headline claim: the network memorises first and generalises much later. We
# assert a delay of at least 300 steps and a factor of at least 4 between the two
# moments, with the test accuracy still below 50 % when the training accuracy
# reaches 100 % (chance is $1/p$).

# %%
assert memorised is not None and generalised is not None, "the model should both memorise and generalise within 2,000 steps"
delay = generalised - memorised
assert delay >= 300 and generalised >= 4 * memorised, f"grokking means a delay: train 100 % at {memorised}, test > 99 % at {generalised}"
assert test_acc[steps == memorised][0] < 0.5, "at the moment of memorisation the test accuracy should still be low"
Markdown(f"The network reaches 100 % training accuracy at step {memorised}, when its test accuracy is "
         f"{test_acc[steps == memorised][0]:.0%}; the test accuracy passes 99 % only at step {generalised}, "
         f"{delay} steps ({generalised / memorised:.0f} times) later.")

# %% [markdown]
# ## Control: the same run without weight decay
#
# Nanda et al. argue that weight decay is what pushes the network from memorising to
# the general circuit. We test it: the same model, from the same initial weights, on
# the same data, trained for as many steps as the run above took, with
# `weight_decay=0`. The claim: its final test accuracy stays at least `MARGIN` = 0.3
# below the run with weight decay.

# %%
MARGIN = 0.3
control = GPT(model.cfg)
control.load_state_dict(initial_weights)
control_history = train_modular_addition(control, split, steps=int(steps[-1]), lr=1e-2, weight_decay=0.0,
                                         eval_every=25, log=None)
control_train, control_test = control_history["train_acc"][-1], control_history["test_acc"][-1]
print(f"without weight decay, after {int(steps[-1])} steps: train accuracy {control_train:.1%}, test accuracy {control_test:.1%}")
print(f"with weight decay: test accuracy {test_acc[-1]:.1%}")
fig, ax = plt.subplots()
ax.plot(steps, test_acc, label="test, weight decay 2")
ax.plot(control_history["step"], control_history["test_acc"], label="test, no weight decay")
ax.plot(control_history["step"], control_history["train_acc"], ls=":", label="train, no weight decay")
ax.set(xlabel="step", ylabel="accuracy", title="Weight decay and generalisation")
ax.legend(fontsize=8)
plt.show()
assert control_test < test_acc[-1] - MARGIN, f"without weight decay the model should not generalise: test {control_test:.1%}"

# %%
Markdown(f"Without weight decay the model reaches {control_train:.0%} training accuracy but only "
         f"{control_test:.0%} test accuracy in the same {int(steps[-1]):,} steps, against {test_acc[-1]:.0%} with it: "
         "in this budget, weight decay is what makes the difference.")

# %% [markdown]
# ## The embedding is made of a few waves
#
# If the network computes with $\cos(\omega_k a)$ and $\sin(\omega_k a)$, then its
# embedding matrix $W_E$ (one row per number $a = 0, \dots, p-1$) should be built from a
# few such waves. We change basis: the Fourier basis on $\{0, \dots, p-1\}$ has a
# constant function and, for each frequency $k = 1, \dots, (p-1)/2$, a cosine and a sine.
# It is orthonormal, so the squared norm of $W_E$ splits exactly into one share per
# frequency.
#
# **Exercise 1.** Write `fourier_basis(p)`, the basis as the rows of a $(p, p)$ matrix, and
# **Exercise 2.** `frequency_energy(W)`, each frequency's share of $\lVert W \rVert^2$ (the
# training loop above tracked `lab.algorithmic`'s version as its progress measure).

# %% tags=["exercise"]
def fourier_basis(p: int) -> torch.Tensor:
    """Rows: the constant, then cos(2 pi k x / p) and sin(2 pi k x / p) for k = 1 .. (p-1)/2, on
    x = 0 .. p-1, each scaled to length 1: (p, p)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def fourier_basis(p: int) -> torch.Tensor:
    """Rows: the constant, then cos(2 pi k x / p) and sin(2 pi k x / p) for k = 1 .. (p-1)/2, on
    x = 0 .. p-1, each scaled to length 1: (p, p)."""
    x = torch.arange(p, dtype=torch.float64)
    waves = [torch.ones(p, dtype=torch.float64)]
    for k in range(1, (p - 1) // 2 + 1):
        waves += [torch.cos(2 * np.pi * k * x / p), torch.sin(2 * np.pi * k * x / p)]
    rows = torch.stack(waves)
    return (rows / rows.norm(dim=1, keepdim=True)).float()


# %% tags=["exercise"]
def frequency_energy(W: torch.Tensor) -> torch.Tensor:
    """W: (p, d), one row per number. Each frequency's share of ||W||^2: the constant, then k = 1 ..
    (p-1)/2 with its cos and sin together; the shares sum to 1: (1 + (p-1)/2,)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def frequency_energy(W: torch.Tensor) -> torch.Tensor:
    """W: (p, d), one row per number. Each frequency's share of ||W||^2: the constant, then k = 1 ..
    (p-1)/2 with its cos and sin together; the shares sum to 1: (1 + (p-1)/2,)."""
    per_row = ((fourier_basis(W.shape[0]) @ W) ** 2).sum(dim=1)  # (p,): one per basis function
    shares = torch.cat([per_row[:1], per_row[1::2] + per_row[2::2]])  # cos k and sin k together
    return shares / shares.sum()


# %%
fourier_basis = lab.checks.fourier_basis(fourier_basis)
frequency_energy = lab.checks.frequency_energy(frequency_energy)

# %%
W_E = model.W_E.weight[:p].detach()  # (p, d_model): the numbers' embeddings, without "="
energy = frequency_energy(W_E)  # (1 + (p-1)/2,): constant, then k = 1 .. 29
ranked = torch.argsort(energy[1:], descending=True) + 1
top5 = energy[ranked[:5]].sum().item()
print("key frequencies k (largest first):", ranked[:5].tolist())
print(f"share of ||W_E||^2 in the top five frequencies: {top5:.1%} (five of {len(energy) - 1})")

fig, ax = plt.subplots()
ax.bar(range(len(energy)), energy.numpy(), color=["C1" if k in ranked[:5] else "C0" for k in range(len(energy))])
ax.set(xlabel="frequency k (0 = constant)", ylabel="share of ||W_E||^2", title="Fourier spectrum of the embedding")
plt.show()

# %%
assert top5 > 0.8, f"after grokking the embedding should be sparse in frequency: top five hold only {top5:.1%}"

# %% [markdown]
# A few frequencies carry most of the embedding: the network has discarded the rest.
# Which ones it keeps depends on the random seed; that it keeps only a few does not.
#
# We can look at one wave directly. Projecting the embedding onto the direction that
# carries the cosine of the strongest frequency $k$ gives one number per token $a$,
# which should trace $\cos(2\pi k a / p)$:

# %%
basis = fourier_basis(p)
k = ranked[0].item()
cos_k = basis[2 * k - 1]  # the "cos k" row of the basis
direction = cos_k @ W_E  # (d_model,): where the embedding puts cos k
coordinate = W_E @ direction / direction.norm()
fig, ax = plt.subplots()
ax.plot(range(p), coordinate.numpy(), "o", ms=3, label="embedding, projected")
scale = coordinate.abs().max().item()
grid = np.linspace(0, p - 1, 400)
ax.plot(grid, scale * np.cos(2 * np.pi * k * grid / p), lw=0.8, label=f"cos(2 pi {k} a / {p}), scaled")
ax.set(xlabel="token a", ylabel="coordinate", title=f"The embedding along frequency {k}")
ax.legend(fontsize=8)
plt.show()
fit = np.corrcoef(coordinate.numpy(), np.cos(2 * np.pi * k * np.arange(p) / p))[0, 1]
print(f"correlation between the projection and the cosine: {fit:.3f}")
assert abs(fit) > 0.9, f"the embedding's strongest direction should be a clean wave (correlation {fit:.3f})"

# %% [markdown]
# ## A progress measure
#
# The test accuracy hardly moves for hundreds of steps and then jumps. The Fourier
# concentration of the embedding, measured during the same training run, does not
# wait: it climbs steadily from the moment of memorisation. This is the sense of
# Nanda et al.'s *progress measures*: quantities computed from the weights that show
# the generalising circuit forming while the accuracy still looks stuck.

# %%
measure = np.array(history["measure"])
fig, ax = plt.subplots()
ax.plot(steps, test_acc, label="test accuracy")
ax.plot(steps, measure, label="top-5 Fourier share of W_E")
ax.axvline(memorised, ls=":", color="0.5")
ax.axvline(generalised, ls="--", color="0.5")
ax.set(xlabel="step", ylabel="value", title="Test accuracy and a progress measure")
ax.legend(fontsize=8)
plt.show()
halfway = memorised + (generalised - memorised) // 2
at = lambda step: measure[np.argmin(np.abs(steps - step))]
print(f"top-5 share: {at(memorised):.2f} at memorisation (step {memorised}), {at(halfway):.2f} halfway (step {halfway}), "
      f"{at(generalised):.2f} at generalisation (step {generalised})")
print(f"test accuracy halfway: {test_acc[np.argmin(np.abs(steps - halfway))]:.1%}")
assert at(memorised) < at(halfway) < at(generalised), "the progress measure should rise through the plateau"

# %% [markdown]
# **What to take away.** Memorisation and generalisation are two different circuits
# competing during training; the training accuracy cannot tell them apart, but the
# weights can. Weight decay favours the compact, general circuit, and a mechanistic
# measurement (here, the Fourier spectrum of the embedding) reveals it forming before
# the test accuracy moves.
#
# **Exercises.** (1) Run the control without weight decay for 2,000 steps, or
# with weight decay 0.5: does the model generalise, and when? (2) Train on 50 % of the table instead of 30 %: how does the delay
# change? (3) Check the unembedding: is $W_U$ (restricted to the answers) built from
# the same frequencies as $W_E$? (4) Use GPT-2's initialisation (drop `fan_in_init_`)
# and watch how long memorisation takes.
