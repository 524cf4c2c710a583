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
# # Superposition: more features than dimensions
#
# Interpretability would be easy if every neuron of a network meant one thing. Often it
# does not: many neurons respond to several unrelated inputs; they are *polysemantic*
# [@olah2020zoom]. One explanation is **superposition**: a layer with $m$ dimensions
# can store more than $m$ *features* (directions that mean something) if it lets them
# overlap a little, as long as the features are rarely active at the same time.
#
# This notebook reproduces the first experiment of *Toy Models of Superposition*
# [@elhage2022toy]. We squeeze $n = 20$ features through $m = 5$ dimensions and
# watch how many of them the model keeps as we make the features sparser.
#
# **The model.** A feature vector $x \in \mathbb{R}^{20}$ is compressed to
# $h = W x \in \mathbb{R}^5$ and decompressed with the transpose,
#
# $$x' = \mathrm{ReLU}(W^\top W x + b).$$
#
# Column $W_i \in \mathbb{R}^5$ is the direction in which feature $i$ is stored. The
# matrix $W^\top W$ ($20 \times 20$) says everything about the geometry: its diagonal
# holds $\lVert W_i \rVert^2$ (is feature $i$ stored at all?), its off-diagonal entries
# $W_i \cdot W_j$ the interference between two features.
#
# **The data.** Each feature is zero with probability $S$ (the *sparsity*) and
# otherwise uniform on $[0, 1]$. Features differ in *importance* $I_i$, a weight on
# their squared error in the loss
# $L = \mathbb{E}_x \sum_i I_i (x_i - x'_i)^2$; we let importance decay geometrically,
# $I_i = 0.8^i$, so feature 0 matters most.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

import lab
import lab.checks
from lab import toy_models
from lab.toy_models import ToyModel, ToyModelConfig, importance_weights, superposition_score, train_toy_model

lab.notebook_setup(seed=0)

# %% [markdown]
# ## Train one model per sparsity, all at once
#
# Following the paper's code, we train several independent *instances* of the model
# side by side: the weight tensor has an extra leading axis, one slice per sparsity,
# and one optimiser step updates all of them. Each instance sees its own data.
#
# **Exercise 1.** Write the loss, `weighted_mse(x_hat, x, importance)`:
# $\sum_i I_i (x_i - x'_i)^2$ per example, averaged over the batch, one number per
# instance. `lab.toy_models` trains with its own copy; below, yours scores the trained
# models on a fresh batch.

# %% tags=["exercise"]
def weighted_mse(x_hat: torch.Tensor, x: torch.Tensor, importance: torch.Tensor) -> torch.Tensor:
    """x_hat, x: (batch, instance, feature); importance: (feature,). Returns (instance,)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def weighted_mse(x_hat: torch.Tensor, x: torch.Tensor, importance: torch.Tensor) -> torch.Tensor:
    """x_hat, x: (batch, instance, feature); importance: (feature,). Returns (instance,)."""
    return (importance * (x_hat - x) ** 2).sum(dim=-1).mean(dim=0)


# %%
weighted_mse = lab.checks.weighted_mse(weighted_mse)

# %%
sparsities = [0.0, 0.7, 0.9, 0.97, 0.99, 0.999]
config = ToyModelConfig(n_features=20, n_hidden=5, n_instances=len(sparsities))
importance = importance_weights(config.n_features, decay=0.8)
feature_probability = 1 - torch.tensor(sparsities)

model = ToyModel(config)
losses = train_toy_model(model, feature_probability, importance, steps=3_000, batch_size=1024, lr=3e-3, seed=0)

fig, ax = plt.subplots()
ax.plot(losses, lw=0.8)
ax.set(xlabel="step", ylabel="loss (mean over instances)", yscale="log", title="Training the six toy models")
plt.show()
fresh = toy_models.sample_features(4096, feature_probability, config.n_features, torch.Generator().manual_seed(99))
with torch.no_grad():
    final_loss = weighted_mse(model(fresh), fresh, importance)
print("loss on a fresh batch, by sparsity:", "  ".join(f"S = {S}: {l:.4f}" for S, l in zip(sparsities, final_loss.tolist())))

# %% [markdown]
# ## Which features does each model store?
#
# We call feature $i$ *represented* when its direction has length
# $\lVert W_i \rVert > 0.5$ (a trained model puts stored features near length 1 and
# drops the others to near 0). With dense features ($S = 0$) a linear compression can
# do no better than keeping the 5 most important features in 5 orthogonal directions,
# which is what principal component analysis would give; the interesting question is
# what happens as $S$ grows.

# %%
norms = model.feature_norms()  # (instance, feature)
represented = (norms > 0.5).sum(dim=1).tolist()
for S, count in zip(sparsities, represented):
    print(f"sparsity S = {S:<6}  1 - S = {1 - S:<6.3f}  features represented: {count:2d} of {config.n_features}")

# %%
fig, ax = plt.subplots()
ax.plot(range(len(sparsities)), represented, "o-")
ax.axhline(config.n_hidden, ls="--", color="0.5", label=f"hidden dimensions (m = {config.n_hidden})")
ax.set_xticks(range(len(sparsities)), [str(S) for S in sparsities])
ax.set(xlabel="feature sparsity S", ylabel="features with ||W_i|| > 0.5", title="Sparser features, more of them stored")
ax.set_ylim(0, config.n_features + 0.5)
ax.legend()
plt.show()

# %% [markdown]
# The headline of this notebook: with dense features the model keeps about as many
# features as it has dimensions; with sparse features it stores far more than 5. We
# check it rather than eyeball it.

# %%
assert represented[0] <= config.n_hidden + 1, f"dense features: expected about {config.n_hidden} stored, got {represented[0]}"
assert represented[-1] >= 3 * config.n_hidden - 1, f"S = 0.999: expected well over {config.n_hidden} stored, got {represented[-1]}"
assert all(b >= a - 1 for a, b in zip(represented, represented[1:])), f"the count should rise with sparsity: {represented}"
print(f"features represented rise from {represented[0]} (dense) to {represented[-1]} (S = {sparsities[-1]})")

# %% [markdown]
# ## The geometry: $W^\top W$ and the feature norms
#
# The top row shows $W^\top W$ for each sparsity (red positive, blue negative). With
# dense features it is a $5 \times 5$ identity block in the corner: the five most
# important features, orthogonal, and nothing else. As $S$ grows, more diagonal
# entries light up and off-diagonal entries appear: features now share dimensions and
# interfere.
#
# The bottom row shows $\lVert W_i \rVert$ per feature, coloured by how much feature
# $i$ overlaps with the others, $\sum_{j \ne i} (\hat W_i \cdot W_j)^2$ (the paper's
# measure; $\hat W_i$ is the unit vector along $W_i$): dark bars are features with a
# dimension to themselves, yellow bars share theirs.

# %%
W = model.W.detach()
gram = torch.einsum("ihf,ihg->ifg", W, W)  # W^T W per instance: (instance, feature, feature)
overlap = superposition_score(model)  # (instance, feature)

fig, axes = plt.subplots(2, len(sparsities), figsize=(9, 3.6), gridspec_kw={"height_ratios": [1.4, 1]})
for k, S in enumerate(sparsities):
    axes[0, k].imshow(gram[k], cmap="RdBu_r", vmin=-1, vmax=1)
    axes[0, k].set_title(f"S = {S}", fontsize=8)
    axes[0, k].set_xticks([])
    axes[0, k].set_yticks([])
    colours = plt.cm.viridis(overlap[k].clamp(0, 1).numpy())
    axes[1, k].barh(range(config.n_features), norms[k], color=colours)
    axes[1, k].invert_yaxis()
    axes[1, k].set_xlim(0, 1.3)
    axes[1, k].set_yticks([])
    axes[1, k].tick_params(labelsize=7)
axes[0, 0].set_ylabel("W^T W", fontsize=8)
axes[1, 0].set_ylabel("||W_i||\n(feature 0 on top)", fontsize=8)
plt.show()

# %% [markdown]
# ## How many dimensions does each feature get?
#
# The paper summarises a model by its *dimensions per feature*,
# $D^* = m / \lVert W \rVert_F^2$: one stored feature of unit length per dimension gives
# $D^* = 1$, two features packed into each dimension (e.g. as an antipodal pair,
# $W_j = -W_i$) give $D^* = 1/2$. $D^*$ is one number per model. To see how each
# feature is stored, Elhage et al. define a **per-feature dimensionality**
#
# $$D_i = \frac{\lVert W_i \rVert^2}{\sum_j (\hat W_i \cdot W_j)^2},$$
#
# the share of a dimension that feature $i$ gets (the sum includes $j = i$): 1 for a
# feature with a dimension to itself, 1/2 for each of an antipodal pair. It is $D_i$,
# not $D^*$, that they found sticking at a few fractions (1, 3/4, 2/3, 1/2, 2/5, ...)
# that correspond to geometric arrangements: pairs, triangles, pentagons, tetrahedra.
# In the $W^\top W$ plots above, off-diagonal entries near $-1$ (dark blue) are
# antipodal pairs, $W_j \approx -W_i$, which share one dimension while the ReLU
# removes their negative interference.
#
# **Exercise 2.** Write `feature_dimensionality(W)`, the $D_i$ of every feature of every
# instance.

# %% tags=["exercise"]
def feature_dimensionality(W: torch.Tensor) -> torch.Tensor:
    """W: (instance, hidden, feature), column i of each instance is W_i. Returns D_i: (instance, feature)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def feature_dimensionality(W: torch.Tensor) -> torch.Tensor:
    """W: (instance, hidden, feature), column i of each instance is W_i. Returns D_i: (instance, feature)."""
    unit = W / W.norm(dim=1, keepdim=True).clamp_min(1e-8)  # W_i_hat
    overlaps = torch.einsum("ihf,ihg->ifg", unit, W) ** 2  # (W_i_hat . W_j)^2, j = i included
    return (W**2).sum(dim=1) / overlaps.sum(dim=-1).clamp_min(1e-8)


# %%
feature_dimensionality = lab.checks.feature_dimensionality(feature_dimensionality)

# %%
dims_per_feature = config.n_hidden / (W**2).sum(dim=(1, 2))
for S, d in zip(sparsities, dims_per_feature.tolist()):
    print(f"S = {S:<6}  dimensions per feature D* = {d:.2f}")
most_negative = gram[-1].masked_fill(torch.eye(config.n_features, dtype=torch.bool), 0).min().item()
print(f"most negative interference W_i . W_j at S = {sparsities[-1]}: {most_negative:.2f}")
assert dims_per_feature[0] > 0.8 and dims_per_feature[-1] < 0.5, f"D* should fall with sparsity: {dims_per_feature.tolist()}"

D_i = feature_dimensionality(W)  # (instance, feature)
stored_last = norms[-1] > 0.5
print(f"S = {sparsities[-1]}: D_i of the {int(stored_last.sum())} stored features (||W_i|| > 0.5), sorted:")
print(" ".join(f"{d:.2f}" for d in sorted(D_i[-1][stored_last].tolist(), reverse=True)))

# %% [markdown]
# ## Why sparsity allows superposition
#
# When two features share a direction, reading out one of them also picks up the
# other. If both are often active, that interference costs loss every time. If each is
# active only 1 % of the time, they are almost never active *together*, so the
# interference only costs when it is not filtered out. Negative interference is
# removed by the ReLU (together with a negative bias $b_i$); this is why the
# nonlinearity matters: a purely linear model $x' = W^\top W x + b$ cannot benefit from
# superposition and keeps only $m$ features at any sparsity.
#
# **What to take away.** A network's neurons need not align with the features it
# uses, and a layer can hold many more features than it has dimensions. This is the
# obstacle that the *sparse autoencoders* notebook attacks: given only the 5-dimensional
# activations $h$, can we recover the 20 feature directions?
#
# **Exercises.** (1) Replace the ReLU in `lab/toy_models.py` by the identity and
# confirm that the count stays at 5 for every sparsity. (2) Give all features the same
# importance (`decay=1.0`): at which sparsity does the model store all 20?
# (3) Train two features into one dimension ($n = 2$, $m = 1$) and vary the second
# feature's importance: the paper's phase diagram.
