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
# # Activation patching: which heads cause the behaviour?
#
# Looking at attention patterns tells us what a head *attends to*; it does not tell
# us whether the model's output *depends* on that head. **Activation patching**
# answers the causal question with an experiment:
#
# 1. Run the model on a **clean** input, where it behaves (here: predicts the repeated
#    half of a sequence), and store every activation.
# 2. Run it on a **corrupted** input that differs in a way that breaks the behaviour.
# 3. Run the corrupted input again, but replace one component's activation with its
#    value from the clean run. If the behaviour comes back, that component carries the
#    information that matters.
#
# The idea comes from causal mediation analysis [@vig2020investigating] and was
# popularised as *causal tracing* by Meng et al. in the ROME paper [@meng2022locating];
# Wang et al. used it to find the indirect-object-identification circuit in GPT-2 small
# [@wang2022interpretability]. Zhang and Nanda, and Heimersheim and Nanda, discuss how
# to choose the corruption and the metric [@zhang2023towards; @heimersheim2024use]; we
# follow their advice to use a graded metric (log-probabilities) rather than accuracy.
#
# We patch the two-layer attention-only model from the induction-heads notebook.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

import lab
import lab.checks
from lab.induction import INDUCTION_MODEL, induction_model, induction_scores, previous_token_scores, repeated_tokens

lab.notebook_setup(seed=0)

# %% [markdown]
# ## The model and the two inputs
#
# `induction_model()` loads the trained model from the shared artifact cache (or
# trains it, in about half a minute, if no notebook has yet).
#
# * **Clean**: $H$ random tokens, then the same $H$ tokens again. The model predicts
#   the second half almost perfectly.
# * **Corrupted**: the *first* half replaced by other random tokens, the second half
#   unchanged. The tokens at the positions we score are identical in both runs; only
#   the earlier context differs, so the model has nothing to copy from and must guess.
#
# The metric is the log-probability of the correct next token (the clean sequence's
# next token), averaged over the second half's predictions.

# %%
model, _ = induction_model()
cfg = model.cfg
H = INDUCTION_MODEL["half_range"][1]
n_examples = 200
g = torch.Generator().manual_seed(123)
clean = repeated_tokens(n_examples, H, cfg.vocab_size, g)
corrupted = clean.clone()
corrupted[:, :H] = torch.randint(0, cfg.vocab_size, (n_examples, H), generator=g)
print("clean     :", clean[0].tolist())
print("corrupted :", corrupted[0].tolist())


def repeat_logprob(logits: torch.Tensor) -> float:
    """Mean log-probability of the clean next token over the repeated half's
    predictions (positions H .. 2H-2 predict tokens H+1 .. 2H-1)."""
    logprobs = logits.log_softmax(dim=-1)[:, H:-1]  # (batch, H - 1, vocab)
    targets = clean[:, H + 1 :]
    return logprobs.gather(-1, targets[..., None]).mean().item()


with torch.no_grad():
    clean_logits, clean_cache = model.run_with_cache(clean)
    corrupted_logits = model(corrupted)
clean_score, corrupted_score = repeat_logprob(clean_logits), repeat_logprob(corrupted_logits)
print(f"clean run:     mean log p(correct) = {clean_score:.3f}")
print(f"corrupted run: mean log p(correct) = {corrupted_score:.3f}   (uniform guessing: {-np.log(cfg.vocab_size):.3f})")
assert clean_score - corrupted_score > 2, "the corruption should break the behaviour"

# %% [markdown]
# The corrupted run does even worse than guessing uniformly: the model still bets
# confidently on some continuation, now the wrong one. The gap between the two runs
# is what patching can recover.

# %% [markdown]
# ## Patching one head at a time
#
# `model.run_with_patches(tokens, {name: fn})` runs the model and replaces the
# activation called `name` by `fn(activation)`. The activation
# `blocks.{l}.attn.head_out` has shape (batch, position, head, d_model): each head's
# contribution to the residual stream. Our patch overwrites one head's slice with the
# clean run's value at every position and leaves the other heads alone.
#
# We report the **recovered fraction**
# $$\frac{\text{patched} - \text{corrupted}}{\text{clean} - \text{corrupted}},$$
# 0 when patching changes nothing and 1 when it restores the clean behaviour.
#
# **Exercise 1.** Write `patch_head(layer, head, source)`, the patch dictionary for one
# head. **Exercise 2.** Write `recovered_fraction(patched, clean, corrupted)`. The checkers
# run your patch on a small random model against a reference, and recognise patching the
# whole layer, patching along the wrong axis, or computing the fraction *lost*.

# %% tags=["exercise"]
def patch_head(layer: int, head: int, source: dict) -> dict:
    """A run_with_patches dict: blocks.{layer}.attn.head_out (batch, pos, head, d_model) with head `head`'s
    slice replaced, at every position, by its value in the cache `source`; the other heads untouched."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def patch_head(layer: int, head: int, source: dict) -> dict:
    """A run_with_patches dict: blocks.{layer}.attn.head_out (batch, pos, head, d_model) with head `head`'s
    slice replaced, at every position, by its value in the cache `source`; the other heads untouched."""
    clean_out = source[f"blocks.{layer}.attn.head_out"]

    def fn(head_out: torch.Tensor) -> torch.Tensor:
        patched = head_out.clone()
        patched[:, :, head] = clean_out[:, :, head]
        return patched

    return {f"blocks.{layer}.attn.head_out": fn}


# %% tags=["exercise"]
def recovered_fraction(patched: float, clean: float, corrupted: float) -> float:
    """0 when the patched run scores like the corrupted one, 1 when it scores like the clean one."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def recovered_fraction(patched: float, clean: float, corrupted: float) -> float:
    """0 when the patched run scores like the corrupted one, 1 when it scores like the clean one."""
    return (patched - corrupted) / (clean - corrupted)


# %%
patch_head = lab.checks.patch_head(patch_head)
recovered_fraction = lab.checks.recovered_fraction(recovered_fraction)


def recovered(patches: dict) -> float:
    with torch.no_grad():
        logits = model.run_with_patches(corrupted, patches)
    return recovered_fraction(repeat_logprob(logits), clean_score, corrupted_score)


recovery = np.array([[recovered(patch_head(l, h, clean_cache)) for h in range(cfg.n_heads)] for l in range(cfg.n_layers)])
with torch.no_grad():
    induction = torch.stack([induction_scores(clean_cache[f"blocks.{l}.attn.pattern"]) for l in range(cfg.n_layers)])
    previous = torch.stack([previous_token_scores(clean_cache[f"blocks.{l}.attn.pattern"]) for l in range(cfg.n_layers)])

print(" head | recovered | induction score | previous-token score")
for l in range(cfg.n_layers):
    for h in range(cfg.n_heads):
        print(f" {l}.{h}  |   {recovery[l, h]:6.3f}  |      {induction[l, h]:.2f}       |        {previous[l, h]:.2f}")

# %%
fig, ax = plt.subplots()
labels = [f"{l}.{h}" for l in range(cfg.n_layers) for h in range(cfg.n_heads)]
colours = [f"C{l}" for l in range(cfg.n_layers) for _ in range(cfg.n_heads)]
ax.bar(labels, recovery.ravel(), color=colours)
ax.axhline(0, color="0.3", lw=0.8)
ax.axhline(1, color="0.3", lw=0.8, ls="--")
ax.set(xlabel="head (layer.head)", ylabel="recovered fraction", title="Patching one head from the clean run")
plt.show()

# %% [markdown]
# Patching a single **layer-1** head recovers more of the clean behaviour than
# patching any layer-0 head. (Patching *all* of layer 1 would restore it
# completely, but that holds by construction: in a model without LayerNorm or
# MLPs, layer 1 writes straight into the unembedding, so its clean output *is* most
# of the clean logits. Such a result says nothing about the circuit.)

# %%
best_layer1 = recovery[1].max()
print(f"best layer-1 head recovers {best_layer1:.1%}; best layer-0 head recovers {recovery[0].max():.1%}")
assert best_layer1 > recovery[0].max(), f"a layer-1 head should recover most: layer 1 best {best_layer1:.2f}, layer 0 best {recovery[0].max():.2f}"

# %% [markdown]
# **Why layer 0 recovers so little.** The layer-1 induction heads read their *values*
# (what they copy) from the residual stream at the attended position, and in the
# corrupted run those positions hold the wrong tokens. Patching a layer-0 head fixes
# only what that head wrote: at best the induction heads then find the right
# positions, but what they copy from there is still corrupted. Patching a layer-1 head's output, in contrast, hands the
# model the finished answer. Denoising a single component can only show what is
# *sufficient* downstream of the corruption; it underrates components that act
# jointly with others.
#
# ## Patching the other way: noising
#
# The mirror experiment runs the **clean** input and patches in one head's output
# from the **corrupted** run. Now a large drop means the head is *necessary*. We
# report the fraction of the clean behaviour that is lost.


# %%
with torch.no_grad():
    _, corrupted_cache = model.run_with_cache(corrupted)


def lost(patches: dict) -> float:
    with torch.no_grad():
        logits = model.run_with_patches(clean, patches)
    return (clean_score - repeat_logprob(logits)) / (clean_score - corrupted_score)


damage = np.array([[lost(patch_head(l, h, corrupted_cache)) for h in range(cfg.n_heads)] for l in range(cfg.n_layers)])
fig, ax = plt.subplots()
x = np.arange(len(labels))
ax.bar(x - 0.2, recovery.ravel(), width=0.4, label="denoising: recovered")
ax.bar(x + 0.2, damage.ravel(), width=0.4, label="noising: lost")
ax.set_xticks(x, labels)
ax.axhline(0, color="0.3", lw=0.8)
ax.set(xlabel="head (layer.head)", ylabel="fraction of the clean-corrupted gap", title="Sufficiency and necessity per head")
ax.legend(fontsize=8)
plt.show()
for l in range(cfg.n_layers):
    print(f"layer {l}: lost when noised " + "  ".join(f"{l}.{h}: {damage[l, h]:.2f}" for h in range(cfg.n_heads)))
most_necessary = np.unravel_index(damage.argmax(), damage.shape)
print(f"most necessary head: {most_necessary[0]}.{most_necessary[1]} "
      f"(previous-token score {previous[most_necessary].item():.2f}, recovered when denoised {recovery[most_necessary]:.2f})")
assert most_necessary[0] == 0 and previous[most_necessary] > 0.3, "the most necessary head should be a layer-0 previous-token head"
assert damage[1].max() < recovery[1].max(), "layer-1 heads should be more sufficient than necessary (redundancy)"

# %% [markdown]
# Noising tells a different story. A layer-0 previous-token head that recovered
# nothing when denoised is now the one whose loss hurts most: the layer-1 heads
# build their keys from what it writes, which is K-composition [@elhage2021mathematical], so with
# its corrupted output they can no longer find the earlier copy. Each layer-1 head,
# in contrast, is sufficient to restore much of the behaviour but hardly necessary:
# the model has several induction heads, and the others cover for the one we
# corrupt. Denoising and noising answer different questions (roughly sufficiency and
# necessity), which is why Heimersheim and Nanda ask that every patching
# result say which one was used [@heimersheim2024use].
#
# ## Path patching: keys, queries or values?
#
# Noising a previous-token head changes everything downstream of it. **Path
# patching** [@wang2022interpretability; @goldowskydill2023localizing] narrows the question to
# one path: the layer-1 heads read the residual stream three times, to form their
# queries, keys and values, and `lab.gpt` names the three reads apart
# (`blocks.1.attn.q_input`, `k_input`, `v_input`). We run the clean input and change
# one read only: to it we add what the previous-token heads (layer-0 heads with a
# previous-token score above 0.3) write in the corrupted run instead of the clean
# one. Everything else the model computes stays clean.
#
# K-composition predicts that the previous-token heads matter through the **keys**:
# an induction head finds the earlier copy by a key that says "the token before me
# was the current token". The claim: the key path alone loses at least `MAJOR` = 0.5
# of the clean-corrupted gap, while the query path and the value path each lose
# less than `MINOR` = 0.1. The paths are each other's control, and noising the
# heads' whole output (every path at once) is the total.

# %%
MAJOR, MINOR = 0.5, 0.1
previous_heads = [h for h in range(cfg.n_heads) if previous[0, h] > 0.3]
head_out = {run: c["blocks.0.attn.head_out"][:, :, previous_heads] for run, c in (("clean", clean_cache), ("corrupted", corrupted_cache))}
delta = (head_out["corrupted"] - head_out["clean"]).sum(2)  # (batch, pos, d_model): what the corruption changes


def noise_previous_heads(a: torch.Tensor) -> torch.Tensor:
    a = a.clone()
    a[:, :, previous_heads] = head_out["corrupted"]
    return a


path_lost = {read: lost({f"blocks.1.attn.{read}_input": lambda x: x + delta}) for read in ("q", "k", "v")}
every_path = lost({"blocks.0.attn.head_out": noise_previous_heads})
print(f"previous-token heads: {['0.%d' % h for h in previous_heads]}")
print("lost when only one read sees the corrupted heads: "
      + ", ".join(f"{name} {path_lost[read]:.3f}" for read, name in (("q", "queries"), ("k", "keys"), ("v", "values"))))
print(f"lost when every path does (the heads' whole output noised): {every_path:.3f}")
assert path_lost["k"] > MAJOR, f"the key path should carry most of the effect: lost {path_lost['k']:.2f}"
assert path_lost["q"] < MINOR and path_lost["v"] < MINOR, f"queries and values should carry little: {path_lost}"

# %% [markdown]
# ## Where along the sequence?
#
# The same key-path patch, one position at a time. An induction head at position
# $H + j$ looks for the key at position $j + 1$ of the first copy, so the effect
# should come from the first copy's positions $1, \dots, H - 1$, each carrying a
# share. At the repeated positions the clean and corrupted inputs agree, and so do
# the previous-token heads' outputs, nearly; there patching should do nothing. The
# claim: each first-copy position loses more than 0.03 of the gap, together they
# make up at least 90 % of the key path's whole effect, and no repeated position
# loses more than 0.01.


# %%
def key_path_at(position: int) -> float:
    def fn(x: torch.Tensor) -> torch.Tensor:
        x = x.clone()
        x[:, position] += delta[:, position]
        return x

    return lost({"blocks.1.attn.k_input": fn})


by_position = np.array([key_path_at(p) for p in range(2 * H)])
fig, ax = plt.subplots()
ax.bar(range(2 * H), by_position, color=["C0" if p < H else "C1" for p in range(2 * H)])
ax.axvline(H - 0.5, ls="--", color="0.5")
ax.set(xlabel="position whose key read is patched", ylabel="fraction of the gap lost",
       title="Key-path patching, one position at a time")
plt.show()
first_copy, repeated = by_position[1:H], by_position[H:]
print("lost per position, first copy:", " ".join(f"{v:.3f}" for v in first_copy))
print(f"sum over the first copy {first_copy.sum():.3f} (all positions at once: {path_lost['k']:.3f}); "
      f"largest at a repeated position {np.abs(repeated).max():.3f}")
assert (first_copy > 0.03).all() and first_copy.sum() > 0.9 * path_lost["k"], f"the first copy's keys should carry it: {first_copy}"
assert np.abs(repeated).max() < 0.01, f"the repeated positions' keys should not matter: {repeated}"

# **Exercises.** (1) Patch only the first-half positions of a layer-0 head, then
# only the second-half positions: where does its contribution matter? (2) Use the
# other corruption (keep the first half, replace the second half by new tokens) and
# a metric that still makes sense for it. (3) Patch `blocks.1.attn.pattern` instead of
# `head_out`: which part of an induction head (where it looks or what it moves)
# carries the effect? (4) Path-patch each previous-token head on its own into the
# keys of each layer-1 head (`model.run_with_patches_and_cache` lets you patch one
# path and read the result off another): which pairs form the circuit?
