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
# # Testing a circuit: attribution, paths and resampling
#
# The activation-patching notebook found, one patch at a time, the parts of the induction
# circuit in our two-layer attention-only model: layer-1 heads that copy, and a layer-0
# previous-token head whose output they read through their keys. This notebook asks three
# sharper questions of the same model:
#
# 1. **Can a gradient stand in for the patches?** One patching run per component is too
#    slow for a large model. *Attribution patching*, the linear approximation Syed et al.
#    build their circuit discovery on [@syed2023attribution], estimates every patch at once from one
#    backward pass. Where does it agree with the real patches, and where not?
# 2. **Which path, between which two heads?** Path patching [@wang2022interpretability] between one
#    sender head and one receiver head, through the receiver's queries, keys or values
#    separately.
# 3. **Does the hypothesis explain the behaviour as a whole?** Causal scrubbing
#    [@chan2022causal] turns a hypothesis into a test: everything the hypothesis says does not
#    matter is resampled from other inputs, and the loss must stay where it was. A wrong
#    hypothesis must fail the same test.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown

import lab
import lab.checks_circuits
from lab.circuits import clean_and_corrupted, exact_head_patching, head_logit, metric_gradients, path_patch, scrubbed_logits
from lab.induction import INDUCTION_MODEL, induction_model, induction_scores, previous_token_scores, repeated_tokens

lab.notebook_setup(seed=0)

# %% [markdown]
# ## The model, the inputs and the metric
#
# The model is the induction-heads notebook's (loaded from the shared artifact cache, or
# trained now in about half a minute). As in the activation-patching notebook, a **clean**
# input is $H = 10$ random tokens followed by the same ten tokens, and its **corrupted**
# twin has the first half replaced by other random tokens, so that the second half has
# nothing to copy from. The metric, per example, is the mean log-probability of the clean
# next token over the repeated half.

# %%
model, _ = induction_model()
cfg = model.cfg
H = INDUCTION_MODEL["half_range"][1]
n_examples = 200
clean, corrupted = clean_and_corrupted(n_examples, H, cfg.vocab_size, torch.Generator().manual_seed(123))
repeat = slice(H, 2 * H - 1)  # the positions that predict the repeated tokens H + 1 .. 2H - 1


def repeat_logprob(logits: torch.Tensor) -> torch.Tensor:
    """(batch,): mean log-probability of the clean next token over the repeated half."""
    logprobs = logits.log_softmax(dim=-1)[:, repeat]
    return logprobs.gather(-1, clean[:, H + 1 :, None]).squeeze(-1).mean(-1)


with torch.no_grad():
    clean_logits, clean_cache = model.run_with_cache(clean)
    corrupted_logits, corrupted_cache = model.run_with_cache(corrupted)
clean_score, corrupted_score = repeat_logprob(clean_logits).mean().item(), repeat_logprob(corrupted_logits).mean().item()
gap = clean_score - corrupted_score
print(f"mean log p(correct): clean {clean_score:.3f}, corrupted {corrupted_score:.3f} (gap {gap:.2f} nats; "
      f"uniform guessing {-np.log(cfg.vocab_size):.2f})")
assert gap > 2, f"the corruption should break the behaviour: gap {gap:.2f}"

# %% [markdown]
# ## Attribution patching
#
# Denoising one head $h$ replaces its corrupted output $a_h$ by the clean one $a'_h$ and
# measures the metric $M$ again. To first order,
#
# $$M(a_h \to a'_h) - M \approx (a'_h - a_h) \cdot \frac{\partial M}{\partial a_h}\Big|_\text{corrupted},$$
#
# and one backward pass of the corrupted run gives the gradient for every head, every
# position and every example at once. We compare the estimate with the exact patch for each
# head and each of the 200 examples separately (the examples are independent in a batch, so
# one patched run per head gives all 200 exact effects).
#
# **Exercise 1.** Write `attribution_patch(clean, corrupted, grad)`: three tensors of shape
# (batch, pos, head, d_model), the head outputs of both runs and the metric's gradient in the
# corrupted run; return the estimate per example and head, (batch, head). The checker
# recognises the sign the wrong way round (noising instead of denoising), gradient times the
# activation alone, and a sum over the wrong axes.

# %% tags=["exercise"]
def attribution_patch(clean: torch.Tensor, corrupted: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    """(batch, head): the linear estimate of the metric's change when each head's corrupted output
    (batch, pos, head, d_model) is replaced by its clean one, summed over positions."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def attribution_patch(clean: torch.Tensor, corrupted: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    """(batch, head): the linear estimate of the metric's change when each head's corrupted output
    (batch, pos, head, d_model) is replaced by its clean one, summed over positions."""
    return ((clean - corrupted) * grad).sum(dim=(1, 3))


# %%
attribution_patch = lab.checks_circuits.attribution_patch(attribution_patch)
names = [f"blocks.{layer}.attn.head_out" for layer in range(cfg.n_layers)]
acts, grads = metric_gradients(model, corrupted, repeat_logprob, names)
estimate = {layer: attribution_patch(clean_cache[name], acts[name], grads[name]) / gap for layer, name in enumerate(names)}
exact = {layer: exact_head_patching(model, corrupted, clean_cache, layer, repeat_logprob) / gap for layer in range(cfg.n_layers)}
shuffled = estimate[1].flatten()[torch.randperm(estimate[1].numel(), generator=torch.Generator().manual_seed(0))]


def correlation(a: torch.Tensor, b: torch.Tensor) -> float:
    return np.corrcoef(a.flatten().numpy(), b.flatten().numpy())[0, 1]


r = {layer: correlation(estimate[layer], exact[layer]) for layer in exact}
r_shuffled = correlation(shuffled, exact[1])
for layer in exact:
    print(f"layer {layer}: mean recovered fraction per head, exact {np.round(exact[layer].mean(0).numpy(), 3)}, "
          f"estimated {np.round(estimate[layer].mean(0).numpy(), 3)}; correlation over (example, head) {r[layer]:.3f}")
print(f"control: the layer-1 estimates shuffled across (example, head): correlation {r_shuffled:.3f}")

fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
for ax, layer in zip(axes, exact):
    for h in range(cfg.n_heads):
        ax.scatter(exact[layer][:, h], estimate[layer][:, h], s=4, label=f"{layer}.{h}")
    lo, hi = min(exact[layer].min(), estimate[layer].min()).item(), max(exact[layer].max(), estimate[layer].max()).item()
    ax.plot([lo, hi], [lo, hi], color="0.4", lw=0.8, ls="--")
    ax.set(xlabel="exact patch (fraction of the gap)", ylabel="attribution estimate", title=f"layer {layer}: r = {r[layer]:.2f}")
    ax.legend(fontsize=7, markerscale=2)
plt.show()

# %% [markdown]
# The claim for layer 1: over all (example, head) pairs the estimate and the exact patch
# correlate above `AGREE` = 0.9, while the shuffled estimates (the same numbers, paired with
# the wrong patches) stay below `AGREE - MARGIN`, with `MARGIN` = 0.3. For layer 0 the same
# comparison falls below `AGREE - MARGIN` too.

# %%
AGREE, MARGIN = 0.9, 0.3
assert r[1] > AGREE and abs(r_shuffled) < AGREE - MARGIN, f"attribution should track the exact patches of layer 1: {r[1]:.3f}, shuffled {r_shuffled:.3f}"
assert r[0] < AGREE - MARGIN, f"attribution should fail for layer 0, which acts through layer 1's attention: {r[0]:.3f}"

# %%
ratio = estimate[1].mean(0) / exact[1].mean(0)
Markdown(f"For the layer-1 heads the estimate is close: a correlation of {r[1]:.3f}, against {r_shuffled:.3f} for the "
         f"shuffled control; its mean over the examples is {ratio.min():.2f} to {ratio.max():.2f} times each head's exact "
         f"mean effect. For the layer-0 heads the correlation is only {r[0]:.2f}, on effects that are small in any case "
         f"(the largest mean effect of a layer-0 head is {exact[0].mean(0).abs().max():.2f} of the gap: denoising one of "
         f"them recovers almost nothing, as the activation-patching notebook found).")

# %% [markdown]
# The likely reason for the difference: a layer-1 head writes straight into the logits (the
# model has no MLPs and no LayerNorm), so the only non-linearity between it and the metric is
# the final log-softmax, and a straight line is a good description of it. A layer-0 head reaches the
# metric through the *attention patterns* of layer 1: its output changes which key an
# induction head attends to, a softmax that the trained model has made sharp. The gradient at
# the corrupted run says how the metric moves for a small step from there, not what happens
# when the attention jumps to another position. Attribution patching is therefore a quick
# way to rank candidates for real patches (as Syed et al. use it [@syed2023attribution]), not a substitute for them
# where a component acts through attention.
#
# ## Path patching between two heads
#
# The activation-patching notebook showed that the previous-token heads matter through the
# keys of layer 1 as a whole. Here we take one sender, the layer-0 head with the highest
# previous-token score, and one receiver, the layer-1 head with the highest induction score,
# and change only what the *receiver* reads from the *sender*: in the clean run, the receiver's
# queries, keys or values (each alone, then all three) are computed from a residual stream in
# which the sender's output is the corrupted run's. `lab.circuits.path_patch` does it in two
# passes with `run_with_patches_and_cache`: the first adds the change to the layer's inputs and
# records the queries, keys and values that result; the second is the clean run with only the
# receiver's own taken from the first. Every other head sees the clean stream.
#
# Several induction heads do the same job, so the model's output hardly moves when one of them
# is disturbed; we measure the receiver's own contribution instead, its **direct logit
# attribution**: what its output adds to the logit of the correct token through $W_U$ (exact
# here, as there is no final LayerNorm), averaged over the repeated half.

# %%
previous = previous_token_scores(clean_cache["blocks.0.attn.pattern"])
induction = induction_scores(clean_cache["blocks.1.attn.pattern"])
sender, receiver = int(previous.argmax()), int(induction.argmax())
targets = clean[:, H + 1 :]


def receiver_logit(cache: dict, head: int = receiver) -> float:
    return head_logit(cache, 1, head, model.W_U.weight, targets, repeat)


def sender_delta(head: int) -> torch.Tensor:
    return corrupted_cache["blocks.0.attn.head_out"][:, :, head] - clean_cache["blocks.0.attn.head_out"][:, :, head]


full_drop = receiver_logit(clean_cache) - receiver_logit(corrupted_cache)
patched = {reads: path_patch(model, clean, sender_delta(sender), 1, receiver, reads) for reads in ("q", "k", "v", "qkv")}
drop = {reads: receiver_logit(clean_cache) - receiver_logit(cache) for reads, (_, cache) in patched.items()}
model_lost = (clean_score - repeat_logprob(patched["qkv"][0]).mean().item()) / gap
share = {read: drop[read] / drop["qkv"] for read in "qkv"}
print(f"sender 0.{sender} (previous-token score {previous[sender]:.2f}), receiver 1.{receiver} (induction score {induction[receiver]:.2f})")
print(f"receiver's direct logit contribution: clean {receiver_logit(clean_cache):.2f}, corrupted run {receiver_logit(corrupted_cache):.2f}")
print(f"lost when the receiver reads the corrupted sender through: all three {drop['qkv']:.3f} "
      f"({drop['qkv'] / full_drop:.2f} of the receiver's whole loss); as shares of that: "
      + ", ".join(f"{name} {share[read]:.3f}" for read, name in (("q", "queries"), ("k", "keys"), ("v", "values"))))
print(f"the model's own metric loses {model_lost:.3f} of the clean-corrupted gap: the other induction heads cover for this one")

# %% [markdown]
# The claim: of everything the sender does to the receiver, the key path alone carries at
# least `MAJOR` = 0.8, the query path and the value path each less than `MINOR` = 0.1 in size
# (the paths are each other's control); and the sender matters, its paths together accounting
# for at least `SUBSTANTIAL` = 0.3 of what the receiver loses in the fully corrupted run.

# %%
MAJOR, MINOR, SUBSTANTIAL = 0.8, 0.1, 0.3
assert drop["qkv"] > SUBSTANTIAL * full_drop, f"the sender should matter to the receiver: {drop['qkv']:.3f} of {full_drop:.3f}"
assert share["k"] > MAJOR and abs(share["q"]) < MINOR and abs(share["v"]) < MINOR, f"the keys should carry it: {share}"

# %%
Markdown(f"Through the keys alone the receiver loses {share['k']:.2f} of what it loses through all three reads; through the "
         f"queries {share['q']:.3f} and through the values {share['v']:.3f}: the previous-token head acts on this "
         f"induction head through its keys.")

# %% [markdown]
# The same key-path patch for every (sender, receiver) pair, as a fraction of what each
# receiver loses in the corrupted run:

# %%
def key_path_fraction(snd: int, rcv: int) -> float:
    """What receiver 1.rcv loses when only its keys see sender 0.snd's corrupted output, as a fraction of its whole loss."""
    lost = receiver_logit(clean_cache, rcv) - receiver_logit(path_patch(model, clean, sender_delta(snd), 1, rcv, "k")[1], rcv)
    return lost / (receiver_logit(clean_cache, rcv) - receiver_logit(corrupted_cache, rcv))


key_path = np.array([[key_path_fraction(snd, rcv) for rcv in range(cfg.n_heads)] for snd in range(cfg.n_heads)])
fig, ax = plt.subplots(figsize=(4.2, 3.2))
image = ax.imshow(key_path, cmap="Blues", vmin=0)
for snd in range(cfg.n_heads):
    for rcv in range(cfg.n_heads):
        ax.text(rcv, snd, f"{key_path[snd, rcv]:.2f}", ha="center", va="center", fontsize=8)
ax.set(xticks=range(cfg.n_heads), yticks=range(cfg.n_heads), xticklabels=[f"1.{h}" for h in range(cfg.n_heads)],
       yticklabels=[f"0.{h} ({previous[h]:.2f})" for h in range(cfg.n_heads)], xlabel="receiver (layer 1)",
       ylabel="sender (previous-token score)", title="Key path: fraction of the receiver's loss")
fig.colorbar(image, ax=ax)
plt.show()
weakest = int(np.abs(key_path).sum(1).argmin())
outranked = int((previous < previous[weakest]).sum())
assert (key_path.argmax(0) == sender).all(), "every induction head should get its keys mostly from the same previous-token head"

# %%
Markdown(f"Every induction head gets its keys mostly from head 0.{sender}. A high previous-token score is not the whole "
         f"story: head 0.{weakest} attends to the previous token (score {previous[weakest]:.2f}, higher than {outranked} of "
         f"the other layer-0 heads) and yet its key path moves at most {np.abs(key_path[weakest]).max():.3f} of any receiver's "
         f"loss: attending to the previous token is of no use unless the head also writes something the keys can read. "
         f"Attention patterns suggest a circuit; patching tests it.")

# %% [markdown]
# ## A resampling test of the whole hypothesis
#
# The **induction hypothesis**, for what layer 1 reads from layer 0: at each position $j$,
#
# * the keys need only the *previous* token, $x_{j-1}$ (what the previous-token head moved there);
# * the queries and the values need nothing from layer 0 (the current token's own embedding,
#   which we leave in place, is enough).
#
# Causal scrubbing [@chan2022causal] tests such a claim by *resampling*: replace an
# activation by its value on another input that agrees on what the hypothesis says it
# depends on, and on nothing else by design. If the hypothesis is right, the loss does not
# change. Our version resamples one level: for each read (queries, keys, values) and each
# position $j$, what layer 0 wrote is taken from a **donor** sequence, a fresh repeated
# sequence from the same distribution into which the tokens the hypothesis keeps are copied;
# the token embedding at $j$ stays the real one. A read the hypothesis says needs nothing
# gets an unmodified donor.
#
# **Exercise 2.** Write `resample_tokens(tokens, donors, offsets)`: tokens (batch, pos),
# donors (batch, pos, pos) with `donors[b, j]` the donor for position $j$; return the donors
# with `donors[b, j, j + o] = tokens[b, j + o]` for each offset $o$ (the induction hypothesis
# keeps $o = -1$ for the keys), skipping offsets that fall outside the sequence. The checker
# recognises the offset applied the wrong way, copying into every donor at once, and
# wrapping around (position 0's "previous token" is not the last one).

# %% tags=["exercise"]
def resample_tokens(tokens: torch.Tensor, donors: torch.Tensor, offsets: list[int]) -> torch.Tensor:
    """tokens (batch, pos), donors (batch, pos, pos): a copy of donors in which donors[b, j, j + o] = tokens[b, j + o]
    for every o in offsets and every j with 0 <= j + o < pos."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def resample_tokens(tokens: torch.Tensor, donors: torch.Tensor, offsets: list[int]) -> torch.Tensor:
    """tokens (batch, pos), donors (batch, pos, pos): a copy of donors in which donors[b, j, j + o] = tokens[b, j + o]
    for every o in offsets and every j with 0 <= j + o < pos."""
    out = donors.clone()
    n = tokens.shape[1]
    for o in offsets:
        for j in range(max(0, -o), min(n, n - o)):
            out[:, j, j + o] = tokens[:, j + o]
    return out


# %% [markdown]
# We score three hypotheses by the **loss recovered**: 0 for the loss when every read gets a
# free donor (layer 0 contributes nothing true), 1 for the clean loss:
#
# * **induction**: keys keep $x_{j-1}$; queries and values get free donors;
# * **induction, refined**: keys keep $x_{j-1}$ and $x_j$ (the layer-0 output at $j$ also
#   carries the token there);
# * **wrong**: keys keep $x_j$ only, the hypothesis that the keys match the current token
#   itself (a "duplicate-token" circuit).
#
# The same donors serve every hypothesis, so the three differ only in what they keep.

# %%
resample_tokens = lab.checks_circuits.resample_tokens(resample_tokens)
n_pos = 2 * H
donor_generator = torch.Generator().manual_seed(7)
donors = {read: repeated_tokens(n_examples * n_pos, H, cfg.vocab_size, donor_generator).view(n_examples, n_pos, n_pos)
          for read in "qkv"}


def scrubbed_loss(hypothesis: dict) -> float:
    return -repeat_logprob(scrubbed_logits(model, clean, hypothesis, donors, resample=resample_tokens)).mean().item()


hypotheses = {"nothing (every read resampled)": {"q": [], "k": [], "v": []},
              "induction": {"q": [], "k": [-1], "v": []},
              "induction, refined": {"q": [], "k": [-1, 0], "v": []},
              "wrong: keys match the current token": {"q": [], "k": [0], "v": []}}
loss = {name: scrubbed_loss(h) for name, h in hypotheses.items()}
clean_loss, floor = -clean_score, loss["nothing (every read resampled)"]
recovered = {name: (floor - value) / (floor - clean_loss) for name, value in loss.items()}
print(f"clean loss {clean_loss:.3f} nats")
for name in hypotheses:
    print(f"{name:>38}: loss {loss[name]:.3f}, recovered {recovered[name]:.3f}")

fig, ax = plt.subplots(figsize=(6, 2.6))
ax.barh(list(recovered)[::-1], list(recovered.values())[::-1], color=["C3", "C2", "C2", "0.6"])
ax.axvline(1, color="0.3", lw=0.8, ls="--")
ax.set(xlabel="fraction of the loss recovered", title="Resampling what each hypothesis says does not matter")
plt.show()

# %% [markdown]
# The claim: the induction hypothesis recovers at least `MOST` = 0.8 of the loss, and the wrong
# one at most `FEW` = 0.2.

# %%
MOST, FEW = 0.8, 0.2
assert recovered["induction"] > MOST, f"the induction hypothesis should recover most of the loss: {recovered['induction']:.3f}"
assert recovered["wrong: keys match the current token"] < FEW, f"the wrong hypothesis should not: {recovered}"

# %%
Markdown(f"Keeping only the previous token in the keys recovers {recovered['induction']:.0%} of the loss; keeping the "
         f"current token as well, {recovered['induction, refined']:.0%}, with the queries and values still resampled freely; "
         f"keeping the current token alone, {recovered['wrong: keys match the current token']:.0%}."
         + (" A fraction above 100 % means the scrubbed model did better than the real one: resampling also removed "
            "something layer 0 writes that hurts the prediction on this distribution."
            if max(recovered.values()) > 1 else ""))

# %% [markdown]
# The simple hypothesis leaves some of the loss unexplained, and the refinement says what: the
# keys also use the current token, as layer 0 mixed it in. That is how causal scrubbing is
# meant to be used, as a loop of hypothesis, test and refinement, with the unexplained loss
# pointing at what is missing.
#
# What this test does and does not show: it checks one level of the model (what layer 1 reads
# from layer 0) on one input distribution, with each position's donor drawn independently.
# Chan et al.'s method resamples recursively through every node the hypothesis names, and a
# hypothesis that passes on repeated random tokens says nothing about text. Passing is
# evidence that the hypothesis *suffices* on this distribution; other hypotheses might pass
# too.
#
# ## Takeaways
#
# * Attribution patching (one backward pass) tracked the exact patches of the heads that write
#   into the logits, and failed for the heads that act through attention: use it to rank, then
#   patch.
# * Path patching between one sender and one receiver put the previous-token head's whole
#   effect on an induction head in the receiver's keys.
# * A resampling test turned the induction hypothesis into a number, and a wrong hypothesis
#   scored far lower on the same test.
