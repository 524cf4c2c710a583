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
# # Learning from preferences: DPO on a LoRA adapter, and reward hacking
#
# A pretrained language model imitates its training text. To make it behave as people *prefer*,
# InstructGPT [@ouyang2022training] followed Christiano et al. [@christiano2017deep]: collect comparisons ("of these
# two answers, this one is better"), fit a reward model $r$ to them, then optimise the model with
# reinforcement learning to maximise $r$ while a KL penalty keeps it close to the pretrained
# reference $\pi_\text{ref}$:
#
# $$\max_\pi \; \mathbb{E}_{y \sim \pi}\, r(y) \;-\; \beta\, \mathrm{KL}(\pi \,\|\, \pi_\text{ref}).$$
#
# Rafailov et al. [@rafailov2023direct] noticed that this objective has a closed-form optimum,
# $\pi^*(y) \propto \pi_\text{ref}(y)\, e^{r(y)/\beta}$, so that $r(y) = \beta \log \frac{\pi^*(y)}{\pi_\text{ref}(y)}$
# plus a constant. Put that into the Bradley-Terry model of a comparison,
# $P(y_w \succ y_l) = \sigma(r(y_w) - r(y_l))$, and the constant cancels: the policy can be fitted to
# the comparisons *directly*, with no reward model and no reinforcement learning. This is **direct
# preference optimisation** (DPO): for a preferred sample $y_w$ and a dispreferred $y_l$,
#
# $$\mathcal{L}_\text{DPO} = -\log \sigma\!\left(\beta \log \frac{\pi(y_w)}{\pi_\text{ref}(y_w)} - \beta \log \frac{\pi(y_l)}{\pi_\text{ref}(y_l)}\right).$$
#
# We fine-tune only a **low-rank adapter** (LoRA [@hu2021lora]): each chosen weight matrix $W_0$ stays
# frozen and learns an update $\frac{\alpha}{r} B A$ of rank $r$.
#
# The model is the course's character-level GPT (trained in the gpt-from-scratch notebook, loaded from
# the shared cache). The preference we teach it is simple enough to check by counting: *stories that
# mention a girl are better*. The second half asks what happens when the comparisons come from a
# grader that checks a surface feature instead (Pan et al. study this *reward misspecification*
# in reinforcement learning [@pan2022effects]).

# %%
import matplotlib.pyplot as plt
import torch
from IPython.display import Markdown

import lab
import lab.checks_preference
from lab.data import tiny_stories
from lab.lora import add_lora, lora_parameters
from lab.models import char_gpt
from lab.preference import (
    kl_per_sequence,
    pair_agreement,
    preference_pairs,
    sequence_logprob,
    train_dpo,
    word_count,
)
from lab.sampling import sample

lab.notebook_setup(seed=0)

model, tokenizer, _ = char_gpt()
model.requires_grad_(False)  # the reference model is never trained
NEW = model.cfg.context_length - 1  # each sample: a newline (the start of a story), then 63 characters
NEWLINE = tokenizer.encode("\n")[0]


def draw(policy, n: int, seed: int) -> tuple[torch.Tensor, list[str]]:
    """n story openings sampled from ``policy`` at temperature 1: the tokens (n, 64) and the texts."""
    generator = torch.Generator().manual_seed(seed)
    prompts = torch.full((n, 1), NEWLINE).split(256)  # on a CPU, batches of 256 are faster than one large one
    tokens = torch.cat([sample(policy, part, NEW, generator) for part in prompts])
    return tokens, [tokenizer.decode(row[1:].tolist()) for row in tokens]


# %% [markdown]
# ## What the reference model writes
#
# Each sample is the first 63 characters the model writes after a newline, where a new story begins
# (sampled with a key-value cache, `lab.sampling.sample`: the same distribution as `model.generate`,
# several times faster). The model is small and its spelling wanders, but its words come from the
# stories. The *target rate* is the share of samples that contain the word **girl**.

# %%
WORD = "girl"
ref_tokens, ref_texts = draw(model, 1024, seed=1)
mentions = torch.tensor([float(word_count(text, WORD) > 0) for text in ref_texts])
reference_rate = mentions.mean().item()
for text in ref_texts[:4]:
    print(repr(text))
print(f"reference model: {reference_rate:.3f} of {len(ref_texts)} samples contain {WORD!r}")
assert 0.05 <= reference_rate <= 0.5, "the comparisons need samples with the word and samples without it"

# %% [markdown]
# ## A LoRA adapter
#
# `lab.lora.LoRALinear` wraps a frozen `nn.Linear` (weight $W_0$, bias $b$):
# $h = W_0 x + b + \frac{\alpha}{r} B A x$, with $A$ ($r \times d_\text{in}$) Gaussian and $B$
# ($d_\text{out} \times r$) zero, so the adapted layer starts as the original exactly.
#
# **Exercise 1.** Write that forward pass, `lora_forward(x, weight, bias, A, B, alpha)`. The checker
# recognises a missing or wrong scale ($\alpha$ instead of $\alpha / r$) and a dropped bias; later we
# check your function against the trained adapters.

# %% tags=["exercise"]
def lora_forward(x, weight, bias, A, B, alpha):
    """x (batch, d_in); weight (d_out, d_in), bias (d_out,): the frozen layer; A (r, d_in), B (d_out, r).
    Returns (batch, d_out)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def lora_forward(x, weight, bias, A, B, alpha):
    """x (batch, d_in); weight (d_out, d_in), bias (d_out,): the frozen layer; A (r, d_in), B (d_out, r).
    Returns (batch, d_out)."""
    rank = A.shape[0]
    return x @ weight.T + bias + (alpha / rank) * (x @ A.T) @ B.T


# %% [markdown]
# `add_lora` copies the model, freezes every weight and puts an adapter of rank 4 ($\alpha = 8$) on
# both matrices of each block's MLP. (Hu et al. adapt the attention projections; in `lab.gpt` those are
# per-head tensors, not linear layers, so we adapt the MLPs.) Two properties make it an adapter, and we
# check both: at initialisation the adapted model computes *exactly* what the reference computes, and a
# backward pass reaches only the adapters' $A$ and $B$.

# %%
lora_forward = lab.checks_preference.lora_forward(lora_forward)
RANK, ALPHA = 4, 8.0
torch.manual_seed(0)
policy = add_lora(model, RANK, ALPHA)
with torch.no_grad():
    assert torch.equal(policy(ref_tokens[:16]), model(ref_tokens[:16])), "B = 0: the adapter must start as the identity"
sequence_logprob(policy, ref_tokens[:4], 1).sum().backward()
adapters = {id(p) for p in lora_parameters(policy)}
with_grad = [name for name, p in policy.named_parameters() if p.grad is not None]
assert len(with_grad) == len(adapters) and all(id(p) in adapters for p in policy.parameters() if p.grad is not None)
policy.zero_grad(set_to_none=True)
n_adapter = sum(p.numel() for p in lora_parameters(policy))
n_model = sum(p.numel() for p in model.parameters())
print(f"trainable: {n_adapter:,} adapter parameters ({n_adapter / n_model:.1%} of the model's {n_model:,}); "
      f"parameters that received a gradient: {len(with_grad)}, all of them adapters")

# %% [markdown]
# ## Comparisons, and the DPO loss
#
# The labeller prefers a sample that mentions a girl to one that does not. From the 1024 reference
# samples we draw 2000 such comparisons (pairs in which exactly one sample contains the word), as a
# person comparing pairs of stories would produce them.
#
# **Exercise 2.** Write `dpo_loss(policy_chosen, policy_rejected, reference_chosen, reference_rejected, beta)`:
# each argument holds the log-probabilities $\log \pi(y)$ of whole samples, one per pair; return the
# mean over the pairs of $\mathcal{L}_\text{DPO}$ above. The checker recognises a loss without the
# reference model, swapped pairs, a missing $\beta$, a flipped sign and a sum over pairs. The training
# loop (`lab.preference.train_dpo`) calls your function.

# %% tags=["exercise"]
def dpo_loss(policy_chosen, policy_rejected, reference_chosen, reference_rejected, beta):
    """Each argument (batch,): sequence log-probabilities under the policy or the reference model.
    Returns the mean DPO loss, a scalar."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def dpo_loss(policy_chosen, policy_rejected, reference_chosen, reference_rejected, beta):
    """Each argument (batch,): sequence log-probabilities under the policy or the reference model.
    Returns the mean DPO loss, a scalar."""
    chosen_ratio = policy_chosen - reference_chosen  # log pi(y_w) / pi_ref(y_w)
    rejected_ratio = policy_rejected - reference_rejected
    return -torch.nn.functional.logsigmoid(beta * (chosen_ratio - rejected_ratio)).mean()


# %% [markdown]
# Training: $\beta = 0.1$, Adam at learning rate $10^{-3}$ on the adapters only, 20 steps of 32
# comparisons. The reference log-probabilities are computed once. Comparisons with a deterministic
# winner can drive the DPO loss towards zero only by moving $\pi$ ever further from $\pi_\text{ref}$,
# so the short schedule, not $\beta$ alone, is what keeps the policy near the reference here
# (one of the exercises at the end asks what a longer one does).

# %%
dpo_loss = lab.checks_preference.dpo_loss(dpo_loss)
BETA, STEPS, BATCH, LR = 0.1, 20, 32, 1e-3
with torch.no_grad():
    ref_logprobs = torch.cat([sequence_logprob(model, part, 1) for part in ref_tokens.split(64)])  # (1024,)
chosen, rejected = preference_pairs(mentions, 2000, torch.Generator().manual_seed(2))
losses = {"true labels": train_dpo(policy, ref_tokens, 1, chosen, rejected, ref_logprobs, BETA, STEPS, BATCH, LR,
                                   loss_fn=dpo_loss)}
print(f"{len(chosen)} comparisons; DPO loss {losses['true labels'][0]:.3f} at the first step "
      f"(log 2 = 0.693: the policy is the reference), {losses['true labels'][-1]:.3f} at the last")

# %% [markdown]
# ## Did the preference take?
#
# 512 fresh samples from the tuned policy. Two numbers: the target rate, and how far the policy moved,
# $\mathrm{KL}(\pi \,\|\, \pi_\text{ref})$ over whole 63-character samples, computed exactly position by
# position along the policy's own samples (`lab.preference.kl_per_sequence`).
#
# A lower bound puts the KL in proportion: any policy whose samples contain the word at rate $p$ where
# the reference's do at rate $q$ is at least $\mathrm{KL}(\mathrm{Bernoulli}(p) \,\|\, \mathrm{Bernoulli}(q))$
# away from it (the data-processing inequality: KL can only shrink when whole samples are reduced to
# "mentions the word or not").
#
# **The claims.** The tuned policy's target rate is at least `GAIN` = 2 times the reference model's
# (the control: the same sampling from the reference, which is also what the policy is with nothing
# learned), while its KL to the reference stays below `KL_BOUND` = 5 nats per sample (0.08 nats per
# character, under a tenth of the reference model's own entropy per sample, printed below) and above
# the lower bound.

# %%
GAIN, KL_BOUND = 2.0, 5.0


def binary_kl(p: float, q: float) -> float:
    """KL(Bernoulli(p) || Bernoulli(q)) in nats."""
    return sum(a * torch.log(torch.tensor(a / b)).item() for a, b in ((p, q), (1 - p, 1 - q)) if a > 0)


policy_tokens, policy_texts = draw(policy, 512, seed=3)
policy_rate = sum(word_count(text, WORD) > 0 for text in policy_texts) / len(policy_texts)
policy_kl = kl_per_sequence(policy, model, policy_tokens, 1).mean().item()
kl_floor = binary_kl(policy_rate, reference_rate)
for text in policy_texts[:4]:
    print(repr(text))
print(f"target rate: reference {reference_rate:.3f}, tuned {policy_rate:.3f} ({policy_rate / reference_rate:.1f} times)")
reference_entropy = -ref_logprobs.mean().item()  # nats per sample, estimated on the reference's own samples
print(f"KL(tuned || reference) = {policy_kl:.2f} nats per sample ({policy_kl / NEW:.3f} per character); "
      f"the least any policy with this target rate needs: {kl_floor:.2f}; the reference's entropy: {reference_entropy:.1f}")
assert policy_rate >= GAIN * reference_rate, f"the preference should at least double the target rate: {policy_rate:.3f}"
assert kl_floor <= policy_kl < KL_BOUND < reference_entropy / 10, f"the policy should stay near the reference: KL {policy_kl:.2f} nats"

# %%
layer = policy.blocks[0].mlp.W_in
x = torch.randn(5, layer.base.in_features)
with torch.no_grad():
    assert torch.allclose(lora_forward(x, layer.base.weight, layer.base.bias, layer.A, layer.B, layer.alpha), layer(x), atol=1e-5)
    update = (layer.alpha / layer.rank) * layer.B @ layer.A
print(f"lora_forward reproduces the trained adapter; its update to block 0's W_in has rank "
      f"{torch.linalg.matrix_rank(update).item()} and norm {update.norm():.3f} (W_0: {layer.base.weight.norm():.3f})")

# %%
Markdown(f"The tuned policy mentions a girl in {policy_rate:.0%} of its samples against the reference's "
         f"{reference_rate:.0%}, after {STEPS} steps on {n_adapter:,} parameters. It paid "
         f"{policy_kl:.2f} nats of KL per sample for it, about {policy_kl / kl_floor:.0f} times the least "
         "possible. That least is reached only by a policy that reweights samples by whether they mention "
         "the word and changes nothing else; DPO moves the probability of whole samples, and the rest of its "
         "KL went into other changes to what the model writes.")


# %% [markdown]
# ## Reward hacking: a grader that counts pronouns
#
# Now suppose the comparisons come from a cheaper grader. Stories about a girl say *she* and *her*, so
# it counts those words and prefers the sample with more of them. On the training stories this looks
# like a sound proxy. We measure how often it agrees with the true label, over the pairs in which both
# the label and the count differ, on the corpus's own story openings and on the reference model's
# samples, the ones it will actually grade:

# %%
def pronouns(text: str) -> int:
    """The proxy reward: how often the text says she or her."""
    return sum(word_count(text, w) for w in ("She", "she", "Her", "her"))


corpus_openings = [story.text[:NEW] for story in tiny_stories()[:1024]]
corpus_labels = torch.tensor([float(word_count(t, WORD) > 0) for t in corpus_openings])
agreement_corpus = pair_agreement(corpus_labels, torch.tensor([float(pronouns(t)) for t in corpus_openings]))
proxy_scores = torch.tensor([float(pronouns(text)) for text in ref_texts])
agreement_samples = pair_agreement(mentions, proxy_scores)
print(f"the pronoun count agrees with the label on {agreement_corpus:.0%} of such pairs of corpus openings, "
      f"on {agreement_samples:.0%} of such pairs of the reference model's samples")
assert agreement_corpus > 0.95 and agreement_samples < 0.6, "the text below says so: update it if these change"

# %%
def pronoun_share(texts: list[str], word: str) -> float:
    """Among the texts that contain ``word``, the share that also say she or her."""
    having = [t for t in texts if word_count(t, word) > 0]
    return sum(pronouns(t) > 0 for t in having) / len(having)


Markdown(f"On the corpus the count agrees with the label in {agreement_corpus:.0%} of the pairs it can tell apart; "
         f"on the model's samples in {agreement_samples:.0%}, no better than a coin. The small model links the "
         f"pronoun to the hero only weakly: {pronoun_share(ref_texts, 'girl'):.0%} of its samples that mention a girl "
         f"say she or her, and {pronoun_share(ref_texts, 'boy'):.0%} of those that mention a boy.")

# %% [markdown]
# Same training recipe as before, same reference samples, only the labels change: 2000 comparisons won
# by the sample with more pronouns.
#
# **The claims.** Under optimisation the proxy goes up, to at least `GAIN` = 2 times the reference's
# pronoun count per sample, while the intended behaviour does not: the target rate stays below
# `NO_GAIN` = 1.5 times the reference's (the honest labels reached at least 2 times).

# %%
NO_GAIN = 1.5
proxy_chosen, proxy_rejected = preference_pairs(proxy_scores, 2000, torch.Generator().manual_seed(2))
torch.manual_seed(0)
hacked = add_lora(model, RANK, ALPHA)
losses["pronoun grader"] = train_dpo(hacked, ref_tokens, 1, proxy_chosen, proxy_rejected, ref_logprobs, BETA, STEPS,
                                     BATCH, LR, loss_fn=dpo_loss)
hacked_tokens, hacked_texts = draw(hacked, 512, seed=3)
hacked_rate = sum(word_count(text, WORD) > 0 for text in hacked_texts) / len(hacked_texts)
reference_proxy = proxy_scores.mean().item()
hacked_proxy = sum(pronouns(text) for text in hacked_texts) / len(hacked_texts)
policy_proxy = sum(pronouns(text) for text in policy_texts) / len(policy_texts)
hacked_kl = kl_per_sequence(hacked, model, hacked_tokens, 1).mean().item()
for text in hacked_texts[:4]:
    print(repr(text))
print("                     | pronouns per sample | target rate | KL to reference")
for name, proxy, rate, kl in (("reference", reference_proxy, reference_rate, 0.0),
                              ("DPO, true labels", policy_proxy, policy_rate, policy_kl),
                              ("DPO, pronoun grader", hacked_proxy, hacked_rate, hacked_kl)):
    print(f" {name:20s}|        {proxy:.3f}        |    {rate:.3f}    |     {kl:.2f}")
assert hacked_proxy >= GAIN * reference_proxy, f"the proxy should go up under optimisation: {hacked_proxy:.3f}"
assert hacked_rate < NO_GAIN * reference_rate, f"the intended behaviour should not: target rate {hacked_rate:.3f}"

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 2.8))
for name, curve in losses.items():
    ax1.plot(curve, label=name)
ax1.axhline(torch.log(torch.tensor(2.0)).item(), color="grey", ls=":", lw=1)
ax1.set(xlabel="step", ylabel="DPO loss", title="training")
ax1.legend(fontsize=8)
names = ["reference", "DPO,\ntrue labels", "DPO,\npronoun grader"]
ax2.bar([i - 0.2 for i in range(3)], [reference_rate, policy_rate, hacked_rate], width=0.4, label=f"target rate ({WORD!r})")
ax2.bar([i + 0.2 for i in range(3)], [reference_proxy, policy_proxy, hacked_proxy], width=0.4, label="pronouns per sample")
ax2.set_xticks(range(3), names)
ax2.set_ylim(0, 1.6 * max(policy_rate, hacked_proxy))  # room for the legend
ax2.set_title("what each policy writes")
ax2.legend(fontsize=8, loc="upper left")
plt.show()

# %%
def she_and_boy(texts: list[str]) -> float:
    return sum(pronouns(t) > 0 and word_count(t, "boy") > 0 for t in texts) / len(texts)


Markdown(f"The grader's policy says *she* or *her* {hacked_proxy:.2f} times per sample, against the "
         f"reference's {reference_proxy:.2f}, and mentions a girl in {hacked_rate:.0%} of its samples "
         f"(reference: {reference_rate:.0%}). {she_and_boy(hacked_texts):.0%} of its samples have a pronoun and "
         f"the word *boy* (reference: {she_and_boy(ref_texts):.0%}). It learned what the grader measures, not "
         "what the grader was meant to measure.")

# %% [markdown]
# **What this shows and what it does not.** A proxy that is right wherever it was checked (on the
# corpus) can be worthless on the distribution the optimiser actually produces, and optimisation finds
# the cheapest way to raise it. Here that is a grader's blind spot in a toy; Pan et al. [@pan2022effects] map the
# same failure in reinforcement-learning environments, where more capable agents achieve higher proxy
# reward and lower true reward, sometimes abruptly. We did not reproduce their capability scaling: our
# two policies have the same size and budget, and the "true reward" is a word count we chose. DPO also
# uses no reward model; with RLHF a learned reward model would be the proxy, and a policy trained against
# it can exploit its errors in the same way.
#
# **Exercises.** (1) Make the grader honest but noisy: flip 30 % of the true comparisons. How much of the
# gain survives? (2) Train for 40 steps instead of 20 and measure the target rate, the KL and what the
# samples look like. (3) Raise $\beta$ to 0.5: does the KL fall at the same number of steps? (4) Put
# the adapters on block 3 only: what fraction of the gain remains, for how many parameters?
