# ---
# jupyter:
#   description: "Attention alone cannot tell where a token is: sinusoidal, learned and rotary encodings, and whether a model trained on 16 tokens still works on 64."
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
# # Positional encodings: sinusoidal, learned and rotary
#
# Attention compares contents: the score of query $i$ for key $j$ is $q_i \cdot k_j$, and nothing
# in it says how far apart $i$ and $j$ are. A transformer must be told where each token is. This
# notebook builds the three encodings the course meets, and tests one question about them: a
# model trained on sequences of 16 tokens, does it still work on sequences of 64?
#
# * **Sinusoidal** [@vaswani2017attention, section 3.5]: a fixed bank of sine waves added to the
#   token embedding.
# * **Learned**, as in GPT-2 [@radford2019language]: one trained vector per position, added likewise.
# * **Rotary**, RoPE [@su2021roformer]: nothing is added; instead each query and key is *rotated*
#   by an angle proportional to its position, so that $q_i \cdot k_j$ depends on $i - j$ only.

# %%
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import lab
import lab.checks
from lab import plots
from lab.gpt import GPT, GPTConfig
from lab.positions import IGNORE, delayed_copy_batch, forward

lab.notebook_setup(seed=0)

# %% [markdown]
# ## Sinusoidal encodings
#
# Position $p$ gets the vector
#
# $$PE_{p, 2i} = \sin\!\left(p / 10000^{2i/d}\right), \qquad PE_{p, 2i+1} = \cos\!\left(p / 10000^{2i/d}\right),$$
#
# one sine/cosine pair per frequency, the frequencies falling geometrically from 1 to about
# $1/10000$ radians per position.
#
# **Exercise 1.** Write `sinusoidal_encoding(n_positions, d)`. `lab.checks.sinusoidal_encoding`
# compares it with the course's `lab.gpt.sinusoidal_positions` on several sizes and recognises
# sine and cosine swapped, or the exponent $i/d$ in place of $2i/d$.

# %% tags=["exercise"]
def sinusoidal_encoding(n_positions: int, d: int) -> torch.Tensor:
    """(n_positions, d): column 2i is sin(p / 10000^(2i/d)), column 2i+1 is cos of the same angle."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def sinusoidal_encoding(n_positions: int, d: int) -> torch.Tensor:
    """(n_positions, d): column 2i is sin(p / 10000^(2i/d)), column 2i+1 is cos of the same angle."""
    p = torch.arange(n_positions, dtype=torch.float32)[:, None]  # (pos, 1)
    angle = p / 10000 ** (torch.arange(0, d, 2, dtype=torch.float32) / d)  # (pos, d/2)
    pe = torch.empty(n_positions, d)
    pe[:, 0::2], pe[:, 1::2] = angle.sin(), angle.cos()
    return pe


# %%
sinusoidal_encoding = lab.checks.sinusoidal_encoding(sinusoidal_encoding)
pe = sinusoidal_encoding(64, 32)
ax = plots.heatmap(pe.T, title="sinusoidal encoding", centered=True, figsize=(6, 2.6))
ax.set_xlabel("position")
ax.set_ylabel("dimension")
plt.show()

# %% [markdown]
# Since $\sin a \sin b + \cos a \cos b = \cos(a - b)$, the dot product $PE_p \cdot PE_{p+k}$ depends
# on the offset $k$ only. But the model never sees that dot product: it adds $PE_p$ to a token
# embedding and multiplies the sum by $W_Q$ and $W_K$, and the cross terms (token with position)
# depend on the absolute position again.
#
# ## Rotary encodings
#
# RoPE applies the rotation where it matters, to the query and key themselves. Split a
# $d$-dimensional vector into $d/2$ pairs $(x_{2i}, x_{2i+1})$ and rotate pair $i$ of the vector at
# position $p$ by the angle $p\,\theta_i$, with $\theta_i = 10000^{-2i/d}$ [@su2021roformer, eq. 34]:
#
# $$\begin{pmatrix} x'_{2i} \\ x'_{2i+1} \end{pmatrix} = \begin{pmatrix} \cos p\theta_i & -\sin p\theta_i \\ \sin p\theta_i & \cos p\theta_i \end{pmatrix} \begin{pmatrix} x_{2i} \\ x_{2i+1} \end{pmatrix}.$$
#
# A rotation by $m\theta$ followed by the transpose of a rotation by $n\theta$ is a rotation by
# $(m - n)\theta$, so $R_m q \cdot R_n k = q^\top R_{n-m} k$: a function of the offset alone.
#
# **Exercise 2.** Write `rope(x, positions)` for $x$ of shape (..., pos, d). The checker compares it
# with `lab.positions.rope` (checked in the course's tests against the complex-number form of Su et
# al.: pair $i$ as the complex number $x_{2i} + i\,x_{2i+1}$, multiplied by $e^{i p \theta_i}$), and
# recognises rotating the wrong pairs ($i$ with $i + d/2$), rotating the wrong way, or
# $\theta_i = 10000^{-i/d}$.

# %% tags=["exercise"]
def rope(x: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """Rotate each pair (x[..., 2i], x[..., 2i+1]) of x (..., pos, d) by positions[p] * 10000^(-2i/d),
    computing the angles in x's dtype."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def rope(x: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """Rotate each pair (x[..., 2i], x[..., 2i+1]) of x (..., pos, d) by positions[p] * 10000^(-2i/d),
    computing the angles in x's dtype."""
    d = x.shape[-1]
    angle = positions.to(x.dtype)[:, None] * 10000 ** (-torch.arange(0, d, 2, dtype=x.dtype) / d)  # (pos, d/2)
    even, odd = x[..., 0::2], x[..., 1::2]
    rotated = torch.stack([even * angle.cos() - odd * angle.sin(), even * angle.sin() + odd * angle.cos()], dim=-1)
    return rotated.flatten(-2)  # interleave back: (..., pos, d/2, 2) -> (..., pos, d)


# %% [markdown]
# The claim to check: for random $q, k$ and any shift $s$, the score of positions $(m + s, n + s)$
# equals that of $(m, n)$. We compare all pairs of 32 positions, shifted by up to 1000, in float64
# (in float32 an angle of 1000 radians is itself only good to about $10^{-4}$).

# %%
rope = lab.checks.rope(rope)
d_head, n = 32, 32
q, k = torch.randn(n, d_head, dtype=torch.float64), torch.randn(n, d_head, dtype=torch.float64)
positions = torch.arange(n)
base_scores = rope(q, positions) @ rope(k, positions).T  # (m, n): q at m, k at n
shift_error = max((rope(q, positions + s) @ rope(k, positions + s).T - base_scores).abs().max().item()
                  for s in (1, 7, 100, 1000))
print(f"largest change of any q.k under a shift of up to 1000 positions: {shift_error:.1e}")
assert shift_error < 1e-5, "RoPE scores should depend only on the offset"

print(f"RoPE keeps each vector's norm: largest change {(rope(q, positions).norm(dim=-1) - q.norm(dim=-1)).abs().max():.1e}")

# %% [markdown]
# For contrast, sinusoidal positions added to the same vectors and the scores
# of the sums, shifted by one position, change by an amount of the order of the scores themselves:

# %%
pe_long = sinusoidal_encoding(n + 1, d_head).double()
added = lambda p: (q + pe_long[p]) @ (k + pe_long[p]).T  # noqa: E731
print(f"additive sinusoidal: largest change of q.k under a shift of one: {(added(positions + 1) - added(positions)).abs().max():.2f}")

# %% [markdown]
# ## Trained at 16 tokens, tested at 64
#
# A task that needs position and nothing else: **output the token from three positions back**
# (random tokens from a vocabulary of 10; the first three positions have no target). One attention
# head, no MLP, no LayerNorm (`lab.gpt.GPT` with `attn_only=True`), trained on sequences of 16
# tokens with learned, sinusoidal or rotary positions. The rotary model is the same `GPT` with
# `positional="none"` whose queries and keys are rotated through its hooks
# (`lab.positions.forward`). Every model has room for 64 positions; the learned one never sees a
# gradient for positions 16 to 63, which keep their random initial vectors.
#
# We then score each model on sequences of 64 tokens, at the positions it never saw (16 to 63),
# by accuracy: chance is 1/10, which is also what a model that learned nothing scores.

# %%
VOCAB, TRAIN_LENGTH, TEST_LENGTH, DELAY, STEPS = 10, 16, 64, 3, 400
ENCODINGS = {"learned": ("learned", False), "sinusoidal": ("sinusoidal", False), "rotary": ("none", True)}


def delayed_copy_loss(model, tokens, targets, rotary):
    logits = forward(model, tokens, rotary)
    return F.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1), ignore_index=IGNORE)


def train_delayed_copy(positional: str, rotary: bool, seed: int = 0) -> GPT:
    """One head trained for STEPS steps on batches of 64 sequences of TRAIN_LENGTH tokens."""
    torch.manual_seed(seed)
    model = GPT(GPTConfig(vocab_size=VOCAB, context_length=TEST_LENGTH, d_model=32, n_layers=1, n_heads=1,
                          attn_only=True, layer_norm=False, positional=positional))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    batches = torch.Generator().manual_seed(seed)
    for _ in range(STEPS):
        optimizer.zero_grad()
        delayed_copy_loss(model, *delayed_copy_batch(64, TRAIN_LENGTH, VOCAB, DELAY, batches), rotary).backward()
        optimizer.step()
    return model.eval()


test_tokens, test_targets = delayed_copy_batch(256, TEST_LENGTH, VOCAB, DELAY, torch.Generator().manual_seed(123))
models, short_accuracy, long_accuracy = {}, {}, {}
for name, (positional, rotary) in ENCODINGS.items():
    models[name] = train_delayed_copy(positional, rotary)
    with torch.no_grad():
        correct = forward(models[name], test_tokens, rotary).argmax(-1) == test_targets  # (batch, pos)
    short_accuracy[name] = correct[:, DELAY:TRAIN_LENGTH].float().mean().item()
    long_accuracy[name] = correct[:, TRAIN_LENGTH:].float().mean().item()
    print(f"{name:>10}: accuracy at positions {DELAY}-{TRAIN_LENGTH - 1} (trained) {short_accuracy[name]:.3f}, "
          f"at positions {TRAIN_LENGTH}-{TEST_LENGTH - 1} (never seen) {long_accuracy[name]:.3f}")
print(f"chance: {1 / VOCAB:.3f}")

# %% [markdown]
# The claim: beyond the training length, RoPE beats learned positions by at least `MARGIN` = 0.5
# in accuracy, and chance by as much; inside it, every encoding solves the task. With nothing
# learned, every model is at chance (about 0.1), so the claim needs the training.

# %%
MARGIN = 0.5
assert long_accuracy["rotary"] > long_accuracy["learned"] + MARGIN, f"RoPE should generalise beyond 16 tokens: {long_accuracy}"
assert min(short_accuracy.values()) > 0.95, f"every encoding should solve the task at the trained length: {short_accuracy}"
assert long_accuracy["rotary"] > 1 / VOCAB + MARGIN, f"RoPE should beat chance by {MARGIN} on unseen positions: {long_accuracy}"

# %% [markdown]
# Accuracy position by position shows where each model breaks:

# %%
fig, ax = plt.subplots(figsize=(6, 2.8))
for name, (positional, rotary) in ENCODINGS.items():
    with torch.no_grad():
        correct = forward(models[name], test_tokens, rotary).argmax(-1) == test_targets
    ax.plot(range(DELAY, TEST_LENGTH), correct[:, DELAY:].float().mean(0), label=name)
ax.axvline(TRAIN_LENGTH - 0.5, color="grey", linestyle=":", label="training length")
ax.axhline(1 / VOCAB, color="black", linewidth=0.8, label="chance")
ax.set_xlabel("position")
ax.set_ylabel("accuracy")
ax.legend(fontsize=7)
plt.show()

# %% [markdown]
# The learned model is at chance from position 16 on: there, its positions are the
# random vectors it was initialised with, and its head has no idea where "three back" is. The
# sinusoidal model was trained on the first 16 rows of a fixed table; it has never seen rows 16
# to 63, and what its head learned about rows 0 to 15 carries over to them only in part. RoPE
# only ever sees offsets: "three back" late in the sequence is the same rotation as at position 5,
# and its accuracy stays near 1 long after the training length, though not to the end. What is
# new to it there are the keys at offsets beyond 15, which training never had to push down; a
# likely reason for the late drop is that some of them take weight from the right one.
#
# This is why rotary encodings (or relative schemes like them) are the default in most recent
# language models, and why extending a model's context is still a research topic: RoPE removes the
# unseen-position problem, not the unseen-offset one.
#
# ## Takeaways
#
# * Attention needs positions from outside. Sinusoidal and learned encodings add a vector per
#   position to the embedding; RoPE rotates the queries and keys instead.
# * With RoPE, $q_m \cdot k_n$ depends on $m - n$ only (we checked it to $10^{-5}$, in float64).
# * Trained at 16 tokens, a learned-position model is at chance beyond position 15; the RoPE
#   model keeps most of its accuracy, as printed above.
