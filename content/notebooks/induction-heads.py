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
# # Induction heads
#
# Give a language model a sequence it has never seen, then repeat it: by the second
# copy the model predicts every token almost perfectly. It is not remembering the
# sequence from training; it is **copying from its context**: "the last time I saw
# the current token, the next token was B, so predict B". Elhage et al. found the
# two-head circuit that does this in small attention-only transformers and called its
# second head an **induction head** [@elhage2021mathematical]; Olsson et al. argued
# that such heads are behind much of the in-context learning of large models, and that
# they appear in a sudden phase change during training [@olsson2022context]. (Neel Nanda
# discusses both papers in the AXRP podcast, episode 19, from 1:59:42.)
#
# The circuit needs **two layers**:
#
# 1. a layer-0 head writes into each position some information about its
#    *neighbourhood*, typically the previous token (a **previous-token head**);
# 2. a layer-1 head at the current position (token A) looks for a position whose
#    previous token was A, which is the position right after the earlier A, and copies
#    the token it finds there. Its *keys* are built from what the layer-0 head wrote:
#    **K-composition**.
#
# A single attention layer cannot do this: a head's attention score depends on the
# query and key tokens themselves, and no key yet carries its predecessor. We train a
# two-layer model, find its induction heads, and check that a one-layer model fails.

# %%
import copy

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown

import lab
import lab.checks
from lab.induction import (
    INDUCTION_MODEL,
    duplicate_token_scores,
    half_losses,
    induction_model,
    per_token_loss,
    repeated_tokens,
    training_batch,
)
from lab.plots import attention_patterns

lab.notebook_setup(seed=0)

# %% [markdown]
# ## The data: random tokens, repeated
#
# Random tokens carry no statistics a model could learn in its weights: the only way
# to predict them is to copy from earlier in the sequence. Each training sequence is a
# random segment of $H$ tokens (vocabulary of 128) repeated until the context of 20
# tokens is full. $H$ is drawn afresh for every batch, between 3 and 10. If it were
# always the same, the model could predict by *position* ("copy the token $H - 1$
# places back"), a shortcut that even one layer learns. With 8 possible lengths, a
# position-only strategy can at best spread its bets over 8 candidate tokens, a loss
# of about $\ln 8 \approx 2.1$ nats; to do better the model must find the earlier
# copy of the current token by its content.
#
# To measure the model we use the classic probe: $H = 10$ random tokens followed by
# the same 10 tokens.

# %%
config = INDUCTION_MODEL
print("model:", config["model"])
print("training:", config["train"], "| segment lengths", config["half_range"])
example = training_batch(2, 4, config["model"]["context_length"], config["model"]["vocab_size"], torch.Generator().manual_seed(0))
print("two training sequences with H = 4:\n", example)
H = config["half_range"][1]
probe = repeated_tokens(256, H, config["model"]["vocab_size"], torch.Generator().manual_seed(1))
print("a probe sequence:", probe[0].tolist())

# %% [markdown]
# ## The model
#
# `lab.gpt.GPT` with `attn_only=True` and `layer_norm=False`: token and position
# embeddings, two layers of four attention heads each, and the unembedding. Without
# MLPs and LayerNorm, everything the model computes is a sum of paths through
# attention heads, which is what makes the analysis of Elhage et al. possible
# [@elhage2021mathematical].
#
# `induction_model()` trains it with AdamW (learning rate $10^{-2}$, warmup then
# cosine decay) or, if any notebook has trained exactly this recipe before, loads it
# from the artifact cache: the activation-patching and sparse-autoencoder notebooks
# reuse this model.

# %%
model, history = induction_model()
print(f"{sum(p.numel() for p in model.parameters()):,} parameters")

fig, ax = plt.subplots()
ax.plot(history["eval_step"], history["first_half"], label="first half (unpredictable)")
ax.plot(history["eval_step"], history["repeated_half"], label="repeated half")
ax.axhline(np.log(config["model"]["vocab_size"]), ls=":", color="0.5", label="ln 128 (uniform guess)")
ax.set(xlabel="training step", ylabel="loss on the probe (nats)", title="Learning to copy from context")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# The loss on the repeated half sits on a plateau and then falls steeply within
# a couple of hundred steps: the phase change of Olsson et al., in miniature. The
# first half stays unpredictable; its loss can even end above $\ln 128$, because a
# model trained on repeating sequences puts some of its bets on repeats that are not
# there.
#
# Olsson et al.'s central observation is a **co-occurrence**: the loss on repeated
# text drops at the same moment as induction heads form. The training loop also
# recorded, every 25 steps, the best *induction score* of a layer-1 head on the
# probe (the attention a head pays to the token after the earlier copy of the
# current token; defined below). The claim: the score rises by more than
# `MARGIN` = 0.5 over its value at initialisation (the control: the same model
# before any training step), and it crosses the half-way point of its rise within
# 50 steps of the moment the loss crosses the half-way point of its fall.

# %%
MARGIN, WINDOW = 0.5, 50
eval_steps = np.array(history["eval_step"])
score, repeat_curve = np.array(history["induction"]), np.array(history["repeated_half"])


def halfway_step(curve: np.ndarray) -> int:
    """The first evaluation step at which ``curve`` has covered half its way from start to end."""
    middle = (curve[0] + curve[-1]) / 2
    crossed = (curve >= middle) if curve[-1] > curve[0] else (curve <= middle)
    return int(eval_steps[np.argmax(crossed)])


fig, ax = plt.subplots()
ax.plot(eval_steps, repeat_curve, label="repeated-half loss (nats)")
ax.set(xlabel="training step", ylabel="loss (nats)", title="Induction heads form as the loss drops")
ax2 = ax.twinx()
ax2.plot(eval_steps, score, color="C1", label="best layer-1 induction score")
ax2.set_ylabel("induction score")
fig.legend(loc="center right", fontsize=8)
plt.show()
score_rise = score[-1] - score[0]
t_score, t_loss = halfway_step(score), halfway_step(repeat_curve)
correlation = np.corrcoef(score, repeat_curve)[0, 1]
print(f"induction score: {score[0]:.2f} at initialisation, {score[-1]:.2f} at the end (rise {score_rise:.2f})")
print(f"half-way steps: induction score {t_score}, repeated-half loss {t_loss}; "
      f"correlation of the two curves over training {correlation:.2f}")
assert score_rise > MARGIN, f"an induction head should form: the score rose by only {score_rise:.2f}"
assert abs(t_score - t_loss) <= WINDOW, f"the score and the loss should change together: steps {t_score} and {t_loss}"
assert correlation < -0.9, f"the score should rise as the loss falls (correlation {correlation:.2f})"

# %%
Markdown(f"The induction score rises from {score[0]:.2f} to {score[-1]:.2f}, and it is half-way there at step "
         f"{t_score}, while the loss on the repeated half is half-way down at step {t_loss}; over the whole run "
         f"the two curves have a correlation of {correlation:.2f}.")

# %%
first_loss, repeat_loss = half_losses(model, probe)
print(f"loss on the first half:    {first_loss:.2f} nats")
print(f"loss on the repeated half: {repeat_loss:.2f} nats")
assert first_loss > 4.0, f"the first half is random: its loss cannot fall much below ln 128 = 4.85, got {first_loss:.2f}"
assert repeat_loss < 0.5, f"the repeated half should be predicted well, got {repeat_loss:.2f}"

# %% [markdown]
# Per position, the picture is the same: the loss drops to almost zero at the first
# token whose predecessor has occurred before.

# %%
with torch.no_grad():
    loss_by_position = per_token_loss(model, probe).mean(0)  # entry p: predicting token p + 1
fig, ax = plt.subplots()
ax.plot(range(1, 2 * H), loss_by_position, "o-", ms=3)
ax.axvline(H - 0.5, ls="--", color="0.5")
ax.set(xlabel="position of the predicted token", ylabel="loss (nats)", title="Loss per position on the probe")
plt.show()

# %% [markdown]
# ## Looking at the heads
#
# Attention patterns on one probe sequence: row = query position, column = the key
# position it attends to. A previous-token head draws the diagonal just below the main
# one; an induction head draws a diagonal in the lower-left block, offset so that
# position $H + j$ (the second copy of token $j$) looks at position $j + 1$.

# %%
with torch.no_grad():
    _, cache = model.run_with_cache(probe)
patterns = torch.cat([cache[f"blocks.{l}.attn.pattern"][0] for l in range(2)])  # (8 heads, q, k)
fig = attention_patterns(patterns, titles=[f"head {l}.{h}" for l in range(2) for h in range(4)], ncols=4)
plt.show()

# %% [markdown]
# We turn these pictures into numbers, averaged over 256 probe sequences: each score
# is the mean attention paid to the position that the named kind of head would attend
# to.
#
# * **previous-token score**: from position $i$ to $i - 1$;
# * **duplicate-token score**: from position $H + j$ to $j$ (the earlier copy of the
#   same token);
# * **induction score**: from position $H + j$ to $j + 1$ (the token after the earlier
#   copy).
#
# **Exercise 1.** Write `previous_token_scores(pattern)` and **Exercise 2.**
# `induction_scores(pattern)`. `torch.diagonal(pattern, offset=-o, dim1=-2, dim2=-1)`
# picks, for every query $i$, the weight on key $i - o$. The checkers in `lab.checks`
# compare them with `lab.induction`'s on random causal patterns and recognise the usual
# slips (the wrong diagonal, the wrong offset, averaging over the wrong axis).

# %% tags=["exercise"]
def previous_token_scores(pattern: torch.Tensor) -> torch.Tensor:
    """pattern: (batch, head, pos, pos). Per head, the mean attention from position i to i - 1 (i >= 1): (head,)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def previous_token_scores(pattern: torch.Tensor) -> torch.Tensor:
    """pattern: (batch, head, pos, pos). Per head, the mean attention from position i to i - 1 (i >= 1): (head,)."""
    return torch.diagonal(pattern, offset=-1, dim1=-2, dim2=-1).mean(dim=(0, -1))


# %% tags=["exercise"]
def induction_scores(pattern: torch.Tensor) -> torch.Tensor:
    """pattern: (batch, head, 2H, 2H) on H tokens repeated. Per head, the mean attention from each repeated
    position H + j (j = 0 .. H - 1) to j + 1, the token after the earlier copy: (head,)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def induction_scores(pattern: torch.Tensor) -> torch.Tensor:
    """pattern: (batch, head, 2H, 2H) on H tokens repeated. Per head, the mean attention from each repeated
    position H + j (j = 0 .. H - 1) to j + 1, the token after the earlier copy: (head,)."""
    half = pattern.shape[-1] // 2
    after_copy = torch.diagonal(pattern, offset=-(half - 1), dim1=-2, dim2=-1)  # query q, key q - (H - 1)
    return after_copy[..., 1:].mean(dim=(0, -1))  # drop query H - 1: it is still in the first copy


# %%
previous_token_scores = lab.checks.previous_token_scores(previous_token_scores)
induction_scores = lab.checks.induction_scores(induction_scores)

# %%
scores = {
    name: torch.stack([fn(cache[f"blocks.{l}.attn.pattern"]) for l in range(2)])  # (layer, head)
    for name, fn in [("previous", previous_token_scores), ("duplicate", duplicate_token_scores), ("induction", induction_scores)]
}
print(" head | previous-token | duplicate-token | induction")
for l in range(2):
    for h in range(4):
        print(f" {l}.{h}  |      {scores['previous'][l, h]:.2f}      |      {scores['duplicate'][l, h]:.2f}       |   {scores['induction'][l, h]:.2f}")

fig, ax = plt.subplots()
x = np.arange(8)
for i, name in enumerate(scores):
    ax.bar(x + (i - 1) * 0.27, scores[name].flatten(), width=0.27, label=name)
ax.set_xticks(x, [f"{l}.{h}" for l in range(2) for h in range(4)])
ax.set(xlabel="head (layer.head)", ylabel="mean attention", title="What each head attends to")
ax.legend(fontsize=8)
plt.show()

# %%
best_induction = scores["induction"][1].max().item()
assert best_induction >= 0.7, f"a layer-1 head should be an induction head (best score {best_induction:.2f})"
assert scores["induction"][0].max() < 0.3, "layer 0 cannot implement induction on its own"
prev0, dup0 = scores["previous"][0].max().item(), scores["duplicate"][0].max().item()
layer0_kind = "previous-token" if prev0 > dup0 else "duplicate-token"
print(f"best layer-1 induction score: {best_induction:.2f}")
print(f"layer 0: best previous-token score {prev0:.2f}, best duplicate-token score {dup0:.2f} -> a {layer0_kind} circuit")
assert layer0_kind == "previous-token", "the text below describes a previous-token circuit; this run grew the other kind"

# %% [markdown]
# **Which circuit did this model learn?** The layer-1 heads are induction heads. In
# layer 0 the numbers above decide it: this model has strong previous-token heads
# and no duplicate-token head, which is the K-composition circuit
# [@elhage2021mathematical]. There is another way to build an induction head: a layer-0
# *duplicate-token* head at the second A finds the first A and passes on its
# *position*, and a layer-1 head then attends to the position after it
# (Q-composition). Which one a training run grows can depend on the seed and the
# data; the scores tell you which you have.
#
# A causal check: if the layer-1 heads rely on the layer-0 previous-token heads,
# removing those should break induction. We replace a head's output by its mean over
# the probe sequences (*mean ablation*), one head at a time and then all the
# previous-token heads (score above 0.3) together, and measure the loss on the
# repeated half. When two heads do the same job, removing one of them may hurt
# little: the other covers for it.

# %%
head_out_mean = cache["blocks.0.attn.head_out"].mean(dim=(0, 1))  # (head, d_model)


def ablate(heads: list[int]):
    def fn(head_out):
        head_out = head_out.clone()
        head_out[:, :, heads] = head_out_mean[heads]
        return head_out

    return {"blocks.0.attn.head_out": fn}


def repeated_half_loss(patches) -> float:
    with torch.no_grad():
        logits = model.run_with_patches(probe[:, :-1], patches)
        loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), probe[:, 1:], reduction="none")
    return loss[:, H:].mean().item()


for h in range(4):
    print(f"mean-ablate head 0.{h} (previous-token score {scores['previous'][0, h]:.2f}): "
          f"repeated-half loss {repeated_half_loss(ablate([h])):.2f} nats")
previous_heads = [h for h in range(4) if scores["previous"][0, h] > 0.3]
joint = repeated_half_loss(ablate(previous_heads))
print(f"mean-ablate all previous-token heads {['0.%d' % h for h in previous_heads]} together: {joint:.2f} nats "
      f"(unablated {repeat_loss:.2f})")
assert previous_heads and joint > repeat_loss + 1.0, "removing the previous-token heads should break induction"

# %% [markdown]
# ## Control: a one-layer model
#
# The same recipe with `n_layers = 1`. With nothing before it to build keys from, no
# head can attend to "the token after the earlier copy of *this* token". What it can
# do is the positional bet described above: attend to the positions 2 to 9 places
# back, one of which holds the answer, which is worth about $\ln 8 \approx 2.1$ nats.
# Its induction score is then the share of attention that happens to land on the
# right offset.

# %%
one_layer_config = copy.deepcopy(INDUCTION_MODEL)
one_layer_config["model"]["n_layers"] = 1
one_layer, _ = induction_model(one_layer_config)
first_1l, repeat_1l = half_losses(one_layer, probe)
with torch.no_grad():
    _, cache_1l = one_layer.run_with_cache(probe)
induction_1l = induction_scores(cache_1l["blocks.0.attn.pattern"])
print(f"one layer: first half {first_1l:.2f} nats, repeated half {repeat_1l:.2f} nats")
print("one layer: induction scores", [round(s, 2) for s in induction_1l.tolist()])
assert induction_1l.max() <= 0.3, f"a one-layer model should have no induction head (max score {induction_1l.max():.2f})"
assert repeat_1l > 1.5 and repeat_1l > repeat_loss + 1.0, "the one-layer model should do much worse on the repeated half"

# %% [markdown]
# **What to take away.** In-context copying needs two heads in different layers
# cooperating through the residual stream; attention patterns suggest the roles,
# scores quantify them, and ablation checks that the model actually depends on them.
# The activation-patching notebook makes that last step systematic.
#
# **Exercises.** (1) Set `half_range` to `[10, 10]` and retrain the one-layer model:
# how does it now "solve" the task, and what do its attention patterns look like?
# (2) Train with two heads per layer, or one: does induction still form, and when?
# (3) Compute the K-composition score [@elhage2021mathematical] for every pair (layer-0
# head, layer-1 head): the Frobenius norm of the product of the layer-1 head's
# query-key matrix (on the key side) with the layer-0 head's output-value matrix,
# divided by the product of the two norms. Does it single out the pair you found?
