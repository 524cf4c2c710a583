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
# # The logit lens
#
# A GPT's residual stream is a running sum: the embedding, plus what each block adds.
# Only the last state is turned into a prediction, by the final LayerNorm and the
# unembedding $W_U$. The **logit lens** [@nostalgebraist2020logitlens] asks: what if we applied that
# same readout to the residual stream *after every layer*? If the blocks refine a guess
# that lives in the same space all along, the intermediate readouts should already be
# meaningful predictions, getting better with depth.
#
# We apply the lens to the character-level GPT trained in the gpt-from-scratch notebook.
# It is loaded from the shared model cache (and trained now, about a minute, if no
# notebook has trained it yet).

# %%
import matplotlib.pyplot as plt
import torch
from IPython.display import Markdown
import torch.nn.functional as F

import lab
import lab.checks
from lab import plots
from lab.data import char_dataset, load_text
from lab.models import char_gpt

lab.notebook_setup(seed=0)

model, tokenizer, history = char_gpt()
data = char_dataset(load_text())
n_layers = model.cfg.n_layers
print(f"{model.num_params():,} parameters, {n_layers} layers; final validation loss {history['val_loss'][-1]:.3f}")

# %% [markdown]
# ## Reading the residual stream after each layer
#
# `run_with_cache` records every intermediate activation. The residual stream before the
# first block (`blocks.0.resid_pre`) is the token plus position embedding; after block $l$
# it is `blocks.{l}.resid_post`. The lens reads each of them exactly as the model reads its
# last one: final LayerNorm, then $W_U$.
#
# **Exercise 1.** Write `logit_lens(model, resid)` from `model.ln_final` and `model.W_U`;
# `lab.checks.logit_lens` compares it with `model.unembed` on a small model whose final
# LayerNorm is far from the identity.

# %% tags=["exercise"]
def logit_lens(model, resid: torch.Tensor) -> torch.Tensor:
    """resid: (batch, pos, d_model), any layer's residual stream. Returns logits (batch, pos, vocab)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def logit_lens(model, resid: torch.Tensor) -> torch.Tensor:
    """resid: (batch, pos, d_model), any layer's residual stream. Returns logits (batch, pos, vocab)."""
    return model.W_U(model.ln_final(resid))  # the final LayerNorm first, as the model does


# %%
logit_lens = lab.checks.logit_lens(logit_lens)
g = torch.Generator().manual_seed(0)
starts = torch.randint(len(data.val) - 65, (256,), generator=g)
windows = torch.stack([data.val[s : s + 65] for s in starts.tolist()])
tokens, targets = windows[:, :-1], windows[:, 1:]

with torch.no_grad():
    logits, cache = model.run_with_cache(tokens)
stages = ["embed"] + [f"after block {l}" for l in range(n_layers)]
residuals = [cache["blocks.0.resid_pre"]] + [cache[f"blocks.{l}.resid_post"] for l in range(n_layers)]

with torch.no_grad():
    lens_logits = [logit_lens(model, resid) for resid in residuals]  # each (batch, pos, vocab)
assert torch.allclose(lens_logits[-1], logits, atol=1e-5), "the lens on the last layer is the model's own output"

# %% [markdown]
# For each stage we measure two things on 256 validation windows (16,384 predictions):
#
# * the **cross-entropy** of the lens's prediction against the true next character, and
# * the **KL divergence** from the model's final distribution to the lens's distribution,
#   $\mathrm{KL}(p_\text{final} \,\|\, p_\text{lens})$: how far the intermediate guess is
#   from what the model will finally say.
#
# **Exercise 2.** Write `kl_divergence(p_logits, q_logits)`, the mean over positions of
# $\mathrm{KL}(p \,\|\, q) = \sum_x p(x) (\log p(x) - \log q(x))$ for $p = \mathrm{softmax}$ of
# the first argument.

# %% tags=["exercise"]
def kl_divergence(p_logits: torch.Tensor, q_logits: torch.Tensor) -> torch.Tensor:
    """p_logits, q_logits: (..., vocab). Returns the mean over positions of KL(softmax(p) || softmax(q))."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def kl_divergence(p_logits: torch.Tensor, q_logits: torch.Tensor) -> torch.Tensor:
    """p_logits, q_logits: (..., vocab). Returns the mean over positions of KL(softmax(p) || softmax(q))."""
    log_p, log_q = F.log_softmax(p_logits, dim=-1), F.log_softmax(q_logits, dim=-1)
    return (log_p.exp() * (log_p - log_q)).sum(dim=-1).mean()


# %%
kl_divergence = lab.checks.kl_divergence(kl_divergence)


def cross_entropy(logits: torch.Tensor) -> float:
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1)).item()


def kl_from_final(logits: torch.Tensor) -> float:
    return kl_divergence(lens_logits[-1], logits).item()


lens_loss = [cross_entropy(l) for l in lens_logits]
lens_kl = [kl_from_final(l) for l in lens_logits]
# the counting baselines of the language-modelling notebook, on the same predictions
V = tokenizer.vocab_size
unigram = torch.bincount(data.train, minlength=V).float() + 0.01
unigram_loss = -(unigram / unigram.sum()).log()[targets].mean().item()
bigram = torch.zeros(V, V).index_put_((data.train[:-1], data.train[1:]), torch.ones(len(data.train) - 1), accumulate=True) + 0.01
bigram_loss = -(bigram / bigram.sum(1, keepdim=True)).log()[tokens, targets].mean().item()
for stage, loss, kl in zip(stages, lens_loss, lens_kl):
    print(f"{stage:>14}: cross-entropy {loss:6.3f}   KL from final {kl:6.3f}")
print(f"{'unigram':>14}: cross-entropy {unigram_loss:6.3f}")
print(f"{'bigram':>14}: cross-entropy {bigram_loss:6.3f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(8, 3))
plots.by_layer({"logit lens": lens_loss}, stages, "cross-entropy (nats)", ax=axes[0],
               title="loss of the lens", hlines={"unigram": unigram_loss})
plots.by_layer({"logit lens": lens_kl}, stages, "KL(final || lens) (nats)", ax=axes[1], title="distance from the output")
for ax in axes:
    ax.tick_params(axis="x", labelrotation=30)
plt.show()

# %%
assert lens_loss[-1] < lens_loss[0] - 0.5, f"decoding after the last block should beat decoding the embedding: {lens_loss}"
assert lens_kl[-1] < 1e-6
assert lens_loss[1] < unigram_loss - 1 and lens_loss[0] > unigram_loss, "see the text below: update it if these change"
assert all(lens_kl[l + 1] < lens_kl[l] for l in range(n_layers)), f"the KL to the final output should shrink block by block: {lens_kl}"
assert all(lens_loss[l + 1] < lens_loss[l] for l in range(n_layers)), f"the lens's loss should fall block by block: {lens_loss}"

# %% [markdown]
# Read the two curves together. After the first block the lens already predicts far
# better than the unigram model, and every further block brings its prediction closer to
# the model's final output: the blocks refine one running guess.
#
# The first point is the exception. Decoding the bare embedding gives a loss *worse than
# the unigram model*, although the embedding knows the current character, which is enough
# for bigram-quality predictions. In the attention-only models of Elhage et al. the
# direct path from $W_E$ to $W_U$ tends to carry such bigram statistics
# [@elhage2021mathematical]; in this model,
# nothing trained the final LayerNorm and $W_U$ to read the embedding directly, and they
# do not.
#
# The lens is not guaranteed to work. The blocks are free to use the residual stream in a
# basis the final LayerNorm and $W_U$ were never trained to read, and then the lens shows
# nonsense in the middle layers even when the model is doing useful work. Belrose et al.
# describe the logit lens as "often brittle" and propose the **tuned
# lens** [@belrose2023eliciting]: learn,
# for each layer, an affine map $A_l h + b_l$ (a "translator") applied before the
# unembedding, trained so that the lens's distribution matches the model's final output
# (minimising the KL divergence to it). We start each translator at the identity, so our
# tuned lens starts as the logit lens, and we score it on windows it was not fitted on.

# %%
def train_translator(resid: torch.Tensor, steps: int = 100) -> torch.nn.Linear:
    d = resid.size(-1)
    translator = torch.nn.Linear(d, d)
    with torch.no_grad():
        translator.weight.copy_(torch.eye(d))
        translator.bias.zero_()
    optimizer = torch.optim.Adam(translator.parameters(), lr=3e-3)
    x = resid[:64].reshape(-1, d)  # fit on 64 windows of the first half; score on the second half
    final_logp = F.log_softmax(lens_logits[-1][:64].reshape(-1, tokenizer.vocab_size), dim=-1)
    for _ in range(steps):
        logp = F.log_softmax(model.unembed(translator(x)), dim=-1)
        loss = (final_logp.exp() * (final_logp - logp)).sum(-1).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return translator


for p in model.parameters():
    p.requires_grad_(False)  # only the translators learn
torch.manual_seed(0)
tuned_loss = []
held_out = targets[128:].reshape(-1)  # score on the other half
for l, resid in enumerate(residuals[:-1]):
    translator = train_translator(resid)
    with torch.no_grad():
        tuned = model.unembed(translator(resid[128:]))
    tuned_loss.append(F.cross_entropy(tuned.reshape(-1, tokenizer.vocab_size), held_out).item())
with torch.no_grad():
    tuned_loss.append(F.cross_entropy(lens_logits[-1][128:].reshape(-1, tokenizer.vocab_size), held_out).item())
logit_lens_held_out = [F.cross_entropy(l[128:].reshape(-1, tokenizer.vocab_size), held_out).item() for l in lens_logits]
for stage, a, b in zip(stages, logit_lens_held_out, tuned_loss):
    print(f"{stage:>14}: logit lens {a:6.3f}   tuned lens {b:6.3f}")
print(f"{'bigram':>14}: {bigram_loss:6.3f}")

# %%
ax = plots.by_layer({"logit lens": logit_lens_held_out, "tuned lens": tuned_loss}, stages, "cross-entropy (nats)",
                    title="held-out loss of each lens", hlines={"unigram": unigram_loss, "bigram": bigram_loss})
ax.tick_params(axis="x", labelrotation=30)
plt.show()
assert all(t <= l + 0.02 for t, l in zip(tuned_loss, logit_lens_held_out)), "a tuned lens should never do worse than the identity it starts from"
assert tuned_loss[0] < logit_lens_held_out[0] - 0.5, "a translator should recover much of what the embedding knows"
assert abs(tuned_loss[0] - bigram_loss) < 0.25, "the tuned lens on the embedding should be about as good as a bigram model"
gaps = [l - t for l, t in zip(logit_lens_held_out, tuned_loss)]
assert gaps[n_layers - 1] < gaps[1], f"the logit lens should need less translation in later layers: gaps {gaps}"

# %% [markdown]
# A translator rescues the embedding: read through a learned affine map, it predicts
# roughly as well as the bigram model, about the best one can do knowing only the current
# character (and its position). The information was there; the logit lens just could not
# read it. At the later layers the two lenses come closer together, so there the logit
# lens is a fair picture of what the model has computed so far.

# %% [markdown]
# ## What does each layer predict?
#
# Averages hide the interesting part. Below, for one sentence, each cell shows the lens's
# top prediction for the *next* character at that layer and position, coloured by the
# probability the lens gives to the character that actually comes next.

# %%
sentence = 'Lily said, "Look, a red ball!" Lily showed the red ball to Tom.'
ids = torch.tensor([tokenizer.encode(sentence)])
with torch.no_grad():
    _, sentence_cache = model.run_with_cache(ids[:, :-1])
    rows = [sentence_cache["blocks.0.resid_pre"]] + [sentence_cache[f"blocks.{l}.resid_post"] for l in range(n_layers)]
    probs = torch.stack([model.unembed(r)[0].softmax(-1) for r in rows])  # (stage, pos, vocab)
next_ids = ids[0, 1:]
p_true = probs[:, torch.arange(len(next_ids)), next_ids]  # (stage, pos)
top = [[tokenizer.decode([i]) for i in row] for row in probs.argmax(-1)]
plots.token_grid(p_true, top, list(sentence[:-1]), stages, title="logit lens: top prediction per layer",
                 colorbar_label="p(true next char)")
plt.show()

# %% [markdown]
# The embedding row is noise, as the averages predicted. From the first block on, many
# predictions depend on the current character alone: after "d" a space, after "th" an
# "e". Others need the sentence, and appear only in the last layers. Two examples:
# the comma after "Lily said" and the copy of "red ball".

# %%
comma = sentence.index("said") + 3  # the "d" of "said": the next character is ","
print("p(',' after 'Lily said') by stage:", " ".join(f"{p:.2f}" for p in p_true[:, comma].tolist()))
first = sentence.index("red ball")
second = sentence.index("red ball", first + 1)
copy_p = [p_true[-1, start - 1 : start + 7].mean().item() for start in (first, second)]  # predicting "red ball"
print(f"final layer, mean p(true next) over the characters of 'red ball': first time {copy_p[0]:.2f}, second time {copy_p[1]:.2f}")
assert p_true[1, comma] < 0.1 < 0.8 < p_true[-1, comma], "the comma after 'said' should appear only in the last layers"
assert copy_p[1] < copy_p[0] + 0.2, "this small model does not (yet) copy the repeated phrase"

# %%
corpus = load_text()
aid = [i for i in range(len(corpus) - 3) if corpus[i : i + 3] == "aid"]
after_aid = sum(corpus[i + 3] == "," for i in aid) / len(aid)
d_space = sum(corpus[i + 1] == " " for i in range(len(corpus) - 1) if corpus[i] == "d") / corpus.count("d")
assert after_aid > 0.95 and top[1][comma] == " ", "the text below says three characters fix the comma: update it"
Markdown(f"The comma is invisible to the lens after block 0 (p = {p_true[1, comma]:.2f}) and near certain after the "
         f"last block (p = {p_true[-1, comma]:.2f}). It needs no knowledge of the sentence: of the {len(aid):,} times "
         f"\"aid\" occurs in the corpus, {after_aid:.0%} are followed by a comma, so the last three characters fix it. "
         f"After block 0 the lens's top guess at that \"d\" is {top[1][comma]!r}, what the current character alone "
         f"suggests ({d_space:.0%} of all \"d\"s are followed by a space); reading the two characters before it is "
         "what the later blocks add.")

# %% [markdown]
# The second "red ball" is hardly easier for the model than the first, although it appeared
# a few words earlier. Copying an earlier phrase is a specific mechanism, the *induction
# head* [@elhage2021mathematical], which this small model has not formed in its minute of
# training; the induction heads notebook trains a model where it does.
#
# ## Takeaways
#
# * Decoding intermediate residual streams with the model's own unembedding
#   [@nostalgebraist2020logitlens] shows the prediction being refined layer by layer: on this model the loss falls
#   and the distance to the final output shrinks with every block.
# * The lens can fail where the information is present: read directly through the final
#   LayerNorm and $W_U$, this model's embedding predicts worse than letter frequencies.
# * The logit lens assumes every layer speaks the final layer's "language"; the tuned lens
#   [@belrose2023eliciting] learns a per-layer translation and is the more reliable tool: here
#   it reads bigram-quality predictions out of an embedding the logit lens cannot decode.
