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
# # One attention head, by hand
#
# Attention is the only place in a transformer where information moves *between*
# positions [@vaswani2017attention]. Everything else (embeddings, MLPs, LayerNorm) acts on
# each position separately. In this notebook we build a single causal attention head with
# nothing but matrix products, check it against the course's model code `lab.gpt`, and then
# ask how a head can know *where* a token is: positional encodings.
#
# We follow the notation of *A Mathematical Framework for Transformer
# Circuits* [@elhage2021mathematical]: a head has a query, key, value and output
# matrix $W_Q, W_K, W_V \in \mathbb{R}^{d_\text{model} \times d_\text{head}}$ and
# $W_O \in \mathbb{R}^{d_\text{head} \times d_\text{model}}$, and reads from and writes to
# the residual stream $x \in \mathbb{R}^{\text{pos} \times d_\text{model}}$.

# %%
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import lab
import lab.checks
from lab import plots
from lab.gpt import GPT, Attention, GPTConfig, sinusoidal_positions

lab.notebook_setup(seed=0)

# %% [markdown]
# ## Inputs: one vector per token
#
# Take a short piece of text, one token per character, and give each distinct character a
# random embedding vector. (A trained model learns these vectors; for now random ones are
# enough to follow the computation.)

# %%
text = "Tom saw a cat. Tom"
chars = sorted(set(text))
token_ids = torch.tensor([chars.index(c) for c in text])
d_model = d_head = 16  # one head: it may use the whole width
n_pos = len(text)

W_E = torch.randn(len(chars), d_model)  # embedding: one row per character
x = W_E[token_ids]  # (pos, d_model): the residual stream before any layer
print(f"{n_pos} tokens, x has shape {tuple(x.shape)}")

# %% [markdown]
# ## Queries, keys and values
#
# Each position emits a **query** ("what am I looking for?"), a **key** ("what do I
# contain?") and a **value** ("what do I pass on if attended to?"). They are linear maps of
# the residual stream:

# %%
W_Q = torch.randn(d_model, d_head) / math.sqrt(d_model)
W_K = torch.randn(d_model, d_head) / math.sqrt(d_model)
W_V = torch.randn(d_model, d_head) / math.sqrt(d_model)
W_O = torch.randn(d_head, d_model) / math.sqrt(d_head)

q = x @ W_Q  # (pos, d_head)
k = x @ W_K  # (pos, d_head)
v = x @ W_V  # (pos, d_head)

# %% [markdown]
# The attention score of query position $i$ for key position $j$ is the dot product
# $q_i \cdot k_j$, divided by $\sqrt{d_\text{head}}$. Why that scale? If the entries of $q$
# and $k$ are independent with unit variance, their dot product is a sum of $d_\text{head}$
# unit-variance terms, so its standard deviation grows like $\sqrt{d_\text{head}}$; large
# scores would push the softmax into a near one-hot regime where gradients vanish
# [@vaswani2017attention, section 3.2.1]. A quick check:

# %%
for d in (4, 64, 1024):
    a, b = torch.randn(10_000, d), torch.randn(10_000, d)
    dots = (a * b).sum(-1)
    print(f"d_head={d:5d}: std of q.k = {dots.std():6.2f},  after / sqrt(d_head): {(dots / math.sqrt(d)).std():.2f}")

# %%
scores = q @ k.T / math.sqrt(d_head)  # (q_pos, k_pos)

# %% [markdown]
# ## The causal mask
#
# A language model predicts token $i+1$ from tokens $0..i$, so position $i$ must not read
# later positions: that would be reading the answer. We set every score above the diagonal
# to $-\infty$ before the softmax, which turns those weights into exactly zero.

#
# **Exercise 1.** Write `attention_pattern(q, k)`: the scaled scores, the causal mask and
# the softmax over keys. `lab.checks.attention_pattern` tests it on random inputs against
# a reference, says what is wrong if it is (a missing mask, a missing scale, the softmax
# over the wrong dimension), and returns the function the rest of the notebook uses.

# %% tags=["exercise"]
def attention_pattern(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """Causal attention pattern of one head.

    q, k: (pos, d_head). Returns (pos, pos): row i is a probability distribution over
    key positions 0..i, softmax(q k^T / sqrt(d_head)) with every later position masked out.
    """
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def attention_pattern(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """Causal attention pattern of one head.

    q, k: (pos, d_head). Returns (pos, pos): row i is a probability distribution over
    key positions 0..i, softmax(q k^T / sqrt(d_head)) with every later position masked out.
    """
    n = q.shape[0]
    scores = q @ k.T / math.sqrt(q.shape[-1])  # (q_pos, k_pos)
    mask = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)  # True above the diagonal
    return scores.masked_fill(mask, float("-inf")).softmax(dim=-1)


# %%
attention_pattern = lab.checks.attention_pattern(attention_pattern)
mask = torch.triu(torch.ones(n_pos, n_pos, dtype=torch.bool), diagonal=1)  # True above the diagonal
pattern = attention_pattern(q, k)  # each row: a probability distribution over keys 0..i

assert (pattern[mask] == 0).all(), "the causal mask must zero every weight above the diagonal"
assert torch.allclose(pattern.sum(dim=-1), torch.ones(n_pos)), "each row of the pattern must sum to 1"
assert pattern[0, 0] == 1, "the first position can only attend to itself"

plots.attention_pattern(pattern, list(text), title="a random causal head")
plt.show()

# %% [markdown]
# Read the plot row by row: row $i$ is where position $i$ looks. The first row has one
# choice; later rows spread their weight over more keys. With random weights, the pattern
# means nothing yet; in trained models, patterns such as "look at the previous token" or
# "look at the token after an earlier copy of me" appear (the induction heads notebook).
#
# ## Moving information: values and the output matrix
#
# Each position's result is the pattern-weighted average of the values, mapped back into
# the residual stream by $W_O$:
#
# $$\text{head}(x) = \text{softmax}\!\left(\frac{(x W_Q)(x W_K)^\top}{\sqrt{d_\text{head}}} + M\right) x W_V W_O .$$

#
# **Exercise 2.** Write the whole head, `attention_head(x, W_Q, W_K, W_V, W_O)`, using your
# `attention_pattern`. The checker compares it with `lab.gpt.Attention` (one head, no
# biases) and recognises a missing mask, a missing scale or a missing $W_O$.

# %% tags=["exercise"]
def attention_head(x, W_Q, W_K, W_V, W_O) -> torch.Tensor:
    """One causal attention head.

    x: (pos, d_model); W_Q, W_K, W_V: (d_model, d_head); W_O: (d_head, d_model).
    Returns (pos, d_model): what the head writes into the residual stream.
    """
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def attention_head(x, W_Q, W_K, W_V, W_O) -> torch.Tensor:
    """One causal attention head.

    x: (pos, d_model); W_Q, W_K, W_V: (d_model, d_head); W_O: (d_head, d_model).
    Returns (pos, d_model): what the head writes into the residual stream.
    """
    pattern = attention_pattern(x @ W_Q, x @ W_K)  # (pos, pos)
    z = pattern @ (x @ W_V)  # (pos, d_head): what each position gathered
    return z @ W_O  # (pos, d_model)


# %%
attention_head = lab.checks.attention_head(attention_head)
z = pattern @ v  # (pos, d_head): what each position gathered
head_out = attention_head(x, W_Q, W_K, W_V, W_O)  # (pos, d_model): what the head writes into the residual stream
print("head output shape:", tuple(head_out.shape))

# %% [markdown]
# Elhage et al. point out that $W_Q$ and $W_K$ only ever appear as the product
# $W_Q W_K^\top$ (the "QK circuit": *where* to look), and $W_V$ and $W_O$ only as
# $W_V W_O$ (the "OV circuit": *what* to move) [@elhage2021mathematical]. Both are $d_\text{model} \times
# d_\text{model}$ matrices:

# %%
W_QK, W_OV = W_Q @ W_K.T, W_V @ W_O
assert torch.allclose(x @ W_QK @ x.T / math.sqrt(d_head), scores, atol=1e-5)
assert torch.allclose(pattern @ x @ W_OV, head_out, atol=1e-5)

# %% [markdown]
# ## The same head in the course's model code
#
# `lab.gpt.Attention` is the multi-head attention layer the rest of the course trains and
# takes apart. It stores the matrices per head, `W_Q[h]`, `W_K[h]`, `W_V[h]`, `W_O[h]`, in
# exactly this notation. With one head and our matrices copied in (biases zero), it must
# compute exactly what we computed by hand.

# %%
config = GPTConfig(vocab_size=len(chars), context_length=n_pos, d_model=d_model, n_heads=1, bias=False)
attention = Attention(config)
with torch.no_grad():
    attention.W_Q[0] = W_Q
    attention.W_K[0] = W_K
    attention.W_V[0] = W_V
    attention.W_O[0] = W_O
    ours = attention(x[None])[0]  # the layer works on batches: (batch, pos, d_model)

max_diff = (ours - head_out).abs().max().item()
print(f"largest difference from the hand-built head: {max_diff:.2e}")
assert max_diff < 1e-5, f"lab.gpt.Attention with one head should equal the hand-built head (diff {max_diff:.2e})"

# %% [markdown]
# With $h$ heads, the layer runs $h$ such heads side by side, each with
# $d_\text{head} = d_\text{model} / h$, and adds their outputs (which is the same as
# concatenating the $z$'s and multiplying by one big $W_O$). The course's tests compare
# `lab.gpt.Attention` with PyTorch's `nn.MultiheadAttention` and
# `scaled_dot_product_attention` to $10^{-5}$.
#
# Because $d_\text{head} < d_\text{model}$ once there are several heads, each head's
# $W_Q W_K^\top$ and $W_V W_O$ are *low-rank*: a head reads a small subspace of the
# residual stream and writes to a small subspace [@elhage2021mathematical].

# %%
four_heads = Attention(GPTConfig(vocab_size=len(chars), context_length=n_pos, d_model=d_model, n_heads=4))
for h in range(4):
    rank = torch.linalg.matrix_rank(four_heads.W_Q[h] @ four_heads.W_K[h].T).item()
    print(f"head {h}: W_QK is {d_model}x{d_model} with rank {rank} (d_head = {four_heads.cfg.d_head})")
    assert rank == four_heads.cfg.d_head

# %% [markdown]
#
# ## Where is each token? Positional encodings
#
# Nothing above depends on *where* a token sits. The scores compare contents only, so
# without extra information a head cannot implement "look three tokens back". The original
# transformer adds a fixed **sinusoidal** vector to each position's
# embedding [@vaswani2017attention, section 3.5]:
#
# $$PE_{p, 2i} = \sin\!\left(p / 10000^{2i/d_\text{model}}\right), \qquad PE_{p, 2i+1} = \cos\!\left(p / 10000^{2i/d_\text{model}}\right),$$
#
# a bank of sine waves whose wavelengths grow geometrically across dimensions.

# %%
pe = sinusoidal_positions(64, 32)
ax = plots.heatmap(pe.T, title="sinusoidal positional encoding", centered=True, figsize=(6, 3))
ax.set_xlabel("position")
ax.set_ylabel("dimension")
plt.show()

# %% [markdown]
# Vaswani et al. chose this form because $PE_{p+k}$ is a linear function (a rotation in each
# sine/cosine pair) of $PE_p$, which could make relative positions easy to attend to. One
# consequence we can check: the dot product of two encodings depends only on their offset
# $k$, since $\sin a \sin b + \cos a \cos b = \cos(a - b)$.

# %%
for offset in (1, 3, 10):
    dots = torch.stack([pe[p] @ pe[p + offset] for p in range(64 - offset)])
    print(f"offset {offset:2d}: PE[p] . PE[p+{offset}] ranges over [{dots.min():.4f}, {dots.max():.4f}]")
    assert dots.max() - dots.min() < 1e-4, "the dot product should depend only on the offset"

# %% [markdown]
# GPT-2 [@radford2019language] instead **learns** one vector per position, `W_pos`, like a
# second embedding table. Which works? Let us train the smallest possible model on a task
# that is impossible without position: **output the token from three positions back**.
# The model is one attention head and nothing else (`attn_only=True`, no LayerNorm), with
# learned, sinusoidal, or no positional encoding.

# %%
VOCAB, CONTEXT, OFFSET = 10, 16, 3


def copy_task_loss(model, tokens):
    """Cross-entropy of predicting tokens[t - OFFSET] at every position t >= OFFSET."""
    logits = model(tokens)[:, OFFSET:]  # (batch, pos - OFFSET, vocab)
    return F.cross_entropy(logits.reshape(-1, VOCAB), tokens[:, :-OFFSET].reshape(-1))


def train_copy_model(positional: str, steps: int = 400, seed: int = 0):
    torch.manual_seed(seed)
    config = GPTConfig(vocab_size=VOCAB, context_length=CONTEXT, d_model=32, n_layers=1, n_heads=1,
                       attn_only=True, layer_norm=False, positional=positional)
    model = GPT(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    g = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        loss = copy_task_loss(model, torch.randint(0, VOCAB, (64, CONTEXT), generator=g))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


test_tokens = torch.randint(0, VOCAB, (512, CONTEXT), generator=torch.Generator().manual_seed(123))
copy_models, copy_loss = {}, {}
for positional in ("learned", "sinusoidal", "none"):
    copy_models[positional] = train_copy_model(positional)
    with torch.no_grad():
        copy_loss[positional] = copy_task_loss(copy_models[positional], test_tokens).item()
    print(f"{positional:>10}: test loss {copy_loss[positional]:.3f} nats  (chance: ln {VOCAB} = {math.log(VOCAB):.3f})")

# %%
assert copy_loss["learned"] < 0.05 and copy_loss["sinusoidal"] < 0.05, f"both encodings should solve the task: {copy_loss}"
assert copy_loss["none"] > 1.0, f"without positions the head cannot find 'three back': {copy_loss}"

# %% [markdown]
# Both kinds of positional encoding solve the task almost perfectly; without one the model
# stays near chance. It does a little better than $\ln 10$ because the causal mask itself
# leaks position: at position 3 there are only four tokens to choose from, and a head that
# spreads its attention over them is right a quarter of the time.
#
# What did the successful heads learn? Their attention patterns on a test sequence:

# %%
fig, axes = plt.subplots(1, 3, figsize=(7.5, 2.8))
for ax, positional in zip(axes, copy_models):
    with torch.no_grad():
        _, cache = copy_models[positional].run_with_cache(test_tokens[:1])
    plots.attention_pattern(cache["blocks.0.attn.pattern"][0, 0], ax=ax, title=positional, colorbar=False)
    ax.set_xlabel("key")
    ax.set_ylabel("query" if positional == "learned" else "")
plt.show()

with torch.no_grad():
    _, cache = copy_models["learned"].run_with_cache(test_tokens)
pattern = cache["blocks.0.attn.pattern"][:, 0]  # (batch, q_pos, k_pos)
weight_three_back = torch.stack([pattern[:, t, t - OFFSET] for t in range(OFFSET, CONTEXT)]).mean().item()
print(f"learned-position head: mean attention from t to t-3 = {weight_three_back:.3f}")
assert weight_three_back > 0.9, "the learned-position head should attend (almost) only to the token three back"

# %% [markdown]
# The learned and sinusoidal heads put (almost) all their weight on the diagonal three
# below the main one: a **relative-position head**. The head without positions has to
# smear its attention. A trained language model is full of heads like these, for example
# the "previous token heads" that the induction heads notebook relies on.
#
# ## Takeaways
#
# * A head is four matrices: $W_Q W_K^\top$ decides where each position looks, $W_V W_O$
#   what is moved [@elhage2021mathematical].
# * The causal mask makes each row of the pattern a distribution over the past only.
# * Attention compares contents; positions must be added to the input. Sinusoidal
#   [@vaswani2017attention] and learned [@radford2019language] encodings both let a head
#   attend by relative position.
