"""lab.checks: each checker passes a correct answer, fails each usual mistake with a hint, and lends the
reference (with a note) when the exercise is unsolved or wrong, without touching the global RNG."""

import math

import pytest
import torch
import torch.nn.functional as F

from lab import checks


def pattern_solution(q, k):
    scores = q @ k.T / math.sqrt(q.shape[-1])
    mask = torch.triu(torch.ones(len(q), len(q), dtype=torch.bool), diagonal=1)
    return scores.masked_fill(mask, float("-inf")).softmax(dim=-1)


def head_solution(x, W_Q, W_K, W_V, W_O):
    return pattern_solution(x @ W_Q, x @ W_K) @ x @ W_V @ W_O


def layer_norm_solution(x, weight, bias, eps=1e-5):
    mean, var = x.mean(-1, keepdim=True), x.var(-1, keepdim=True, unbiased=False)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias


def cross_entropy_solution(logits, targets):
    return -logits.log_softmax(-1).gather(-1, targets[..., None]).mean()


def previous_solution(pattern):
    return torch.diagonal(pattern, offset=-1, dim1=-2, dim2=-1).mean(dim=(0, -1))


def induction_solution(pattern):
    half = pattern.shape[-1] // 2
    return torch.stack([pattern[:, :, half + j, j + 1] for j in range(half)], dim=-1).mean(dim=(0, -1))


def max_cos_solution(true, learned):
    return (F.normalize(true, dim=0).T @ F.normalize(learned, dim=0)).max(dim=1).values


def sae_loss_solution(x, x_hat, f, l1_coefficient):
    return ((x_hat - x) ** 2).sum(-1).mean() + l1_coefficient * f.abs().sum(-1).mean()


def kl_solution(p_logits, q_logits):
    return F.kl_div(q_logits.log_softmax(-1), p_logits.log_softmax(-1), log_target=True, reduction="none").sum(-1).mean()


def lens_solution(model, resid):
    return model.W_U(model.ln_final(resid))


def weighted_mse_solution(x_hat, x, importance):
    return (importance * (x_hat - x) ** 2).sum(-1).mean(0)


def dimensionality_solution(W):
    norms2 = (W**2).sum(1)  # (instance, feature)
    unit = W / W.norm(dim=1, keepdim=True)
    return norms2 / (torch.einsum("ihf,ihg->ifg", unit, W) ** 2).sum(-1)


def patch_head_solution(layer, head, source):
    clean_out = source[f"blocks.{layer}.attn.head_out"]

    def fn(head_out):
        patched = head_out.clone()
        patched[:, :, head] = clean_out[:, :, head]
        return patched

    return {f"blocks.{layer}.attn.head_out": fn}


def recovered_solution(patched, clean, corrupted):
    return (patched - corrupted) / (clean - corrupted)


def add_k_solution(count, context_count, k, vocab_size):
    return (count + k) / (context_count + k * vocab_size)


def majority_solution(labels):
    half = labels.shape[0] // 2
    guess = int(labels[:half].float().mean().item() >= 0.5)
    return (labels[half:] == guess).float().mean().item()


def context_solution(ids, positions):
    return ids[positions] * 10_000 + ids[positions - 1] * 100 + ids[positions - 2]


def fourier_solution(p):
    x = torch.arange(p, dtype=torch.float64)
    rows = [torch.full((p,), 1 / math.sqrt(p), dtype=torch.float64)]
    for k in range(1, (p - 1) // 2 + 1):
        rows += [math.sqrt(2 / p) * torch.cos(2 * math.pi * k * x / p), math.sqrt(2 / p) * torch.sin(2 * math.pi * k * x / p)]
    return torch.stack(rows).float()


def energy_solution(W):
    coefficients = fourier_solution(W.shape[0]) @ W  # (p, d)
    per_row = (coefficients**2).sum(dim=1)
    shares = torch.cat([per_row[:1], per_row[1::2] + per_row[2::2]])
    return shares / shares.sum()


def _sinusoidal_exponent(n, d, step):
    angle = torch.arange(n, dtype=torch.float32)[:, None] / 10000 ** (torch.arange(d // 2) * step / d)
    return torch.stack([angle.sin(), angle.cos()], dim=-1).reshape(n, d)


def sinusoidal_solution(n, d):
    return _sinusoidal_exponent(n, d, 2)


def _rope_on(x, positions, halves=False, step=2):
    """RoPE written with complex numbers (Su et al. 2021, eq. 34): pair j is x_a + i x_b, times e^(i p theta_j)."""
    d = x.shape[-1]
    theta = 10000 ** (-torch.arange(d // 2, dtype=torch.float64) * step / d)
    rotation = torch.polar(torch.ones_like(theta), positions.double()[:, None] * theta)  # (pos, d/2)
    a, b = (x.chunk(2, dim=-1) if halves else (x[..., 0::2], x[..., 1::2]))
    z = torch.complex(a.double(), b.double()) * rotation
    out = torch.cat([z.real, z.imag], dim=-1) if halves else torch.stack([z.real, z.imag], dim=-1).flatten(-2)
    return out.to(x.dtype)


def rope_solution(x, positions):
    return _rope_on(x, positions)


def post_ln_solution(x, attn, mlp, ln1, ln2):
    mid = ln1(x + attn(x))
    return ln2(mid + mlp(mid))


def decompose_solution(components, ln_weight, ln_bias, w_u):
    """Each component through LayerNorm at the whole stream's scale (Elhage et al. 2021's direct logit attribution)."""
    x = components.sum(0)
    centred = components - components.mean(-1, keepdim=True)
    return torch.cat([centred / torch.sqrt(x.var(unbiased=False) + 1e-5) @ (ln_weight * w_u), (ln_bias * w_u).sum()[None]])


def stub(*args):
    raise NotImplementedError


CASES = {
    "attention_pattern": (pattern_solution, {
        "causal mask": lambda q, k: (q @ k.T / math.sqrt(q.shape[-1])).softmax(-1),
        "1/sqrt(d_head)": lambda q, k: pattern_solution(q * math.sqrt(q.shape[-1]), k),
        "dim 0": lambda q, k: (q @ k.T / math.sqrt(q.shape[-1])).masked_fill(
            torch.ones(len(q), len(q), dtype=torch.bool).triu(1), float("-inf")).softmax(0),
    }),
    "attention_head": (head_solution, {
        "causal mask": lambda x, W_Q, W_K, W_V, W_O: ((x @ W_Q) @ (x @ W_K).T / math.sqrt(W_Q.shape[1])).softmax(-1) @ x @ W_V @ W_O,
        "1/sqrt(d_head)": lambda x, W_Q, W_K, W_V, W_O: pattern_solution(x @ W_Q * math.sqrt(W_Q.shape[1]), x @ W_K) @ x @ W_V @ W_O,
        "without W_O": lambda x, W_Q, W_K, W_V, W_O: pattern_solution(x @ W_Q, x @ W_K) @ x @ W_V,
    }),
    "layer_norm": (layer_norm_solution, {
        "unbiased variance": lambda x, w, b, eps=1e-5: (x - x.mean(-1, keepdim=True)) / (x.var(-1, keepdim=True) + eps).sqrt() * w + b,
        "without the gain and bias": lambda x, w, b, eps=1e-5: F.layer_norm(x, w.shape, eps=eps),
    }),
    "previous_token_scores": (previous_solution, {
        "main diagonal": lambda p: torch.diagonal(p, dim1=-2, dim2=-1).mean(dim=(0, -1)),
    }),
    "induction_scores": (induction_solution, {
        "duplicate-token score": lambda p: torch.diagonal(p, offset=-(p.shape[-1] // 2), dim1=-2, dim2=-1).mean(dim=(0, -1)),
        "position half - 1 included": lambda p: torch.diagonal(p, offset=-(p.shape[-1] // 2 - 1), dim1=-2, dim2=-1).mean(dim=(0, -1)),
    }),
    "max_cosine_similarity": (max_cos_solution, {
        "without normalising": lambda t, l: (t.T @ l).max(dim=1).values,
        "largest |cosine|": lambda t, l: (F.normalize(t, dim=0).T @ F.normalize(l, dim=0)).abs().max(dim=1).values,
    }),
    "sae_loss": (sae_loss_solution, {
        "averaged over features": lambda x, xh, f, lam: ((xh - x) ** 2).mean() + lam * f.abs().sum(-1).mean(),
        "without the L1 penalty": lambda x, xh, f, lam: ((xh - x) ** 2).sum(-1).mean(),
        "penalty on the reconstruction": lambda x, xh, f, lam: ((xh - x) ** 2).sum(-1).mean() + lam * xh.abs().sum(-1).mean(),
    }),
    "kl_divergence": (kl_solution, {
        "the other way round": lambda p, q: kl_solution(q, p),
        "summed over positions": lambda p, q: kl_solution(p, q) * p[..., 0].numel(),
        "logits used as log-probabilities": lambda p, q: (p.exp() * (p - q)).sum(-1).mean(),
    }),
    "logit_lens": (lens_solution, {
        "without the final LayerNorm": lambda m, r: m.W_U(r),
    }),
    "weighted_mse": (weighted_mse_solution, {
        "without the importance weights": lambda xh, x, imp: ((xh - x) ** 2).sum(-1).mean(0),
        "averaged over features": lambda xh, x, imp: (imp * (xh - x) ** 2).mean(-1).mean(0),
        "before squaring": lambda xh, x, imp: ((imp * (xh - x)) ** 2).sum(-1).mean(0),
    }),
    "feature_dimensionality": (dimensionality_solution, {
        "without the j = i term": lambda W: (W**2).sum(1) / (dimensionality_solution(W) ** -1 * (W**2).sum(1) - (W**2).sum(1)),
        "W_i instead of its unit vector": lambda W: (W**2).sum(1) / (torch.einsum("ihf,ihg->ifg", W, W) ** 2).sum(-1),
    }),
    "patch_head": (patch_head_solution, {
        "every head of the layer": lambda layer, head, source: {f"blocks.{layer}.attn.head_out": lambda out: source[f"blocks.{layer}.attn.head_out"]},
    }),
    "recovered_fraction": (recovered_solution, {
        "the fraction lost": lambda p, c, x: (c - p) / (c - x),
    }),
    "add_k_probability": (add_k_solution, {
        "without the k V": lambda c, cc, k, V: (c + k) / cc.clamp_min(1e-9),
        "k added once": lambda c, cc, k, V: (c + k) / (cc + k),
    }),
    "perplexity": (torch.exp, {
        "in bits": lambda x: 2**x,
    }),
    "majority_accuracy": (majority_solution, {
        "majority share of all windows": lambda y: max(y.float().mean().item(), 1 - y.float().mean().item()),
    }),
    "context_type": (context_solution, {
        "current character only": lambda ids, pos: ids[pos],
        "added up": lambda ids, pos: ids[pos] + ids[pos - 1] + ids[pos - 2],
    }),
    "fourier_basis": (fourier_solution, {
        "without normalising": lambda p: torch.cat([torch.ones(1, p), fourier_solution(p)[1:] * math.sqrt(p / 2)]),
    }),
    "frequency_energy": (energy_solution, {
        "not divided by the total": lambda W: energy_solution(W) * (W**2).sum(),
    }),
    "sinusoidal_encoding": (sinusoidal_solution, {
        "sine and cosine swapped": lambda n, d: sinusoidal_solution(n, d).reshape(n, d // 2, 2).flip(-1).reshape(n, d),
        "exponent i/d": lambda n, d: _sinusoidal_exponent(n, d, 1),
    }),
    "rope": (rope_solution, {
        "rotating the pairs (i, i + d/2)": lambda x, p: _rope_on(x, p, halves=True),
        "the wrong way": lambda x, p: rope_solution(x, -p),
        "10000^(-i/d)": lambda x, p: _rope_on(x, p, step=1),
    }),
    "post_ln_block": (post_ln_solution, {
        "pre-LN order": lambda x, a, m, l1, l2: (lambda mid: mid + m(l2(mid)))(x + a(l1(x))),
        "without the residual connections": lambda x, a, m, l1, l2: l2(m(l1(a(x)))),
        "one LayerNorm at the end only": lambda x, a, m, l1, l2: (lambda mid: l2(mid + m(mid)))(x + a(x)),
    }),
    "decompose_logit": (decompose_solution, {
        "its own scale": lambda c, w, b, u: torch.cat([(F.layer_norm(c, c.shape[-1:]) * w) @ u, (b @ u)[None]]),
        "without centring": lambda c, w, b, u: torch.cat([(c / (c.sum(0).var(unbiased=False) + 1e-5).sqrt() * w) @ u, (b @ u)[None]]),
        "bias's contribution": lambda c, w, b, u: decompose_solution(c, w, b, u) * torch.cat([torch.ones(len(c)), torch.zeros(1)]),
    }),
    "cross_entropy": (cross_entropy_solution, {
        "summed": lambda l, t: -l.log_softmax(-1).gather(-1, t[..., None]).sum(),
        "raw logits": lambda l, t: -l.gather(-1, t[..., None]).mean(),
        "softmax probability instead of its log": lambda l, t: -l.softmax(-1).gather(-1, t[..., None]).mean(),
    }),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_correct_answer_passes_and_is_used(name, capsys):
    solution, _ = CASES[name]
    assert getattr(checks, name)(solution) is solution
    assert capsys.readouterr().out.startswith(f"{name}: all ")


@pytest.mark.parametrize("name,mistake", [(n, m) for n in sorted(CASES) for m in CASES[n][1]])
def test_each_usual_mistake_fails_with_its_hint_and_the_reference_is_lent(name, mistake, capsys):
    wrong = CASES[name][1][mistake]
    used = getattr(checks, name)(wrong)
    out = capsys.readouterr().out
    assert used is getattr(checks, f"reference_{name}") and used is not wrong
    assert out.startswith(f"{name}: wrong on test") and mistake in out.split("It matches the reference")[-1] and checks.FALLBACK in out


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_unsolved_stub_lends_the_reference_with_a_note(name, capsys):
    assert getattr(checks, name)(stub) is getattr(checks, f"reference_{name}")
    assert capsys.readouterr().out == f"{name}: not written yet. {checks.FALLBACK}\n"


def test_a_crashing_or_misshapen_answer_is_reported_not_raised(capsys):
    checks.attention_pattern(lambda q, k: q @ k)  # (pos, d) @ (pos, d): a shape error for most inputs
    assert "raised RuntimeError" in capsys.readouterr().out
    checks.attention_pattern(lambda q, k: q)
    assert "expected a tensor of shape" in capsys.readouterr().out


def test_checking_leaves_the_global_random_state_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    checks.attention_head(lambda x, *w: torch.randn(len(x), x.shape[1]))
    checks.attention_head(head_solution)
    assert torch.equal(torch.rand(3), expected)
