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
# # Grokking modular addition
#
# Power et al. (2022) trained small transformers on tables like $a + b \bmod p$, gave
# them a fraction of the table, and saw something odd: the network first *memorised*
# its training examples (training accuracy 100 %, test accuracy near chance) and then,
# long after, with no change in the training loss worth mentioning, suddenly
# *generalised* to the examples it had never seen. They called this **grokking**.
#
# Nanda et al. (2023, *Progress measures for grokking via mechanistic
# interpretability*) reverse-engineered the network that groks: it does modular
# addition with trigonometry. Each number $a$ is embedded as waves
# $\cos(\omega_k a), \sin(\omega_k a)$ at a handful of frequencies
# $\omega_k = 2\pi k / p$, the attention and MLP layers combine the waves of $a$ and $b$
# with the product formulas into $\cos(\omega_k (a + b))$ and $\sin(\omega_k (a + b))$,
# and the unembedding reads off the answer $c$ as the one that makes
# $\cos(\omega_k (a + b - c))$ largest. Weight decay is what drives the network from
# the memorising solution to this compact one. (Neel Nanda discusses this work in the
# AXRP podcast, episode 19, from 2:50:57.)
#
# We reproduce the delay and the Fourier structure on a CPU in about a minute.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

import lab
from lab.algorithmic import (
    evaluate,
    fourier_basis,
    frequency_energy,
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
# at the `=` position. Nanda et al. used $p = 113$; on one CPU thread that takes about
# half an hour to grok, so we use the prime $p = 59$: the same phenomenon on a table
# of $59^2 = 3481$ sums instead of 12,769. We train on a random 30 % of the table and
# test on the other 70 %.
#
# The model is `lab.gpt.GPT` with a single block (attention with 4 heads, then an MLP
# of width 512), $d_{\text{model}} = 128$ and no LayerNorm, the architecture of Nanda et
# al. except that our MLP uses GELU where theirs used ReLU. The training is theirs in
# spirit: full-batch AdamW with decoupled weight decay (Loshchilov and Hutter 2019),
# here with a larger learning rate ($3 \times 10^{-3}$) and weight decay ($2$) than their
# $10^{-3}$ and $1$, so that the whole story fits in a few thousand steps.

# %%
p = 59
split = modular_addition_split(p, train_fraction=0.3, seed=0)
print(f"{len(split.train_labels)} training pairs, {len(split.test_labels)} test pairs")
print("an example:", split.train_tokens[0].tolist(), "->", split.train_labels[0].item(), f"(token {p} is '=')")

model = GPT(grokking_model_config(p))
print(f"{model.num_params():,} parameters")

# %% [markdown]
# ## Training: memorise first, generalise later
#
# We evaluate every 10 steps and stop once the test accuracy has passed 99.5 %.

# %%
history = train_modular_addition(
    model, split, steps=4_000, lr=3e-3, weight_decay=2.0, eval_every=10, stop_after_test_accuracy=0.995
)
steps = np.array(history["step"])
train_acc, test_acc = np.array(history["train_acc"]), np.array(history["test_acc"])
memorised = int(steps[np.argmax(train_acc >= 1.0)]) if (train_acc >= 1.0).any() else None
generalised = int(steps[np.argmax(test_acc > 0.99)]) if (test_acc > 0.99).any() else None
print(f"training accuracy first 100 %: step {memorised}")
print(f"test accuracy first above 99 %: step {generalised}")
print(f"test accuracy when training accuracy reached 100 %: {test_acc[steps == memorised][0]:.1%}")

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
plt.show()

# %% [markdown]
# The headline: the network reaches 100 % training accuracy early, and the test
# accuracy catches up only many hundreds of steps later. We assert the delay.

# %%
assert memorised is not None and generalised is not None, "the model should both memorise and generalise within 4,000 steps"
delay = generalised - memorised
assert delay >= 500, f"grokking means a delay: train 100 % at {memorised}, test > 99 % at {generalised} (only {delay} steps)"
assert test_acc[steps == memorised][0] < 0.5, "at the moment of memorisation the test accuracy should still be low"
print(f"delay between memorisation and generalisation: {delay} steps ({generalised / memorised:.0f}x longer)")

# %% [markdown]
# ## The embedding is made of a few waves
#
# If the network computes with $\cos(\omega_k a)$ and $\sin(\omega_k a)$, then its
# embedding matrix $W_E$ (one row per number $a = 0, \dots, p-1$) should be built from a
# few such waves. We change basis: the Fourier basis on $\{0, \dots, p-1\}$ has a
# constant function and, for each frequency $k = 1, \dots, (p-1)/2$, a cosine and a sine.
# It is orthonormal, so the squared norm of $W_E$ splits exactly into one share per
# frequency.

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
# Five of the 29 frequencies carry most of the embedding: the network has thrown away
# the rest. Which five it picks depends on the random seed; that it picks only a few
# does not.
#
# We can look at the waves themselves. Projecting the embedding onto the cosine of the
# strongest frequency gives a number per token $a$ that should trace
# $\cos(2\pi k a / p)$ as a function of $a$:

# %%
basis, names = fourier_basis(p)
k = ranked[0].item()
cos_k = basis[2 * k - 1]  # the "cos k" row
direction = cos_k @ W_E  # the d_model direction that carries cos k
coordinate = W_E @ direction / direction.norm()
fig, ax = plt.subplots()
ax.plot(range(p), coordinate.numpy(), "o", ms=3, label="embedding, projected")
scale = coordinate.abs().max().item()
grid = np.linspace(0, p - 1, 400)
ax.plot(grid, scale * np.cos(2 * np.pi * k * grid / p), lw=0.8, label=f"cos(2 pi {k} a / {p})")
ax.set(xlabel="token a", ylabel="coordinate", title=f"The embedding along frequency {k}")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## Before and after: the Fourier spectrum is a progress measure
#
# Nanda et al. argue that such measurements are *progress measures*: quantities that
# change smoothly during training even while the test accuracy looks stuck. The
# share of the top frequencies is one. To see it move, we train a second model and
# measure the spectrum when it has just memorised the training set.

# %%
torch.manual_seed(0)
early = GPT(grokking_model_config(p))
train_modular_addition(early, split, steps=memorised, lr=3e-3, weight_decay=2.0, eval_every=memorised, log=None)
early_top5 = frequency_energy(early.W_E.weight[:p]).sort(descending=True).values[:5].sum().item()
print(f"top-five share at step {memorised} (memorised): {early_top5:.1%}; after grokking: {top5:.1%}")
assert early_top5 < top5, "the embedding should become more concentrated in frequency as the model groks"

# %% [markdown]
# **What to take away.** Memorisation and generalisation are two different circuits
# that compete during training; the loss on the training set cannot tell them apart,
# but the weights can. Weight decay favours the compact, general circuit, and a
# mechanistic measurement (here, the Fourier spectrum of the embedding) reveals it
# forming before the test accuracy moves.
#
# **Exercises.** (1) Set `weight_decay=0.0`: does the model still generalise within
# 4,000 steps? (2) Train on 50 % of the table instead of 30 %: how does the delay
# change? (3) Check the unembedding: is $W_U$ (restricted to the answers) built from
# the same frequencies as $W_E$?
