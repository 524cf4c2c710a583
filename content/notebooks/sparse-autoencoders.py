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
# # Sparse autoencoders: taking features out of superposition
#
# The superposition notebook showed a model storing 20 features in 5 dimensions. If
# we only see the 5-dimensional activations, can we find the 20 directions again?
# A **sparse autoencoder** (SAE) tries: it rewrites each activation vector as a
# *sparse*, non-negative combination of many learned directions (a dictionary),
#
# $$f = \mathrm{ReLU}\big(W_{\text{enc}} (h - b_{\text{dec}}) + b_{\text{enc}}\big), \qquad
# \hat h = W_{\text{dec}} f + b_{\text{dec}},$$
#
# trained to reconstruct $h$ while paying an L1 price for every active dictionary
# element, $L = \lVert h - \hat h \rVert^2 + \lambda \lVert f \rVert_1$. The columns of
# $W_{\text{dec}}$ are held at unit length, so the L1 penalty cannot be dodged by
# shrinking $f$ and growing the decoder. Sharkey, Braun and Millidge showed on
# toy data like ours that this recovers the true features [@sharkey2022taking];
# Bricken et al. and Cunningham et al. scaled it to language models
# [@bricken2023monosemanticity; @cunningham2023sparse].
#
# A toy model is the right place to start because we **know the answer**: the true
# feature directions are the columns of the toy model's $W$. In a real model we never
# do, which is what makes evaluating SAEs hard.
#
# The second half of the notebook takes up a question from a research progress
# report in the course materials, whose author planned to pass a component's output
# through an information bottleneck, an InfoVAE [@zhao2019infovae] in the spirit of
# Tishby and Zaslavsky's work [@tishby2015deep], and watch what the model loses: how far can one
# component of a transformer be compressed before the model notices?

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown

import lab
import lab.checks
from lab.sae import (
    BottleneckAutoencoder,
    SAEConfig,
    SparseAutoencoder,
    fraction_of_variance_unexplained,
    pca_reconstruction_error,
    train_bottleneck,
    train_sae,
)
from lab.toy_models import ToyModel, ToyModelConfig, importance_weights, sample_features, train_toy_model

lab.notebook_setup(seed=0)

# %% [markdown]
# ## 1. A model in superposition
#
# One toy model, $n = 20$ features into $m = 5$ dimensions, all features equally
# important, each active 1 % of the time ($S = 0.99$). At this sparsity the model
# stores every feature (see the superposition notebook for why).

# %%
toy_config = ToyModelConfig(n_features=20, n_hidden=5, n_instances=1)
feature_probability = torch.tensor([0.01])
toy = ToyModel(toy_config)
toy_losses = train_toy_model(
    toy, feature_probability, importance_weights(20, decay=1.0), steps=2_000, batch_size=1024, lr=3e-3, seed=0
)
norms = toy.feature_norms()[0]
stored = norms > 0.5
true_directions = toy.W.detach()[0][:, stored]  # (5, n_stored): the answer the SAE should find
print(f"toy model loss {toy_losses[-1]:.4f}; features stored (||W_i|| > 0.5): {int(stored.sum())} of 20")
assert stored.all(), "at this sparsity the trained toy model should store every feature"

# %% [markdown]
# The data the SAE sees is only the hidden activations $h = W x$, 5 numbers per
# example. Most examples have no active feature at all ($0.99^{20} \approx 82\%$ of
# them), the rest usually one or two.

# %%
x = sample_features(20_000, feature_probability, toy_config.n_features, torch.Generator().manual_seed(1))
with torch.no_grad():
    h = toy.hidden(x)[:, 0, :]  # (20000, 5)
print("activations:", tuple(h.shape), f"| examples with at least one active feature: {(x.sum(-1) > 0).float().mean():.0%}")

# %% [markdown]
# ## 2. Train a sparse autoencoder
#
# The dictionary has 40 elements, twice the number of true features: in a real model
# we would not know how many features there are. We measure two things:
#
# * **Feature recovery**: for each true feature direction, the best cosine similarity
#   with any decoder column; we report the mean over the stored features (1 = every
#   feature found exactly).
# * **Reconstruction**: the fraction of variance unexplained,
#   $\mathrm{FVU} = \lVert h - \hat h \rVert^2 / \lVert h - \bar h \rVert^2$ over the data set
#   (0 = perfect).
#
# * **L0**: the number of active latents per example that has at least one active
#   feature; the data's own count of active features is the target.
#
# The L1 coefficient $\lambda$ trades one against the other, so we train three SAEs.
#
# What does "recovered" mean? In only 5 dimensions, 40 *random* unit vectors already
# come close to any direction, so a mean max cosine near 0.8 proves nothing. The
# control is a random dictionary of the same size (which is also how the SAE starts),
# measured the same way on 100 draws.
#
# **Exercise 1.** Write `max_cosine_similarity(true_directions, learned_directions)`,
# the recovery measure; the checker compares it with `lab.sae`'s.

# %% tags=["exercise"]
def max_cosine_similarity(true_directions: torch.Tensor, learned_directions: torch.Tensor) -> torch.Tensor:
    """Columns of (d, n_true) and (d, n_learned). For each true direction, the best cosine similarity
    with any learned direction: (n_true,)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def max_cosine_similarity(true_directions: torch.Tensor, learned_directions: torch.Tensor) -> torch.Tensor:
    """Columns of (d, n_true) and (d, n_learned). For each true direction, the best cosine similarity
    with any learned direction: (n_true,)."""
    true_unit = true_directions / true_directions.norm(dim=0, keepdim=True)
    learned_unit = learned_directions / learned_directions.norm(dim=0, keepdim=True)
    return (true_unit.T @ learned_unit).max(dim=1).values  # (n_true, n_learned) -> best per true direction


# %%
max_cosine_similarity = lab.checks.max_cosine_similarity(max_cosine_similarity)

# %%
active = x[:, 0].sum(-1) > 0  # examples with at least one active feature
true_l0 = (x[:, 0][active] > 0).float().sum(-1).mean().item()
g = torch.Generator().manual_seed(0)
random_dictionaries = [torch.randn(5, 40, generator=g) for _ in range(100)]
random_cos = torch.stack([max_cosine_similarity(true_directions, d) for d in random_dictionaries])  # (100, n_stored)
random_mmcs, random_sd = random_cos.mean(1).mean().item(), random_cos.mean(1).std().item()
random_recovered = (random_cos > 0.99).float().mean().item()
torch.manual_seed(0)  # the headline SAE's own initial dictionary (the loop below seeds the same way)
initial_mmcs = max_cosine_similarity(true_directions, SparseAutoencoder(SAEConfig(d_in=5, d_sae=40)).W_dec.detach()).mean().item()
print(f"true active features per nonzero example: {true_l0:.2f}")
print(f"random 40-element dictionary: mean max cosine {random_mmcs:.3f} +- {random_sd:.3f}; "
      f"share of features matched at cosine > 0.99: {random_recovered:.1%}; the SAE before training: {initial_mmcs:.3f}")

# %% [markdown]
# **Exercise 2.** Write the loss the SAEs are trained on, `sae_loss(x, x_hat, f, l1_coefficient)`:
# the squared reconstruction error summed over the input's features, plus $\lambda$ times
# the L1 norm of the code $f$, both averaged over the batch. `lab.sae` trains with its own
# copy; below, each trained SAE's loss on the whole data set is computed with yours.

# %% tags=["exercise"]
def sae_loss(x: torch.Tensor, x_hat: torch.Tensor, f: torch.Tensor, l1_coefficient: float) -> torch.Tensor:
    """x, x_hat: (batch, d_in); f: (batch, d_sae), the code. Returns a scalar."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def sae_loss(x: torch.Tensor, x_hat: torch.Tensor, f: torch.Tensor, l1_coefficient: float) -> torch.Tensor:
    """x, x_hat: (batch, d_in); f: (batch, d_sae), the code. Returns a scalar."""
    reconstruction = ((x_hat - x) ** 2).sum(dim=-1).mean()
    sparsity = f.abs().sum(dim=-1).mean()
    return reconstruction + l1_coefficient * sparsity


# %%
sae_loss = lab.checks.sae_loss(sae_loss)

# %%
results = {}
for l1_coefficient in [0.2, 0.4, 0.8]:
    torch.manual_seed(0)
    sae = SparseAutoencoder(SAEConfig(d_in=5, d_sae=40, l1_coefficient=l1_coefficient))
    history = train_sae(sae, h, steps=2_000, batch_size=1024, lr=3e-3, seed=0)
    with torch.no_grad():
        h_hat, f = sae(h)
    results[l1_coefficient] = {
        "sae": sae,
        "mmcs": max_cosine_similarity(true_directions, sae.W_dec.detach()),
        "fvu": fraction_of_variance_unexplained(h, h_hat),
        "l0": (f[active] > 0).float().sum(-1).mean().item(),
        "loss": sae_loss(h, h_hat, f, l1_coefficient).item(),
    }
print(" lambda | mean max cos | min max cos |   FVU  | active latents per nonzero example | loss")
for lam, r in results.items():
    print(f" {lam:6} |    {r['mmcs'].mean():.3f}     |    {r['mmcs'].min():.3f}    | {r['fvu']:.3f}  | {r['l0']:.2f}"
          f"                               | {r['loss']:.4f}")

# %% [markdown]
# A larger $\lambda$ buys sparser codes and cleaner features at the cost of
# reconstruction: the L1 penalty shrinks every activation towards zero, so even a
# perfect dictionary reconstructs a little short (*shrinkage*). Later SAE designs
# avoid paying for sparsity with magnitude, for example by keeping only the $k$
# largest latents, as TopK SAEs do [@gao2024scaling], or by separating which latents
# fire from how strongly, as gated SAEs do [@rajamanoharan2024improving].
#
# **The claims**, for our headline SAE, $\lambda = 0.4$: its mean max cosine beats
# the random dictionary's by more than `MARGIN` = 0.1 (many times the spread of the
# random draws, printed above), it matches at least 90 % of the features at
# cosine > 0.99 (the random dictionary: almost none), its L0 is within 1 of the true
# number of active features, and its FVU is at most 0.2 (the shrinkage above costs
# it some reconstruction).

# %%
MARGIN = 0.1
headline = results[0.4]
mmcs, fvu, l0 = headline["mmcs"].mean().item(), headline["fvu"], headline["l0"]
recovered_share = (headline["mmcs"] > 0.99).float().mean().item()
print(f"lambda = 0.4: mean max cosine {mmcs:.3f} (random dictionary {random_mmcs:.3f}), "
      f"features matched at > 0.99: {recovered_share:.0%} (random {random_recovered:.1%}), "
      f"L0 {l0:.2f} (true {true_l0:.2f}), FVU {fvu:.3f}")
assert mmcs > random_mmcs + MARGIN, f"the SAE should beat a random dictionary by {MARGIN}: {mmcs:.3f} vs {random_mmcs:.3f}"
assert mmcs > initial_mmcs + MARGIN, f"training should move the dictionary onto the features: {mmcs:.3f} vs {initial_mmcs:.3f} at the start"
assert recovered_share >= 0.9 > 10 * random_recovered, f"the SAE should match most features closely: {recovered_share:.0%}"
assert abs(l0 - true_l0) < 1, f"the SAE's code should be about as sparse as the data: L0 {l0:.2f}, true {true_l0:.2f}"
assert fvu <= 0.2, f"the SAE should reconstruct most of the activations' variance (FVU {fvu:.3f} > 0.2)"
for lam, r in results.items():
    assert torch.allclose(r["sae"].W_dec.norm(dim=0), torch.ones(40), atol=1e-4), "decoder columns must stay unit-norm"

# %%
Markdown(f"The headline SAE's mean max cosine is {mmcs:.3f} against {random_mmcs:.3f} for a random dictionary, and it "
         f"uses {l0:.2f} latents per nonzero example where the data has {true_l0:.2f} active features. With "
         f"$\\lambda$ = 0.2 it would use {results[0.2]['l0']:.2f}, with $\\lambda$ = 0.8 {results[0.8]['l0']:.2f}.")

# %% [markdown]
# Which dictionary element found which feature? Each row below is a true feature,
# each column a dictionary element (columns sorted by the feature they match best);
# a clean recovery is one bright entry per row. Spare dictionary elements are either
# dead (never active) or duplicates of a feature.

# %%
sae = headline["sae"]
W_dec = sae.W_dec.detach()
cosines = (true_directions / true_directions.norm(dim=0)).T @ W_dec  # (n_stored, 40)
order = torch.argsort(cosines.argmax(dim=0) * 10 - cosines.max(dim=0).values)
fig, ax = plt.subplots(figsize=(6, 3))
image = ax.imshow(cosines[:, order], cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
ax.set(xlabel="SAE dictionary element (sorted)", ylabel="true feature", title="Cosine similarity: true features vs SAE decoder")
ax.set_yticks(range(0, cosines.shape[0], 5))
fig.colorbar(image, ax=ax)
plt.show()

# %% [markdown]
# ## 3. Compressing a transformer component through a bottleneck
#
# A sparse autoencoder makes the code *wider* and sparse. The opposite move is a
# bottleneck: force a component's output through $k$ numbers and ask what is lost.
# We take the two-layer attention-only model of the induction-heads notebook (loaded
# from the shared artifact cache; trained here if that notebook has not run yet) and
# compress the output of its **first attention layer**, the layer whose
# previous-token information the induction heads read.
#
# For each width $k$ we train a linear autoencoder
# $d_{\text{model}} \to k \to d_{\text{model}}$ on that layer's outputs and report two
# losses: the reconstruction error, and what the model loses when we splice the
# reconstruction back in (the repeated-half loss of the induction task). A linear
# bottleneck can do no better than keeping the top $k$ principal
# components [@baldi1989neural]: the autoencoder *is* PCA, trained by gradient descent, and we
# check that training finds that optimum. Its reconstruction error must then fall
# with width, so that is no finding. What is not given is the downstream loss: does
# the model need only the directions of largest variance? The control is a *random*
# subspace of the same width.

# %%
from lab.induction import INDUCTION_MODEL, half_losses, induction_model, repeated_tokens

induction, _ = induction_model()
H = INDUCTION_MODEL["half_range"][1]  # the probe: H random tokens, then the same H again
tokens = repeated_tokens(256, H, induction.cfg.vocab_size, torch.Generator().manual_seed(2))
with torch.no_grad():
    _, cache = induction.run_with_cache(tokens)
component = cache["blocks.0.attn.out"].reshape(-1, induction.cfg.d_model)  # (batch * pos, d_model)
clean_first, clean_repeat = half_losses(induction, tokens)
print(f"component: blocks.0.attn.out, {component.shape[0]} vectors of width {component.shape[1]}")
print(f"unpatched model: repeated-half loss {clean_repeat:.3f} nats (first half {clean_first:.2f})")


# %%
def loss_with(patch) -> float:
    """Repeated-half loss when blocks.0.attn.out is replaced by patch(activation)."""
    with torch.no_grad():
        logits = induction.run_with_patches(tokens[:, :-1], {"blocks.0.attn.out": patch})
        loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), tokens[:, 1:], reduction="none")
    return loss[:, H:].mean().item()


mean_component = component.mean(0)
ablated_repeat = loss_with(lambda a: mean_component.expand_as(a))
widths = [1, 2, 4, 8, 16, 32]
variance = ((component - mean_component) ** 2).sum(-1).mean().item()
rows = []
for k in widths:
    torch.manual_seed(0)
    autoencoder = BottleneckAutoencoder(induction.cfg.d_model, k)
    train_bottleneck(autoencoder, component, steps=600, batch_size=512, lr=1e-2, seed=0)
    with torch.no_grad():
        mse = ((autoencoder(component) - component) ** 2).sum(-1).mean().item()
    rows.append((k, mse / variance, pca_reconstruction_error(component, k) / variance, loss_with(autoencoder)))
print(" width | reconstruction FVU | PCA optimum | repeated-half loss (nats)")
for k, fvu_k, pca_k, loss_k in rows:
    print(f" {k:5d} |       {fvu_k:.3f}        |    {pca_k:.3f}    |  {loss_k:.3f}")
print(f" unpatched: {clean_repeat:.3f}   mean-ablated (width 0): {ablated_repeat:.3f}")

# %%
fvus = [r[1] for r in rows]
downstream = [r[3] for r in rows]
fig, ax1 = plt.subplots()
ax1.plot(widths, fvus, "o-", label="reconstruction (FVU)")
ax1.plot(widths, [r[2] for r in rows], "k:", label="PCA optimum")
ax1.set(xscale="log", xlabel="bottleneck width k", ylabel="fraction of variance unexplained")
ax1.set_xticks(widths, [str(k) for k in widths])
ax2 = ax1.twinx()
ax2.plot(widths, downstream, "s-", color="C3", label="model's repeated-half loss")
ax2.axhline(clean_repeat, ls="--", color="C3", lw=1)
ax2.set_ylabel("repeated-half loss (nats)", color="C3")
ax1.legend(loc="upper right", fontsize=8)
ax1.set_title("Compressing layer 0's attention output")
plt.show()

# %% [markdown]
# **The claims.** Training finds the PCA optimum (FVU within 0.01 of it at every
# width). The narrowest width whose splice costs the model less than 0.1 nats is at
# most a quarter of $d_{\text{model}}$, and at that width a random subspace (through
# the mean, 20 draws) costs the model at least `GAP` = 1 nat more than the
# principal one.

# %%
GAP = 1.0
assert all(abs(fvu_k - pca_k) < 0.01 for _, fvu_k, pca_k, _ in rows), f"training should reach the PCA optimum: {rows}"
good_enough = [k for k, *_, loss_k in rows if loss_k < clean_repeat + 0.1]
assert good_enough and good_enough[0] <= induction.cfg.d_model // 4, f"expected a narrow bottleneck to suffice: {rows}"
k_star = good_enough[0]
g = torch.Generator().manual_seed(3)


def random_subspace_loss(k: int) -> float:
    basis, _ = torch.linalg.qr(torch.randn(induction.cfg.d_model, k, generator=g))  # (d_model, k), orthonormal
    return loss_with(lambda a: mean_component + (a - mean_component) @ basis @ basis.T)


random_losses = [random_subspace_loss(k_star) for _ in range(20)]
pca_loss = next(loss_k for k, *_, loss_k in rows if k == k_star)
print(f"narrowest width within 0.1 nats of the unpatched model: {k_star} of {induction.cfg.d_model} dimensions")
print(f"at width {k_star}: principal subspace {pca_loss:.3f} nats; random subspaces {np.mean(random_losses):.3f} "
      f"(best of 20: {min(random_losses):.3f})")
assert min(random_losses) > pca_loss + GAP, f"a random {k_star}-dimensional subspace should cost the model more"

# %% [markdown]
# **Reading the result.** The reconstruction error falls steadily with width, as it
# must, and gradient descent finds the PCA optimum. The answer to the project's
# question is yes for this component: its output lives mostly in a handful of
# directions, and keeping those (not just any directions of that number) is all the
# model needs to keep its behaviour. That
# need not happen in general. A component can write directions that no later layer
# reads (then reconstruction error overstates what compression costs), and a
# low-variance direction can matter a great deal downstream (then it understates
# it). A bottleneck trained only to reconstruct cannot tell these apart; training it
# on the model's own loss instead, or with an information-bottleneck objective such
# as an InfoVAE, is the natural next experiment.
#
# **Exercises.** (1) Give the SAE 20 dictionary elements instead of 40, and 80:
# what happens to the dead and duplicated elements? (2) Lower the toy model's
# sparsity to $S = 0.9$, where several features are active at once: how does feature
# recovery degrade? (3) Compress the *second* layer's attention output instead: is it
# more or less compressible, and why might that be? (4) Project each layer-0 head's
# output onto the top 8 principal components of the layer's output: which heads
# live in that subspace, and what are their previous-token scores?
