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
# # Language modelling: n-grams, perplexity and tokens
#
# A language model assigns a probability to every sequence of tokens. By the chain rule
# it is enough to predict one token at a time,
#
# $$p(x_1, \dots, x_T) = \prod_{t=1}^{T} p(x_t \mid x_1, \dots, x_{t-1}),$$
#
# and every model in this course, from the counting models below to GPT-2
# [@radford2019language], is a different way of estimating the conditional
# $p(x_t \mid x_{<t})$. Before any neural network we build the classical baselines:
# **n-gram models**, which condition only on the previous $n-1$ tokens and estimate the
# conditional by counting. Bengio et al. proposed their neural language model to
# overcome the limits of these models and measured it against them [@bengio2003neural]; they remain the
# yardstick the later notebooks use.
#
# We also meet the other half of a language model: the **tokenizer**, which decides what
# a "token" is. We compare characters with byte-pair encoding [@sennrich2016neural].

# %%
from collections import Counter, defaultdict
import math

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown

import lab
import lab.checks
from lab.data import char_dataset, load_text, tiny_stories
from lab.tokenize import BPETokenizer

lab.notebook_setup(seed=0)

# %% [markdown]
# ## The corpus
#
# No data is downloaded in this course. `lab.data` generates a corpus of tiny children's
# stories from a small grammar: a dozen characters, a handful of places and objects, and
# five plots. The text is simple, but it has real structure at every scale: spelling
# inside words, which words follow which, and facts that must stay consistent across a
# whole story (the hero's name and pronouns). One story per line:

# %%
text = load_text()
stories = tiny_stories()
print(f"{len(stories)} stories, {len(text):,} characters, {len(set(text))} distinct characters\n")
print(stories[0].text)

# %% [markdown]
# We hold out the last 10% of the text for validation. A model is only ever scored on text
# it has not counted or trained on.

# %%
dataset = char_dataset(text)
chars = dataset.tokenizer.chars
train_ids, val_ids = dataset.train.tolist(), dataset.val.tolist()
V = len(chars)
print(f"vocabulary: {V} characters: {''.join(chars)!r}")
print(f"train: {len(train_ids):,} characters, validation: {len(val_ids):,} characters")

# %% [markdown]
# ## Measuring a language model: cross-entropy and perplexity
#
# We score a model by the average negative log-probability it gives to the tokens that
# actually occur in the validation text, the **cross-entropy** in nats per token:
#
# $$\mathcal{L} = -\frac{1}{N} \sum_{t} \log p(x_t \mid x_{<t}).$$
#
# Its exponential $e^{\mathcal{L}}$ is the **perplexity**: the model is, on average, as
# uncertain as if it chose uniformly among that many tokens. A model that knows nothing
# (uniform over the vocabulary) has perplexity equal to the vocabulary size.

# %% [markdown]
# ## n-gram models
#
# An n-gram model estimates $p(x_t \mid x_{t-n+1}, \dots, x_{t-1})$ by counting how often
# each token followed each context of $n-1$ tokens in the training text. A context never
# seen, or a continuation never seen after it, would get probability zero and an infinite
# loss on validation text. **Add-k smoothing** pretends every continuation was seen $k$
# extra times:
#
# $$p(x \mid c) = \frac{\text{count}(c, x) + k}{\text{count}(c) + kV}.$$
#
# **Exercise 1.** Write `add_k_probability` (the model below uses it), and **Exercise 2.**
# `perplexity`, from a cross-entropy in nats. The checkers in `lab.checks` say what is
# wrong if the numbers differ.

# %% tags=["exercise"]
def add_k_probability(count, context_count, k: float, vocab_size: int):
    """p(x | c) with add-k smoothing, from count(c, x) and count(c) (numbers or tensors of them)."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def add_k_probability(count, context_count, k: float, vocab_size: int):
    """p(x | c) with add-k smoothing, from count(c, x) and count(c) (numbers or tensors of them)."""
    return (count + k) / (context_count + k * vocab_size)  # every one of the V continuations gets k more


# %% tags=["exercise"]
def perplexity(cross_entropy):
    """The perplexity of a model whose cross-entropy is `cross_entropy` nats per token."""
    raise NotImplementedError("your code here")


# %% tags=["solution"]
def perplexity(cross_entropy):
    """The perplexity of a model whose cross-entropy is `cross_entropy` nats per token."""
    return math.exp(cross_entropy) if isinstance(cross_entropy, (int, float)) else cross_entropy.exp()


# %%
add_k_probability = lab.checks.add_k_probability(add_k_probability)
perplexity = lab.checks.perplexity(perplexity)


# %%
class NGramModel:
    """p(next token | previous n-1 tokens) estimated by counting, with add-k smoothing."""

    def __init__(self, tokens: list[int], n: int, k: float, vocab_size: int):
        self.n, self.k, self.V = n, k, vocab_size
        self.counts = defaultdict(Counter)  # context (tuple of n-1 tokens) -> Counter of next tokens
        for t in range(n - 1, len(tokens)):
            self.counts[tuple(tokens[t - n + 1 : t])][tokens[t]] += 1
        self.totals = {context: sum(c.values()) for context, c in self.counts.items()}

    def prob(self, context: tuple, token: int) -> float:
        seen = self.counts.get(context, {})
        return add_k_probability(seen.get(token, 0), self.totals.get(context, 0), self.k, self.V)

    def distribution(self, context: tuple) -> np.ndarray:
        return np.array([self.prob(context, x) for x in range(self.V)])

    def cross_entropy(self, tokens: list[int], start: int = 2) -> float:
        """Mean -log p(x_t | context) in nats, over positions t >= start."""
        nll = [-math.log(self.prob(tuple(tokens[t - self.n + 1 : t]), tokens[t])) for t in range(start, len(tokens))]
        return sum(nll) / len(nll)


# %% [markdown]
# A unigram model ($n = 1$) ignores the context altogether: it only knows how common each
# character is. A bigram model knows the previous character, a trigram model the previous
# two. All three are scored on the same validation positions.
#
# The smoothing constant $k$ is a hyperparameter. We choose it on a *development* split cut
# from the end of the training text, not on the validation text, so the validation
# numbers stay honest.

# %%
dev_cut = int(0.9 * len(train_ids))
fit_ids, dev_ids = train_ids[:dev_cut], train_ids[dev_cut:]
ks = [1.0, 0.1, 0.01, 0.001]
best_k = {}
for n in (1, 2, 3):
    dev_loss = {k: NGramModel(fit_ids, n, k, V).cross_entropy(dev_ids) for k in ks}
    best_k[n] = min(dev_loss, key=dev_loss.get)
    print(f"n={n}: dev loss by k:", {k: round(v, 3) for k, v in dev_loss.items()}, "-> k =", best_k[n])

# %%
char_models = {n: NGramModel(train_ids, n, best_k[n], V) for n in (1, 2, 3)}
char_loss = {n: m.cross_entropy(val_ids) for n, m in char_models.items()}
names = {1: "unigram", 2: "bigram", 3: "trigram"}
print(f"{'model':>8}  {'nats/char':>9}  {'perplexity':>10}")
print(f"{'uniform':>8}  {math.log(V):9.3f}  {V:10.1f}")
for n, loss in char_loss.items():
    print(f"{names[n]:>8}  {loss:9.3f}  {perplexity(loss):10.2f}")

# %%
assert math.exp(char_loss[1]) < V, "a unigram model should beat the uniform distribution"
assert math.exp(char_loss[2]) < 0.5 * math.exp(char_loss[1]), (
    f"bigram perplexity {math.exp(char_loss[2]):.2f} should be far below unigram {math.exp(char_loss[1]):.2f}"
)
assert char_loss[3] < char_loss[2], f"trigram loss {char_loss[3]:.3f} should be below bigram {char_loss[2]:.3f}"

# %%
Markdown(f"Each extra character of context helps a lot: the perplexity falls from the vocabulary size, {V}, "
         f"to {math.exp(char_loss[3]):.1f} plausible next characters for the trigram model. The unigram "
         f"cross-entropy, {char_loss[1]:.2f} nats per character, is the baseline any model that learned anything "
         "must be far below; the GPT of a later notebook is held to the trigram model's.")

# %% [markdown]
# Listen to the trigram model: it spells plausible fragments but has no idea what it is
# saying.

# %%
def sample(model: NGramModel, prompt: str, n_chars: int, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    ids = [dataset.tokenizer.index[c] for c in prompt]
    for _ in range(n_chars):
        context = tuple(ids[len(ids) - model.n + 1 :]) if model.n > 1 else ()
        p = model.distribution(context)
        ids.append(int(rng.choice(V, p=p / p.sum())))
    return dataset.tokenizer.decode(ids)


print(sample(char_models[3], "On", 250))

# %% [markdown]
# ## Longer contexts
#
# Why not use a much longer context? In general, because the number of possible contexts
# grows as $V^{n-1}$: on natural text almost every long context in new text was never seen
# in training, and the model falls back on the smoothing constant; this "curse of
# dimensionality" is the motivation of the neural probabilistic language model
# [@bengio2003neural]. Our corpus is a special case.
# Its grammar uses only a few hundred distinct phrases, so let us measure how far longer
# contexts go here, scoring every model on the same positions.

# %%
long_models = {n: NGramModel(train_ids, n, 0.001, V) for n in (3, 5, 8)}
print(f"{'n':>2}  {'contexts seen':>13}  {'possible':>9}  {'val contexts unseen':>19}  {'nats/char':>9}")
for n, m in long_models.items():
    unseen = np.mean([tuple(val_ids[t - n + 1 : t]) not in m.counts for t in range(7, len(val_ids))])
    print(f"{n:>2}  {len(m.counts):13,}  {float(V) ** (n - 1):9.1e}  {unseen:19.2%}  {m.cross_entropy(val_ids, start=7):9.3f}")

# %% [markdown]
# On this small, repetitive corpus, even 7 characters of context are almost always familiar,
# and the 8-gram model predicts most characters well. What it still cannot do is remember
# anything from more than 7 characters ago. Sample from it:

# %%
print(sample(long_models[8], "Once up", 400))

# %% [markdown]
# Every 8-character window of that text is plausible, and the whole is incoherent: heroes
# change name and gender mid-sentence, because who the story is about was decided more than
# 7 characters ago. We can measure this. After ". " the next sentence often starts with
# the hero's pronoun, "He" or "She". Which one is decided at the start of the story, so the
# 8-gram's loss on that first letter should be far above its average:

# %%
val_text_full = text[len(train_ids):]
pronoun_starts = [t for t in range(7, len(val_ids) - 3)
                  if val_text_full[t - 2 : t] == ". " and val_text_full[t : t + 3] in ("He ", "She")]
m8 = long_models[8]
pronoun_loss = np.mean([-math.log(m8.prob(tuple(val_ids[t - 7 : t]), val_ids[t])) for t in pronoun_starts])
average_loss = m8.cross_entropy(val_ids, start=7)
print(f"8-gram: {average_loss:.3f} nats per character on average, {pronoun_loss:.3f} on the first letter "
      f"of a sentence-initial 'He'/'She' ({len(pronoun_starts)} cases)")
assert pronoun_loss > 3 * average_loss, "the 8-gram should be much worse where the story's hero matters"

# %% [markdown]
# Remembering the hero needs a context that spans the story and a model that can find the
# relevant part of it. Attention gives a model that ability; whether a trained model
# actually learns to use it is an empirical question, which the linear-probes notebook
# asks of the small GPT we train.

# %% [markdown]
# ## Tokenization: characters or byte-pair encoding?
#
# So far a token was a character. GPT-2 [@radford2019language] instead uses **byte-pair
# encoding**, or BPE [@sennrich2016neural]: start from characters and repeatedly merge the
# most frequent adjacent pair into a new token. Frequent words become single tokens; rare
# words stay split into pieces, so nothing is ever out of vocabulary. `lab/tokenize.py`
# implements the trainer in about fifty lines. We learn 200 merges on the training text:

# %%
n_train_chars = len(train_ids)
train_text, val_text = text[:n_train_chars], text[n_train_chars:]
bpe = BPETokenizer(train_text, n_merges=200)
print("first 12 merges:", bpe.merges[:12])
print("last 6 merges:  ", bpe.merges[-6:])
print(f"vocabulary: {bpe.vocab_size} tokens")
print(bpe.tokenize(stories[0].text[:90]))

# %% [markdown]
# The merges rediscover the corpus: first frequent letter pairs (often with the leading
# space, which GPT-2-style pre-splitting attaches to the word), then whole words and names.
# How much shorter does the validation text become?

# %%
val_bpe = bpe.encode(val_text)
assert bpe.decode(val_bpe) == val_text, "BPE must be lossless: decoding gives the text back"
tokens_per_char = len(val_bpe) / len(val_text)
print(f"validation text: {len(val_text):,} characters -> {len(val_bpe):,} BPE tokens "
      f"({tokens_per_char:.3f} tokens per character, {1 / tokens_per_char:.2f} characters per token)")
assert tokens_per_char < 0.5, f"BPE should compress this text by at least 2x, got {tokens_per_char:.3f} tokens/char"

# %% [markdown]
# ## Comparing models across tokenizers
#
# Perplexity per token cannot compare a character model with a BPE model: a BPE token
# carries several characters, so it is naturally harder to predict. The fair unit is the
# total negative log-likelihood of the same validation text, divided by its number of
# **characters** (nats per character; divide by $\ln 2$ for bits per character).

# %%
train_bpe = bpe.encode(train_text)
bpe_results = {}
for n in (1, 2):
    model = NGramModel(train_bpe, n, 0.01, bpe.vocab_size)
    per_token = model.cross_entropy(val_bpe, start=1)  # the first token has no context: not scored
    total_nats = per_token * (len(val_bpe) - 1)
    chars_scored = len(val_text) - len(bpe.vocab[val_bpe[0]])
    bpe_results[n] = (per_token, total_nats / chars_scored)

print(f"{'model':>16}  {'nats/token':>10}  {'perplexity/token':>16}  {'nats/char':>9}")
for n in (1, 2, 3):
    print(f"{'char ' + names[n]:>16}  {char_loss[n]:10.3f}  {math.exp(char_loss[n]):16.2f}  {char_loss[n]:9.3f}")
for n, (per_token, per_char) in bpe_results.items():
    print(f"{'BPE ' + names[n]:>16}  {per_token:10.3f}  {math.exp(per_token):16.2f}  {per_char:9.3f}")

# %% [markdown]
# Per token, the BPE models look
# worse: their perplexity is much higher, because there are many more tokens to choose
# from. Per character, a BPE bigram sees a context of a whole word or more, which a
# character model would need a much larger $n$ to reach. Let us plot the comparison.

# %%
fig, ax = plt.subplots(figsize=(6, 3.2))
labels = [f"char {names[n]}" for n in (1, 2, 3)] + [f"BPE {names[n]}" for n in (1, 2)]
values = [char_loss[n] for n in (1, 2, 3)] + [bpe_results[n][1] for n in (1, 2)]
ax.barh(labels, values, color=["C0"] * 3 + ["C1"] * 2)
ax.set_xlabel("validation cross-entropy (nats per character)")
ax.invert_yaxis()
for y, v in enumerate(values):
    ax.text(v + 0.03, y, f"{v:.2f}", va="center", fontsize=8)
plt.show()

# %%
assert bpe_results[2][1] < char_loss[2], "a BPE bigram sees more text than a character bigram and should do better per character"

# %% [markdown]
# ## Takeaways
#
# * A language model is a next-token predictor; cross-entropy (and its exponential,
#   perplexity) on held-out text measures it.
# * Counting models improve with context. On natural text the number of contexts then
#   explodes and the counts become too sparse to use, the problem neural language models
#   solve by sharing parameters across contexts [@bengio2003neural]. This small,
#   templated corpus is the exception: the table above shows the 8-gram model has seen
#   almost every validation context and predicts well. What no n-gram model can do, at
#   any n, is use anything older than its window: the hero's pronoun shows the cost.
# * The tokenizer is part of the model. BPE shortens sequences several-fold on this corpus;
#   compare models across tokenizers per character, never per token.
#
# The rest of the course uses characters as tokens: the vocabulary is tiny, every token is
# human-readable, and attention patterns can be read letter by letter.
