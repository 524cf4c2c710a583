"""Checkers for the notebooks' exercises (in the manner of ARENA's ``tests.py``).

Each checker takes the function a student wrote, runs it against a reference on random inputs and
prints one clear line: a pass, or what went wrong (the first failing input, the largest difference and,
when the answer matches a known mistake such as a missing causal mask, which one). It returns the
function the rest of the notebook should use: the student's when it passes, otherwise the reference,
with a note saying so, so that a notebook with an unsolved exercise still runs to the end.

The checkers draw their inputs from their own generator and restore PyTorch's global one, so running a
check never changes what the notebook computes after it.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from . import algorithmic, induction, sae, toy_models
from .gpt import GPT, Attention, GPTConfig

FALLBACK = "The rest of the notebook uses the reference implementation meanwhile, so it still runs."


def check(name: str, student: Callable, reference: Callable, cases: list[tuple], mistakes: dict[str, Callable],
          atol: float = 1e-5) -> bool:
    """Compare ``student(*case)`` with ``reference(*case)`` on every case; print the verdict; True if it passed."""
    for number, case in enumerate(cases, start=1):
        shapes = ", ".join(str(tuple(a.shape)) if isinstance(a, Tensor) else repr(a) for a in case if isinstance(a, (Tensor, int, float)))
        try:
            with torch.random.fork_rng(devices=[]):
                got = student(*case)
        except NotImplementedError:
            print(f"{name}: not written yet. {FALLBACK}")
            return False
        except Exception as error:  # a student's bug: say what it was, never stop the notebook
            print(f"{name}: raised {type(error).__name__}: {error} (on inputs of shapes {shapes}). {FALLBACK}")
            return False
        expected = torch.as_tensor(reference(*case))
        got = torch.as_tensor(got) if isinstance(got, (int, float)) else got
        if not isinstance(got, Tensor) or got.shape != expected.shape:
            shape = tuple(got.shape) if isinstance(got, Tensor) else type(got).__name__
            print(f"{name}: wrong on test {number} of {len(cases)}: returned {shape}, expected a tensor of shape "
                  f"{tuple(expected.shape)} (inputs of shapes {shapes}).{_hint(got, case, mistakes, atol)} {FALLBACK}")
            return False
        if not _close(got, expected, atol):
            print(f"{name}: wrong on test {number} of {len(cases)} (inputs of shapes {shapes}): largest difference "
                  f"{(got.float() - expected.float()).abs().max().item():.3g}.{_hint(got, case, mistakes, atol)} {FALLBACK}")
            return False
    print(f"{name}: all {len(cases)} tests passed.")
    return True


def _close(got: object, expected: Tensor, atol: float) -> bool:
    return isinstance(got, Tensor) and got.shape == expected.shape and torch.allclose(got.float(), expected.float(), atol=atol, rtol=1e-4)


def _hint(got: object, case: tuple, mistakes: dict[str, Callable], atol: float) -> str:
    """Which known mistake the answer reproduces, if any (a mistake that cannot run on this input is skipped)."""
    for mistake, wrong in mistakes.items():
        try:
            if _close(got, torch.as_tensor(wrong(*case)), atol):
                return f" It matches the reference {mistake}."
        except Exception:
            continue
    return ""


def _random(shape: tuple, generator: torch.Generator, scale: float = 1.0) -> Tensor:
    return torch.randn(shape, generator=generator) * scale


# --------------------------------------------------------------------------- language-modelling


def reference_add_k_probability(count: Tensor, context_count: Tensor, k: float, vocab_size: int) -> Tensor:
    return (count + k) / (context_count + k * vocab_size)


def add_k_probability(student: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Check ``student(count, context_count, k, vocab_size)``: count(c, x), count(c) (tensors or numbers)."""
    g = torch.Generator().manual_seed(13)
    cases = []
    for n, k, V in ((1, 1.0, 5), (6, 0.1, 46), (4, 0.001, 200)):
        context = torch.randint(0, 50, (n,), generator=g).float()
        cases.append(((context * torch.rand(n, generator=g)).floor(), context, k, V))
    mistakes = {"without the k V in the denominator (the probabilities then do not sum to 1)":
                    lambda c, cc, k, V: (c + k) / cc.clamp_min(1e-9),
                "with k added once, not k times the vocabulary size, below": lambda c, cc, k, V: (c + k) / (cc + k)}
    passed = check("add_k_probability", student, reference_add_k_probability, cases, mistakes)
    return student if passed else reference_add_k_probability


def reference_perplexity(cross_entropy: Tensor) -> Tensor:
    return torch.exp(torch.as_tensor(cross_entropy, dtype=torch.float64))


def perplexity(student: Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
    """Check ``student(cross_entropy)``: a loss in nats per token -> the perplexity."""
    cases = [(torch.tensor(v),) for v in (0.0, 0.5, 2.121, 3.829)]
    mistakes = {"in bits (2 ** loss): our losses are in nats, natural logarithms": lambda x: 2**x,
                "with 10 ** loss": lambda x: 10**x}
    return student if check("perplexity", student, reference_perplexity, cases, mistakes) else reference_perplexity


# --------------------------------------------------------------------------- linear-probes


def reference_majority_accuracy(labels: Tensor) -> Tensor:
    """Accuracy on the second half of the windows (batch, ...) of the first half's most common 0/1 label."""
    half = labels.shape[0] // 2
    guess = int(2 * labels[:half].sum() >= labels[:half].numel())  # a tie goes to 1
    return (labels[half:] == guess).double().mean()


def majority_accuracy(student: Callable[[Tensor], float]) -> Callable[[Tensor], float]:
    """Check ``student(labels)``: labels (window, pos) of 0/1; fit on the first half of the windows, score
    on the second."""
    g = torch.Generator().manual_seed(14)
    cases = [((torch.rand(w, p, generator=g) < share).long(),) for w, p, share in ((2, 3, 0.5), (10, 8, 0.8), (40, 32, 0.3))]
    cases.append((torch.cat([torch.ones(10, 4), torch.zeros(10, 4)]).long(),))  # fitting all 1, test all 0
    mistakes = {"with the majority share of all windows (the test windows must not choose the guess)":
                    lambda y: torch.tensor(max(y.float().mean().item(), 1 - y.float().mean().item())),
                "scored on the fitting windows instead of the test windows":
                    lambda y: torch.tensor(max(y[: y.shape[0] // 2].float().mean().item(), 1 - y[: y.shape[0] // 2].float().mean().item()))}
    passed = check("majority_accuracy", student, reference_majority_accuracy, cases, mistakes)
    return student if passed else reference_majority_accuracy


def reference_context_type(ids: Tensor, positions: Tensor) -> Tensor:
    """One integer per position for its last three characters (the current one and the two before)."""
    triples = torch.stack([ids[positions], ids[positions - 1], ids[positions - 2]], dim=-1)
    return torch.unique(triples.reshape(-1, 3), dim=0, return_inverse=True)[1].reshape(positions.shape)


def _partition(types: Tensor) -> Tensor:
    """Which positions share a type: what a control task sees of the types, whatever their numbering."""
    flat = torch.as_tensor(types).flatten()
    return flat[:, None] == flat[None, :]


def context_type(student: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor], Tensor]:
    """Check ``student(ids, positions)``: equal outputs exactly where the last three characters are equal
    (any numbering will do)."""
    g = torch.Generator().manual_seed(15)
    cases = []
    for n, vocab, shape in ((10, 2, (2, 2)), (200, 46, (6, 5)), (400, 150, (8, 8))):
        ids = torch.randint(0, vocab, (n,), generator=g)
        cases.append((ids, torch.randint(2, n, shape, generator=g)))
    mistakes = {"with the current character only": lambda ids, pos: _partition(ids[pos]),
                "with the three characters added up (different triples collide)":
                    lambda ids, pos: _partition(ids[pos] + ids[pos - 1] + ids[pos - 2]),
                "with the last two characters only": lambda ids, pos: _partition(ids[pos] * 1000 + ids[pos - 1])}
    passed = check("context_type", lambda ids, pos: _partition(student(ids, pos)),
                   lambda ids, pos: _partition(reference_context_type(ids, pos)), cases, mistakes)
    return student if passed else reference_context_type


# --------------------------------------------------------------------------- grokking


def reference_fourier_basis(p: int) -> Tensor:
    return algorithmic.fourier_basis(p)[0]


def fourier_basis(student: Callable[[int], Tensor]) -> Callable[[int], Tensor]:
    """Check ``student(p)``: the orthonormal Fourier basis on {0 .. p-1} as rows, (p, p): the constant, then
    cos k and sin k for k = 1 .. (p-1)/2."""
    cases = [(3,), (7,), (59,)]

    def unnormalised(p):
        x = torch.arange(p, dtype=torch.float64)
        rows = [torch.ones(p, dtype=torch.float64)]
        for k in range(1, (p - 1) // 2 + 1):
            rows += [torch.cos(2 * math.pi * k * x / p), torch.sin(2 * math.pi * k * x / p)]
        return torch.stack(rows).float()

    mistakes = {"without normalising the rows to length 1": unnormalised}
    return student if check("fourier_basis", student, reference_fourier_basis, cases, mistakes, atol=1e-4) else reference_fourier_basis


reference_frequency_energy = algorithmic.frequency_energy


def frequency_energy(student: Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
    """Check ``student(W)``: W (p, d); each frequency's share of ||W||^2 (the constant, then k = 1 ..
    (p-1)/2, cos and sin together), summing to 1: (1 + (p-1)/2,)."""
    g = torch.Generator().manual_seed(16)
    cases = [(_random((p, d), g),) for p, d in ((3, 2), (7, 5), (59, 64))]

    def unshared(W):
        energy = ((reference_fourier_basis(W.shape[0]) @ W) ** 2).sum(dim=1)
        return torch.cat([energy[:1], energy[1:].reshape(-1, 2).sum(dim=1)])

    mistakes = {"not divided by the total (the shares must sum to 1)": unshared,
                "with norms instead of squared norms": lambda W: (lambda e: e / e.sum())(unshared(W).sqrt())}
    passed = check("frequency_energy", student, reference_frequency_energy, cases, mistakes, atol=1e-4)
    return student if passed else reference_frequency_energy


# --------------------------------------------------------------------------- attention-heads


def reference_attention_pattern(q: Tensor, k: Tensor, causal: bool = True, scale: bool = True) -> Tensor:
    """softmax(q k^T / sqrt(d_head) + causal mask), one row per query: (pos, pos)."""
    scores = q @ k.transpose(-1, -2) / (math.sqrt(q.shape[-1]) if scale else 1.0)
    if causal:
        n = q.shape[-2]
        scores = scores.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
    return scores.softmax(dim=-1)


def attention_pattern(student: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor], Tensor]:
    """Check ``student(q, k)``, q and k of shape (pos, d_head), against the causal attention pattern."""
    g = torch.Generator().manual_seed(0)
    cases = [(_random((n, d), g, 2.0), _random((n, d), g, 2.0)) for n, d in ((1, 4), (5, 4), (9, 16), (12, 8))]
    mistakes = {
        "without the causal mask (scores above the diagonal must be -inf before the softmax)":
            lambda q, k: reference_attention_pattern(q, k, causal=False),
        "without the 1/sqrt(d_head) scale": lambda q, k: reference_attention_pattern(q, k, scale=False),
        "with the softmax over queries (dim 0) instead of keys": lambda q, k: (q @ k.T / math.sqrt(q.shape[-1]))
            .masked_fill(torch.ones(len(q), len(q), dtype=torch.bool).triu(1), float("-inf")).softmax(dim=0),
    }
    return student if check("attention_pattern", student, reference_attention_pattern, cases, mistakes) else reference_attention_pattern


def reference_attention_head(x: Tensor, W_Q: Tensor, W_K: Tensor, W_V: Tensor, W_O: Tensor) -> Tensor:
    """One causal head as ``lab.gpt.Attention`` computes it, without biases: (pos, d_model)."""
    n_pos, d_model = x.shape
    with torch.random.fork_rng(devices=[]):
        attention = Attention(GPTConfig(vocab_size=1, context_length=n_pos, d_model=d_model, n_heads=1, bias=False))
    d_head = W_Q.shape[1]
    with torch.no_grad():  # lab.gpt ties d_head to d_model / n_heads: pad the head to that width
        for param, weight in ((attention.W_Q, W_Q), (attention.W_K, W_K), (attention.W_V, W_V)):
            param.zero_()[0, :, :d_head] = weight
        attention.W_O.zero_()[0, :d_head] = W_O
        scale = math.sqrt(d_model / d_head)  # lab.gpt divides by sqrt(d_model); this head by sqrt(d_head)
        attention.W_Q.mul_(scale)
        return attention(x[None])[0]


def attention_head(student: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Check ``student(x, W_Q, W_K, W_V, W_O)``: x (pos, d_model), W_Q/W_K/W_V (d_model, d_head),
    W_O (d_head, d_model); the head's output (pos, d_model)."""
    g = torch.Generator().manual_seed(1)
    cases = []
    for n, m, d in ((1, 8, 4), (6, 8, 4), (10, 16, 8), (7, 16, 16)):
        cases.append((_random((n, m), g), *(_random((m, d), g, m**-0.5) for _ in range(3)), _random((d, m), g, d**-0.5)))

    def without(**kw):
        return lambda x, W_Q, W_K, W_V, W_O: reference_attention_pattern(x @ W_Q, x @ W_K, **kw) @ x @ W_V @ W_O

    mistakes = {"without the causal mask": without(causal=False), "without the 1/sqrt(d_head) scale": without(scale=False),
                "without W_O (the head must write back into the residual stream)":
                    lambda x, W_Q, W_K, W_V, W_O: reference_attention_pattern(x @ W_Q, x @ W_K) @ x @ W_V}
    passed = check("attention_head", student, reference_attention_head, cases, mistakes)
    return student if passed else reference_attention_head


# --------------------------------------------------------------------------- gpt-from-scratch


def reference_layer_norm(x: Tensor, weight: Tensor, bias: Tensor, eps: float = 1e-5) -> Tensor:
    return F.layer_norm(x, weight.shape, weight, bias, eps=eps)


def layer_norm(student: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Check ``student(x, weight, bias, eps=1e-5)``: normalise over the last dimension, then scale and shift."""
    g = torch.Generator().manual_seed(2)
    cases = [(_random(shape, g, 3.0) + 1.0, 1 + 0.1 * _random(shape[-1:], g), 0.1 * _random(shape[-1:], g))
             for shape in ((4, 8), (2, 5, 16), (3, 1, 32))]

    def unbiased(x, w, b, eps=1e-5):
        return (x - x.mean(-1, keepdim=True)) / (x.var(-1, keepdim=True, unbiased=True) + eps).sqrt() * w + b

    mistakes = {"with the unbiased variance (LayerNorm divides by d, not d - 1: var(unbiased=False))": unbiased,
                "without the gain and bias": lambda x, w, b, eps=1e-5: F.layer_norm(x, w.shape, eps=eps),
                "normalised over the first dimension instead of the last":
                    lambda x, w, b, eps=1e-5: (x - x.mean(0)) / (x.var(0, unbiased=False) + eps).sqrt() * w + b}
    return student if check("layer_norm", student, reference_layer_norm, cases, mistakes, atol=1e-4) else reference_layer_norm


def reference_cross_entropy(logits: Tensor, targets: Tensor) -> Tensor:
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def cross_entropy(student: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor], Tensor]:
    """Check ``student(logits, targets)``: logits (batch, pos, vocab), targets (batch, pos) token ids; the
    mean over every position of -log softmax(logits)[target], a scalar tensor."""
    g = torch.Generator().manual_seed(3)
    cases = [(_random((b, p, v), g, 3.0), torch.randint(0, v, (b, p), generator=g)) for b, p, v in ((1, 1, 5), (2, 7, 11), (4, 16, 46))]

    def picked(logits, targets):
        return logits.gather(-1, targets[..., None])[..., 0]

    mistakes = {"summed instead of averaged over positions": lambda l, t: F.cross_entropy(l.reshape(-1, l.shape[-1]), t.reshape(-1), reduction="sum"),
                "with -log of the raw logits instead of the log-softmax": lambda l, t: -picked(l, t).mean(),
                "with the softmax probability instead of its log": lambda l, t: -picked(l.softmax(-1), t).mean()}
    return student if check("cross_entropy", student, reference_cross_entropy, cases, mistakes) else reference_cross_entropy


# --------------------------------------------------------------------------- induction-heads


def _repeated_patterns(g: torch.Generator) -> list[tuple[Tensor]]:
    """Causal attention patterns (batch, head, pos, pos) of even length, as a model's on a repeated probe."""
    cases = []
    for batch, heads, half in ((1, 1, 2), (2, 3, 5), (4, 2, 8)):
        n = 2 * half
        scores = _random((batch, heads, n, n), g, 2.0).masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
        cases.append((scores.softmax(-1),))
    return cases


reference_previous_token_scores = induction.previous_token_scores
reference_induction_scores = induction.induction_scores


def previous_token_scores(student: Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
    """Check ``student(pattern)``: pattern (batch, head, pos, pos); per head, the mean attention from each
    position i >= 1 to i - 1: (head,)."""
    mistakes = {"on the main diagonal (attention to itself) instead of the one below it":
                    lambda p: torch.diagonal(p, dim1=-2, dim2=-1).mean(dim=(0, -1)),
                "averaged over heads instead of over the batch": lambda p: torch.diagonal(p, offset=-1, dim1=-2, dim2=-1).mean(dim=(1, -1))}
    passed = check("previous_token_scores", student, reference_previous_token_scores, _repeated_patterns(torch.Generator().manual_seed(4)), mistakes)
    return student if passed else reference_previous_token_scores


def induction_scores(student: Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
    """Check ``student(pattern)``: pattern (batch, head, 2 half, 2 half) on a repeated sequence; per head, the
    mean attention from each repeated position half + j (j = 0 .. half - 1) to j + 1, the token after the
    earlier copy of the current token: (head,)."""
    mistakes = {"for the earlier copy itself (offset half: a duplicate-token score) instead of the token after it":
                    induction.duplicate_token_scores,
                "with the query at position half - 1 included (it is still in the first copy; start at half)":
                    lambda p: torch.diagonal(p, offset=-(p.shape[-1] // 2 - 1), dim1=-2, dim2=-1).mean(dim=(0, -1))}
    passed = check("induction_scores", student, reference_induction_scores, _repeated_patterns(torch.Generator().manual_seed(5)), mistakes)
    return student if passed else reference_induction_scores


# --------------------------------------------------------------------------- sparse-autoencoders

reference_max_cosine_similarity = sae.max_cosine_similarity


def reference_sae_loss(x: Tensor, x_hat: Tensor, f: Tensor, l1_coefficient: float) -> Tensor:
    """As ``lab.sae.SparseAutoencoder.loss``: squared error summed over features, plus lambda times the L1
    norm of the code, both averaged over the batch."""
    return ((x_hat - x) ** 2).sum(-1).mean() + l1_coefficient * f.abs().sum(-1).mean()


def max_cosine_similarity(student: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor], Tensor]:
    """Check ``student(true_directions, learned_directions)``: columns of (d, n_true) and (d, n_learned);
    for each true direction, its best cosine similarity with any learned one: (n_true,)."""
    g = torch.Generator().manual_seed(6)
    cases = [(_random((d, n), g, 3.0), _random((d, m), g, 0.3)) for d, n, m in ((2, 1, 3), (5, 20, 40), (8, 6, 4))]
    mistakes = {"without normalising the directions (dot products, not cosines)": lambda t, l: (t.T @ l).max(dim=1).values,
                "with the largest |cosine| (a direction and its negative are different features)":
                    lambda t, l: ((t / t.norm(dim=0)).T @ (l / l.norm(dim=0))).abs().max(dim=1).values}
    passed = check("max_cosine_similarity", student, reference_max_cosine_similarity, cases, mistakes)
    return student if passed else reference_max_cosine_similarity


def sae_loss(student: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Check ``student(x, x_hat, f, l1_coefficient)``: x, x_hat (batch, d_in), f (batch, d_sae); a scalar."""
    g = torch.Generator().manual_seed(7)
    cases = [(_random((b, d), g), _random((b, d), g), torch.relu(_random((b, k), g)), lam)
             for b, d, k, lam in ((1, 2, 3, 0.1), (16, 5, 40, 0.4), (8, 3, 6, 1.0))]
    mistakes = {"with the squared error averaged over features (sum over the d_in features, then average over the batch)":
                    lambda x, xh, f, lam: ((xh - x) ** 2).mean() + lam * f.abs().sum(-1).mean(),
                "without the L1 penalty": lambda x, xh, f, lam: ((xh - x) ** 2).sum(-1).mean(),
                "with the penalty on the reconstruction instead of the code f":
                    lambda x, xh, f, lam: ((xh - x) ** 2).sum(-1).mean() + lam * xh.abs().sum(-1).mean()}
    return student if check("sae_loss", student, reference_sae_loss, cases, mistakes) else reference_sae_loss


# --------------------------------------------------------------------------- logit-lens


def reference_kl_divergence(p_logits: Tensor, q_logits: Tensor) -> Tensor:
    """KL(p || q) between the distributions softmax(p_logits) and softmax(q_logits) over the last axis,
    averaged over every other position: a scalar."""
    log_p, log_q = p_logits.log_softmax(-1), q_logits.log_softmax(-1)
    return (log_p.exp() * (log_p - log_q)).sum(-1).mean()


def kl_divergence(student: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor], Tensor]:
    """Check ``student(p_logits, q_logits)``, both (..., vocab): the mean over positions of KL(p || q)."""
    g = torch.Generator().manual_seed(8)
    cases = [(_random(shape, g, 2.0), _random(shape, g, 2.0)) for shape in ((1, 3), (4, 7, 11), (2, 16, 46))]
    mistakes = {"the other way round, KL(q || p) (KL is not symmetric)": lambda p, q: reference_kl_divergence(q, p),
                "summed over positions instead of averaged": lambda p, q: reference_kl_divergence(p, q) * p[..., 0].numel(),
                "with the logits used as log-probabilities (apply log_softmax first)":
                    lambda p, q: (p.exp() * (p - q)).sum(-1).mean()}
    return student if check("kl_divergence", student, reference_kl_divergence, cases, mistakes) else reference_kl_divergence


def reference_logit_lens(model: GPT, resid: Tensor) -> Tensor:
    return model.unembed(resid)


def logit_lens(student: Callable[[GPT, Tensor], Tensor]) -> Callable[[GPT, Tensor], Tensor]:
    """Check ``student(model, resid)``: resid (batch, pos, d_model) read as the model reads its last one:
    (batch, pos, vocab)."""
    g = torch.Generator().manual_seed(9)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(9)
        model = GPT(GPTConfig(vocab_size=13, context_length=8, d_model=16, n_layers=1, n_heads=2)).eval()
        with torch.no_grad():  # a final LayerNorm that is not the identity, so that forgetting it shows
            model.ln_final.weight.uniform_(0.5, 1.5)
            model.ln_final.bias.normal_(0, 0.5)
    cases = [(model, _random((b, p, 16), g, 3.0)) for b, p in ((1, 1), (2, 5), (3, 8))]
    mistakes = {"without the final LayerNorm (the model normalises its residual stream before W_U)":
                    lambda m, r: m.W_U(r)}
    with torch.no_grad():
        passed = check("logit_lens", student, reference_logit_lens, cases, mistakes)
    return student if passed else reference_logit_lens


# --------------------------------------------------------------------------- superposition

reference_weighted_mse = toy_models.weighted_mse


def reference_feature_dimensionality(W: Tensor) -> Tensor:
    """D_i = ||W_i||^2 / sum_j (W_i_hat . W_j)^2 for W (instance, hidden, feature): (instance, feature)."""
    unit = W / W.norm(dim=1, keepdim=True).clamp_min(1e-8)
    return (W**2).sum(1) / (torch.einsum("ihf,ihg->ifg", unit, W) ** 2).sum(-1).clamp_min(1e-8)


def weighted_mse(student: Callable[[Tensor, Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor, Tensor], Tensor]:
    """Check ``student(x_hat, x, importance)``: x_hat, x (batch, instance, feature), importance (feature,);
    the importance-weighted squared error summed over features, averaged over the batch: (instance,)."""
    g = torch.Generator().manual_seed(10)
    cases = [(_random((b, i, f), g), _random((b, i, f), g), torch.rand(f, generator=g)) for b, i, f in ((1, 1, 3), (8, 2, 5), (32, 4, 20))]
    mistakes = {"without the importance weights": lambda xh, x, imp: ((xh - x) ** 2).sum(-1).mean(0),
                "averaged over features instead of summed": lambda xh, x, imp: (imp * (xh - x) ** 2).mean(-1).mean(0),
                "with the importance applied to the error before squaring": lambda xh, x, imp: ((imp * (xh - x)) ** 2).sum(-1).mean(0)}
    return student if check("weighted_mse", student, reference_weighted_mse, cases, mistakes) else reference_weighted_mse


def feature_dimensionality(student: Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
    """Check ``student(W)``: W (instance, hidden, feature); each feature's D_i: (instance, feature)."""
    g = torch.Generator().manual_seed(11)
    cases = [(_random((i, h, f), g),) for i, h, f in ((1, 2, 2), (3, 5, 20), (2, 4, 6))]
    mistakes = {"without the j = i term in the denominator (that is the interference, not the dimensionality)":
                    lambda W: (W**2).sum(1) / toy_models.superposition_score(SimpleNamespace(W=W)),
                "with W_i instead of its unit vector in the dot products":
                    lambda W: (W**2).sum(1) / (torch.einsum("ihf,ihg->ifg", W, W) ** 2).sum(-1)}
    passed = check("feature_dimensionality", student, reference_feature_dimensionality, cases, mistakes)
    return student if passed else reference_feature_dimensionality


# --------------------------------------------------------------------------- activation-patching


def reference_patch_head(layer: int, head: int, source: dict[str, Tensor]) -> dict[str, Callable[[Tensor], Tensor]]:
    """The patch that gives head ``layer.head`` its output from ``source`` (a cache) and leaves the rest."""
    name = f"blocks.{layer}.attn.head_out"
    others = torch.arange(source[name].shape[2]) != head  # (head,): True where the run keeps its own output
    return {name: lambda out: torch.where(others[None, None, :, None], out, source[name])}


def patch_head(student: Callable[[int, int, dict], dict]) -> Callable[[int, int, dict], dict]:
    """Check ``student(layer, head, source)``: the ``run_with_patches`` dict that replaces one head's
    ``attn.head_out`` (batch, pos, head, d_model) by its value in the cache ``source``, all positions."""
    g = torch.Generator().manual_seed(12)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(12)
        model = GPT(GPTConfig(vocab_size=17, context_length=8, d_model=16, n_layers=2, n_heads=4, attn_only=True)).eval()
    cases = []
    for layer, head, n in ((0, 0, 3), (1, 2, 8), (0, 3, 6)):
        a, b = (torch.randint(0, 17, (2, n), generator=g) for _ in range(2))
        with torch.no_grad():
            cases.append((b, layer, head, model.run_with_cache(a)[1]))

    def run(make):
        def logits(tokens, layer, head, source):
            with torch.no_grad():
                return model.run_with_patches(tokens, make(layer, head, source))
        return logits

    name = "blocks.{}.attn.head_out".format
    mistakes = {"with every head of the layer patched, not just one":
                    run(lambda layer, head, source: {name(layer): lambda out: source[name(layer)]}),
                "along the position axis (dim 1) instead of the head axis (dim 2)":
                    run(lambda layer, head, source: {name(layer): lambda out: out.index_copy(1, torch.tensor([head]), source[name(layer)][:, [head]])})}
    passed = check("patch_head", run(student), run(reference_patch_head), cases, mistakes)
    return student if passed else reference_patch_head


def reference_recovered_fraction(patched: float, clean: float, corrupted: float) -> float:
    return (patched - corrupted) / (clean - corrupted)


def recovered_fraction(student: Callable[[float, float, float], float]) -> Callable[[float, float, float], float]:
    """Check ``student(patched, clean, corrupted)``: 0 when patching changed nothing, 1 when it restored the
    clean run."""
    cases = [(-3.0, -0.5, -8.0), (-8.0, -0.2, -8.0), (-0.2, -0.2, -8.0), (1.5, 2.0, -1.0)]
    mistakes = {"the other way round, the fraction lost ((clean - patched) / (clean - corrupted))":
                    lambda p, c, x: (c - p) / (c - x),
                "with the denominator's sign flipped": lambda p, c, x: (p - x) / (x - c)}
    passed = check("recovered_fraction", student, reference_recovered_fraction, cases, mistakes)
    return student if passed else reference_recovered_fraction


# --------------------------------------------------------------------------- positional-encodings


def reference_sinusoidal_encoding(n_positions: int, d: int) -> Tensor:
    from .gpt import sinusoidal_positions

    return sinusoidal_positions(n_positions, d)


def _sinusoidal_with(exponent_step: int, swap: bool) -> Callable[[int, int], Tensor]:
    def wrong(n_positions: int, d: int) -> Tensor:
        angle = torch.arange(n_positions, dtype=torch.float32)[:, None] / 10000 ** (
            torch.arange(0, d, 2, dtype=torch.float32) * exponent_step / (2 * d))
        first, second = (angle.cos(), angle.sin()) if swap else (angle.sin(), angle.cos())
        return torch.stack([first, second], dim=-1).flatten(-2)
    return wrong


def sinusoidal_encoding(student: Callable[[int, int], Tensor]) -> Callable[[int, int], Tensor]:
    """Check ``student(n_positions, d)`` against ``lab.gpt.sinusoidal_positions``."""
    cases = [(1, 4), (12, 8), (64, 32), (100, 6)]
    mistakes = {"with sine and cosine swapped (column 2i is the cosine)": _sinusoidal_with(2, swap=True),
                "with the exponent i/d instead of 2i/d": _sinusoidal_with(1, swap=False)}
    passed = check("sinusoidal_encoding", student, reference_sinusoidal_encoding, cases, mistakes)
    return student if passed else reference_sinusoidal_encoding


def reference_rope(x: Tensor, positions: Tensor, base: float = 10000.0) -> Tensor:
    from .positions import rope as rope_reference

    return rope_reference(x, positions, base)


def _rope_halves(x: Tensor, positions: Tensor) -> Tensor:
    from .positions import rope_angles

    angle = rope_angles(positions, x.shape[-1], dtype=x.dtype)
    first, second = x.chunk(2, dim=-1)
    return torch.cat([first * angle.cos() - second * angle.sin(), first * angle.sin() + second * angle.cos()], dim=-1)


def rope(student: Callable[[Tensor, Tensor], Tensor]) -> Callable[[Tensor, Tensor], Tensor]:
    """Check ``student(x, positions)``, x (..., pos, d), against ``lab.positions.rope``."""
    g = torch.Generator().manual_seed(15)
    cases = [(_random((5, 4), g), torch.arange(5)), (_random((3, 9, 16), g), torch.arange(9) + 4),
             (_random((2, 2, 7, 32), g), torch.randint(0, 500, (7,), generator=g)),
             (_random((6, 8), g).double(), torch.arange(6) * 100)]
    mistakes = {"rotating the pairs (i, i + d/2) (the halves) instead of (2i, 2i + 1)": _rope_halves,
                "rotated the wrong way (by minus the angle)": lambda x, p: reference_rope(x, -p),
                "with theta_i = 10000^(-i/d) instead of 10000^(-2i/d)": lambda x, p: reference_rope(x, p, base=100.0)}
    passed = check("rope", student, lambda x, p: reference_rope(x, p), cases, mistakes)
    return student if passed else reference_rope


# --------------------------------------------------------------------------- residual-stream-and-layernorm


def reference_post_ln_block(x: Tensor, attn: Callable, mlp: Callable, ln1: Callable, ln2: Callable) -> Tensor:
    mid = ln1(x + attn(x))
    return ln2(mid + mlp(mid))


def _random_block_layers(g: torch.Generator, d_model: int, n_heads: int) -> tuple:
    from .gpt import MLP, LayerNorm

    cfg = GPTConfig(vocab_size=2, context_length=8, d_model=d_model, n_heads=n_heads)
    layers = (Attention(cfg), MLP(cfg), LayerNorm(d_model), LayerNorm(d_model))
    with torch.no_grad():
        for layer in layers:
            for p in layer.parameters():
                p.copy_(_random(p.shape, g, scale=0.5) + (1.0 if p.dim() == 1 else 0.0))
    return layers


def post_ln_block(student: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Check ``student(x, attn, mlp, ln1, ln2)`` on random layers of ``lab.gpt``."""
    g = torch.Generator().manual_seed(16)
    cases = [(_random((b, p, d), g),) + _random_block_layers(g, d, h) for b, p, d, h in ((1, 3, 8, 1), (2, 8, 16, 4))]
    mistakes = {"in the pre-LN order (x + attn(ln1(x)), ...)":
                    lambda x, a, m, l1, l2: (lambda mid: mid + m(l2(mid)))(x + a(l1(x))),
                "without the residual connections (ln1(attn(x)), ...)": lambda x, a, m, l1, l2: l2(m(l1(a(x)))),
                "with one LayerNorm at the end only": lambda x, a, m, l1, l2: (lambda mid: l2(mid + m(mid)))(x + a(x))}
    with torch.no_grad():
        passed = check("post_ln_block", student, reference_post_ln_block, cases, mistakes)
    return student if passed else reference_post_ln_block


def reference_decompose_logit(components: Tensor, ln_weight: Tensor, ln_bias: Tensor, w_u: Tensor) -> Tensor:
    from .residual import decompose_logit as reference

    return reference(components, ln_weight, ln_bias, w_u)


def _own_scale(components: Tensor, ln_weight: Tensor, ln_bias: Tensor, w_u: Tensor) -> Tensor:
    normed = F.layer_norm(components, components.shape[-1:], eps=1e-5)
    return torch.cat([(normed * ln_weight) @ w_u, (ln_bias @ w_u)[None]])


def decompose_logit(student: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Check ``student(components, ln_weight, ln_bias, w_u)`` on random components of a stream."""
    g = torch.Generator().manual_seed(17)
    cases = [(_random((n, d), g) + _random((1, d), g), _random((d,), g) + 1, _random((d,), g), _random((d,), g))
             for n, d in ((1, 4), (5, 16), (14, 64))]
    sigma = lambda c: (c.sum(0).var(unbiased=False) + 1e-5).sqrt()  # noqa: E731
    mistakes = {"normalising each component by its own scale (sigma must be the whole stream's)": _own_scale,
                "without centring each component": lambda c, w, b, u: torch.cat([(c / sigma(c) * w) @ u, (b @ u)[None]]),
                "without the LayerNorm bias's contribution": lambda c, w, b, u: torch.cat(
                    [reference_decompose_logit(c, w, b, u)[:-1], torch.zeros(1)])}
    passed = check("decompose_logit", student, reference_decompose_logit, cases, mistakes)
    return student if passed else reference_decompose_logit
