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
# # The residual stream and where LayerNorm goes
#
# A transformer block reads from and writes to one vector per position, the **residual stream**:
# each attention and MLP layer adds its output to it. Where the LayerNorms sit decides what that
# stream is. In the original transformer [@vaswani2017attention] each sum is normalised, *post-LN*:
#
# $$x \leftarrow \mathrm{LN}(x + \mathrm{Attn}(x)), \qquad x \leftarrow \mathrm{LN}(x + \mathrm{MLP}(x)).$$
#
# GPT-2 and most models since normalise each layer's *input* instead, *pre-LN*, and once more at
# the end:
#
# $$x \leftarrow x + \mathrm{Attn}(\mathrm{LN}(x)), \qquad x \leftarrow x + \mathrm{MLP}(\mathrm{LN}(x)), \qquad \text{logits} = W_U\,\mathrm{LN}(x).$$
#
# Xiong et al. showed that at initialisation the post-LN gradients are largest near the
# output, which makes a large learning rate unsafe without a warm-up, while pre-LN gradients are
# well-behaved [@xiong2020layer]. This notebook checks both halves of that on a small character model, then uses
# the pre-LN form to take a prediction apart: in pre-LN the final stream is a plain *sum* of what
# every component wrote, so a logit splits exactly into one contribution per component.

# %%
import matplotlib.pyplot as plt
import torch

import lab
import lab.checks
from lab.baselines import ngram_loss
from lab.data import char_dataset, get_batch, load_text
from lab.gpt import GPTConfig
from lab.residual import NormGPT, decompose_logit, layer_gradient_norms, residual_components
from lab.train import TrainConfig, train

lab.notebook_setup(seed=0)

# %% [markdown]
# ## A post-LN block
#
# `lab.gpt.Block` is pre-LN. **Exercise 1.** Write the post-LN block from the same layers:
# `post_ln_block(x, attn, mlp, ln1, ln2)`, with `attn`, `mlp`, `ln1`, `ln2` modules that map
# (batch, pos, d_model) to the same shape. `lab.checks.post_ln_block` runs it on random layers
# against a reference and recognises the pre-LN order, a missing residual connection, or one
# LayerNorm where there should be two.

# %% tags=["exercise"]
def post_ln_block(x, attn, mlp, ln1, ln2):
    """Post-LN: LN1(x + attn(x)), then LN2(that + mlp(that))."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def post_ln_block(x, attn, mlp, ln1, ln2):
    """Post-LN: LN1(x + attn(x)), then LN2(that + mlp(that))."""
    mid = ln1(x + attn(x))
    return ln2(mid + mlp(mid))


# %% [markdown]
# `lab.residual.NormGPT` is `lab.gpt.GPT` with either kind of block (`norm="pre"` is exactly
# `lab.gpt.GPT`; `norm="post"` has post-LN blocks and no final LayerNorm). Both use the
# initialisation Xiong et al. analyse: unit-variance embeddings, every weight matrix
# $\mathcal{N}(0, 1/\text{fan-in})$. Six blocks, $d_\text{model} = 64$, on the course's
# generated tiny-stories text, one character per token.

# %%
post_ln_block = lab.checks.post_ln_block(post_ln_block)
data = char_dataset(load_text())
config = GPTConfig(vocab_size=data.tokenizer.vocab_size, context_length=32, d_model=64, n_layers=6, n_heads=4)
untrained = {}
for norm in ("pre", "post"):
    torch.manual_seed(0)
    untrained[norm] = NormGPT(config, norm)
block = untrained["post"].blocks[0]
x = torch.randn(2, config.context_length, config.d_model)
assert torch.allclose(post_ln_block(x, block.attn, block.mlp, block.ln1, block.ln2), block(x), atol=1e-5)

# %% [markdown]
# ## Gradients at initialisation
#
# One batch, one backward pass, and the norm of the gradient of each block's parameters:

# %%
batch = get_batch(data.train, 32, config.context_length, torch.Generator().manual_seed(0))
grad_norms, ratio = {}, {}
for norm, model in untrained.items():
    model.zero_grad()
    model.loss(*batch).backward()
    grad_norms[norm] = layer_gradient_norms(model)
    ratio[norm] = (grad_norms[norm][-1] / grad_norms[norm][0]).item()
    print(f"{norm}-LN: gradient norm per block {[round(v, 2) for v in grad_norms[norm].tolist()]}, last / first = {ratio[norm]:.2f}")

fig, ax = plt.subplots(figsize=(5, 2.6))
for norm in grad_norms:
    ax.plot(range(config.n_layers), grad_norms[norm], marker="o", label=f"{norm}-LN")
ax.set_xlabel("block")
ax.set_ylabel("gradient norm at init")
ax.legend()
plt.show()

assert ratio["post"] > ratio["pre"], f"post-LN's gradients should grow towards the output more than pre-LN's: {ratio}"

# %% [markdown]
# Post-LN's gradients grow towards the output; pre-LN's shrink a little. (Xiong et al. prove that
# the post-LN gradient near the output does not shrink with depth, and the pre-LN one does, like
# $1/\sqrt{L}$.) What matters is what that does to training.
#
# ## Training without warm-up
#
# The course's training loop (`lab.train.train`) with no warm-up: Adam at a constant learning
# rate of $3 \times 10^{-3}$ from the first step, no weight decay, no gradient clipping, 150
# steps of 32 sequences, the same batches for both models.

# %%
schedule = TrainConfig(steps=150, batch_size=32, lr=3e-3, warmup_steps=0, min_lr_fraction=1.0, weight_decay=0.0,
                       grad_clip=float("inf"), eval_every=50, eval_batches=4)
models, history, final_loss = {}, {}, {}
for norm in ("pre", "post"):
    torch.manual_seed(0)
    models[norm] = NormGPT(config, norm)
    history[norm] = train(models[norm], data.train, data.val, schedule, log=None)
    final_loss[norm] = history[norm]["val_loss"][-1]
    print(f"{norm}-LN: validation loss {history[norm]['val_loss'][0]:.3f} at step 0 -> {final_loss[norm]:.3f} after {schedule.steps} steps")
unigram = ngram_loss(data.train, data.val, 1, config.vocab_size)
print(f"unigram model (character frequencies only): {unigram:.3f}")

# %% [markdown]
# The claim: after the same budget, post-LN's validation loss is higher than pre-LN's by at least
# `MARGIN` = 0.5 nats per character, and pre-LN beats the unigram model (which knows only how
# often each character occurs) by as much. With nothing learned, both models stay at their
# initial losses, above the unigram model, and the claim fails.

# %%
MARGIN = 0.5
assert final_loss["pre"] < unigram - MARGIN and final_loss["post"] > final_loss["pre"] + MARGIN, final_loss

fig, ax = plt.subplots(figsize=(5, 2.6))
for norm in history:
    ax.plot(history[norm]["step"], history[norm]["batch_loss"], label=f"{norm}-LN", linewidth=0.8)
ax.axhline(unigram, color="black", linewidth=0.8, linestyle=":", label="unigram")
ax.set_xlabel("step")
ax.set_ylabel("training loss (nats/char)")
ax.legend()
plt.show()

# %% [markdown]
# ## The residual stream as a sum
#
# In the trained pre-LN model, the final residual stream at each position is the token embedding,
# plus the position embedding, plus the output of every attention layer and every MLP layer: nothing
# else is ever added, and nothing rescales it before the final LayerNorm. `run_with_cache` records
# each term (`lab.residual.residual_components` stacks them):

# %%
model = models["pre"]
text = "Lily saw a big dog in the park. The dog"
tokens = torch.tensor([data.tokenizer.encode(text[: config.context_length])])
with torch.no_grad():
    logits, cache = model.run_with_cache(tokens)
names, components = residual_components(cache, config.n_layers)  # (component, batch, pos, d_model)
final_resid = cache[f"blocks.{config.n_layers - 1}.resid_post"]
print(f"{len(names)} components: {', '.join(names)}")
print(f"largest difference between their sum and the final stream: {(components.sum(0) - final_resid).abs().max():.1e}")
assert torch.allclose(components.sum(0), final_resid, atol=1e-4)

# %% [markdown]
# The logit of token $t$ is $w_t \cdot \mathrm{LN}(x)$, with $w_t$ the row of $W_U$ for $t$ and
# $x = \sum_i c_i$ the sum of the components. LayerNorm is not linear, but it is once its scale is
# fixed: $\mathrm{LN}(x) = \frac{x - \bar{x}}{\sigma(x)} \odot \gamma + \beta$, and centring is
# linear. With $\sigma$ that of the *whole* stream,
#
# $$w_t \cdot \mathrm{LN}(x) = \sum_i w_t \cdot \left(\frac{c_i - \bar{c}_i}{\sigma(x)} \odot \gamma\right) + w_t \cdot \beta ,$$
#
# one exact contribution per component, plus one for LayerNorm's bias. This is the "direct
# logit attribution" [@elhage2021mathematical].
#
# **Exercise 2.** Write `decompose_logit(components, ln_weight, ln_bias, w_u)`: components
# (n, d_model) at one position, the final LayerNorm's $\gamma$ and $\beta$ (eps $10^{-5}$), and
# $w_t$; return the $n + 1$ contributions. The checker recognises normalising each component by
# its own $\sigma$, forgetting to centre, and leaving out $\beta$.

# %% tags=["exercise"]
def decompose_logit(components, ln_weight, ln_bias, w_u):
    """(n + 1,): the contribution of each of the n components (n, d_model) to w_u . LN(their sum), then LN's bias."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def decompose_logit(components, ln_weight, ln_bias, w_u):
    """(n + 1,): the contribution of each of the n components (n, d_model) to w_u . LN(their sum), then LN's bias."""
    resid = components.sum(0)
    sigma = torch.sqrt(resid.var(unbiased=False) + 1e-5)  # the scale of the whole stream, shared by every component
    centred = components - components.mean(-1, keepdim=True)
    return torch.cat([(centred / sigma * ln_weight) @ w_u, (ln_bias @ w_u)[None]])


# %% [markdown]
# We decompose the logit of the character the model predicts at the last position, and check that
# the contributions add up to the model's own logit, to $10^{-5}$.

# %%
decompose_logit = lab.checks.decompose_logit(decompose_logit)
position = tokens.shape[1] - 1
predicted = logits[0, position].argmax().item()
contributions = decompose_logit(components[:, 0, position], model.ln_final.weight, model.ln_final.bias, model.W_U.weight[predicted])
decomposition_error = (contributions.sum() - logits[0, position, predicted]).abs().item()
print(f"after {text[: position + 1]!r} the model predicts {data.tokenizer.decode([predicted])!r}, logit "
      f"{logits[0, position, predicted]:.4f}; the contributions sum to {contributions.sum():.4f} (difference {decomposition_error:.1e})")
assert decomposition_error < 1e-5, "the contributions should add up to the logit exactly"

fig, ax = plt.subplots(figsize=(6, 2.6))
ax.bar(names + ["LN bias"], contributions.detach())
ax.set_ylabel(f"contribution to the logit of {data.tokenizer.decode([predicted])!r}")
ax.tick_params(axis="x", rotation=45)
plt.show()
largest = names[contributions[:-1].abs().argmax()]
print(f"largest contribution: {largest}")

# %% [markdown]
# The decomposition is exact, and it is specific to pre-LN: in a post-LN model every block ends
# in a LayerNorm, so an early layer's output reaches the logits only after being rescaled by
# every later block, and no such sum exists. This is one reason interpretability work (the logit
# lens, direct logit attribution, the circuits notebooks later in the course) is done on pre-LN
# models. Note what it does *not* say: a component's contribution is its direct effect through
# the unembedding; the same component also changes what later layers compute, which this sum
# credits to them.
#
# ## Takeaways
#
# * Post-LN normalises after each residual addition; pre-LN normalises each layer's input.
# * At initialisation post-LN's gradients grow towards the output, pre-LN's do not
#   [@xiong2020layer]; without warm-up, at the same learning rate and budget, the post-LN model trained here
#   ends far behind the pre-LN one (numbers above).
# * In pre-LN the final residual stream is a sum of component outputs, and a logit decomposes
#   exactly into their direct contributions once LayerNorm's scale is held fixed.
