"""lab.gpt against PyTorch's own attention and a reference transformer built from nn modules."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lab.gpt import GPT, Attention, GPTConfig, sinusoidal_positions

TOL = dict(atol=1e-5, rtol=1e-5)


def small_config(**overrides):
    base = dict(vocab_size=23, context_length=16, d_model=32, n_layers=2, n_heads=4)
    return GPTConfig(**{**base, **overrides})


def randomise(module: nn.Module, seed: int = 0) -> nn.Module:
    """Non-trivial values everywhere (biases and LayerNorm gains included)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            is_layer_norm_gain = (name.startswith("ln") or ".ln" in name) and name.endswith("weight")
            p.copy_(torch.randn(p.shape, generator=g) * 0.3 + (1.0 if is_layer_norm_gain else 0.0))
    return module


def causal_mask(n: int) -> torch.Tensor:
    return torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)  # True = may not attend


def to_multihead_attention(attn: Attention) -> nn.MultiheadAttention:
    """Copy per-head W_Q, W_K, W_V, W_O into PyTorch's fused layout."""
    H, M, D = attn.W_Q.shape
    mha = nn.MultiheadAttention(M, H, bias=attn.b_Q is not None, batch_first=True)
    with torch.no_grad():
        # in_proj_weight row h*D + d, column m holds W[h, m, d]
        mha.in_proj_weight.copy_(torch.cat([W.permute(0, 2, 1).reshape(H * D, M) for W in (attn.W_Q, attn.W_K, attn.W_V)]))
        mha.out_proj.weight.copy_(attn.W_O.reshape(H * D, M).T)
        if attn.b_Q is not None:
            mha.in_proj_bias.copy_(torch.cat([b.reshape(-1) for b in (attn.b_Q, attn.b_K, attn.b_V)]))
            mha.out_proj.bias.copy_(attn.b_O)
    return mha


@pytest.mark.parametrize("bias", [True, False])
def test_attention_matches_scaled_dot_product_attention(bias):
    cfg = small_config(bias=bias)
    attn = randomise(Attention(cfg))
    x = torch.randn(3, 11, cfg.d_model, generator=torch.Generator().manual_seed(1))
    H, D = cfg.n_heads, cfg.d_head

    def project(W, b):  # (batch, pos, d_model) -> (batch, head, pos, d_head)
        out = torch.einsum("bpm,hmd->bhpd", x, W)
        return out + b[:, None, :] if b is not None else out

    z = F.scaled_dot_product_attention(
        project(attn.W_Q, attn.b_Q), project(attn.W_K, attn.b_K), project(attn.W_V, attn.b_V), is_causal=True
    )
    expected = z.transpose(1, 2).reshape(3, 11, H * D) @ attn.W_O.reshape(H * D, cfg.d_model)
    if bias:
        expected = expected + attn.b_O
    torch.testing.assert_close(attn(x), expected, **TOL)


def test_attention_matches_nn_multihead_attention():
    cfg = small_config()
    attn = randomise(Attention(cfg))
    mha = to_multihead_attention(attn)
    x = torch.randn(2, 16, cfg.d_model, generator=torch.Generator().manual_seed(2))
    expected, _ = mha(x, x, x, attn_mask=causal_mask(16), need_weights=False)
    torch.testing.assert_close(attn(x), expected, **TOL)


class ReferenceGPT(nn.Module):
    """The same architecture assembled from stock PyTorch modules, weights copied from a GPT."""

    def __init__(self, model: GPT):
        super().__init__()
        cfg = model.cfg
        self.W_E = nn.Embedding.from_pretrained(model.W_E.weight.detach().clone())
        self.W_pos = model.W_pos.weight.detach().clone()
        self.layers = nn.ModuleList()
        for block in model.blocks:
            ln1, ln2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
            fc1, fc2 = nn.Linear(cfg.d_model, cfg.mlp_width), nn.Linear(cfg.mlp_width, cfg.d_model)
            with torch.no_grad():
                for ours, theirs in ((block.ln1, ln1), (block.ln2, ln2), (block.mlp.W_in, fc1), (block.mlp.W_out, fc2)):
                    theirs.weight.copy_(ours.weight)
                    theirs.bias.copy_(ours.bias)
            self.layers.append(nn.ModuleDict(dict(ln1=ln1, attn=to_multihead_attention(block.attn), ln2=ln2, fc1=fc1, fc2=fc2)))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        with torch.no_grad():
            self.ln_f.weight.copy_(model.ln_final.weight)
            self.ln_f.bias.copy_(model.ln_final.bias)
            self.head.weight.copy_(model.W_U.weight)

    def forward(self, tokens):
        n = tokens.shape[1]
        x = self.W_E(tokens) + self.W_pos[:n]
        for layer in self.layers:
            h = layer["ln1"](x)
            x = x + layer["attn"](h, h, h, attn_mask=causal_mask(n), need_weights=False)[0]
            x = x + layer["fc2"](F.gelu(layer["fc1"](layer["ln2"](x))))
        return self.head(self.ln_f(x))


def make_model(**overrides) -> GPT:
    torch.manual_seed(0)
    return randomise(GPT(small_config(**overrides))).eval()


def tokens(batch=3, n=16, vocab=23, seed=3):
    return torch.randint(0, vocab, (batch, n), generator=torch.Generator().manual_seed(seed))


def test_full_forward_matches_reference():
    model = make_model()
    x = tokens()
    torch.testing.assert_close(model(x), ReferenceGPT(model)(x), **TOL)


def test_loss_is_next_token_cross_entropy():
    model = make_model()
    x = tokens()
    logits = model(x[:, :-1])
    expected = F.cross_entropy(logits.reshape(-1, 23), x[:, 1:].reshape(-1))
    torch.testing.assert_close(model.loss(x), expected)
    torch.testing.assert_close(model.loss(x[:, :-1], x[:, 1:]), expected)


def test_causality_future_tokens_do_not_change_past_logits():
    model = make_model()
    x = tokens()
    y = x.clone()
    y[:, 10:] = (y[:, 10:] + 1) % 23
    torch.testing.assert_close(model(x)[:, :10], model(y)[:, :10])


@pytest.mark.parametrize(
    "overrides",
    [dict(), dict(attn_only=True), dict(layer_norm=False), dict(positional="sinusoidal"), dict(positional="none", bias=False)],
)
def test_run_with_cache_shapes_and_logits(overrides):
    model = make_model(**overrides)
    cfg = model.cfg
    x = tokens(batch=2, n=9)
    logits, cache = model.run_with_cache(x)
    torch.testing.assert_close(logits, model(x))
    B, P, M, H, D = 2, 9, cfg.d_model, cfg.n_heads, cfg.d_head
    expected = {"embed": (B, P, M), "pos_embed": (B, P, M), "ln_final": (B, P, M)}
    for l in range(cfg.n_layers):
        expected |= {
            f"blocks.{l}.resid_pre": (B, P, M),
            **{f"blocks.{l}.attn.{x}_input": (B, P, M) for x in "qkv"},
            **{f"blocks.{l}.attn.{x}": (B, H, P, D) for x in "qkv"},
            f"blocks.{l}.attn.scores": (B, H, P, P),
            f"blocks.{l}.attn.pattern": (B, H, P, P),
            f"blocks.{l}.attn.z": (B, P, H, D),
            f"blocks.{l}.attn.head_out": (B, P, H, M),
            f"blocks.{l}.attn.out": (B, P, M),
            f"blocks.{l}.resid_post": (B, P, M),
        }
        if not cfg.attn_only:
            expected |= {
                f"blocks.{l}.resid_mid": (B, P, M),
                f"blocks.{l}.mlp.hidden": (B, P, cfg.mlp_width),
                f"blocks.{l}.mlp.out": (B, P, M),
            }
    assert {k: tuple(v.shape) for k, v in cache.items()} == expected
    # the residual stream is a sum of what each component writes into it
    last = cfg.n_layers - 1
    torch.testing.assert_close(model.unembed(cache[f"blocks.{last}.resid_post"]), logits)
    pattern = cache["blocks.0.attn.pattern"]
    torch.testing.assert_close(pattern.sum(-1), torch.ones(B, H, P))
    assert (pattern.triu(diagonal=1) == 0).all()
    assert torch.isinf(cache["blocks.0.attn.scores"].triu(diagonal=1)[..., 0, 1:]).all()
    head_sum = cache["blocks.0.attn.head_out"].sum(2)
    if cfg.bias:
        head_sum = head_sum + model.blocks[0].attn.b_O
    torch.testing.assert_close(head_sum, cache["blocks.0.attn.out"])


def test_identity_patches_change_nothing():
    model = make_model()
    x = tokens()
    _, cache = model.run_with_cache(x)
    patched = model.run_with_patches(x, {name: (lambda t: t) for name in cache})
    torch.testing.assert_close(patched, model(x), atol=0, rtol=0)


def test_zeroing_a_head_equals_manual_ablation():
    model = make_model()
    x = tokens()
    layer, head = 1, 2
    patched = model.run_with_patches(x, {f"blocks.{layer}.attn.head_out": lambda t: t.index_fill(2, torch.tensor([head]), 0.0)})
    with torch.no_grad():  # ablate by hand: that head's output matrix writes nothing
        model.blocks[layer].attn.W_O[head] = 0.0
    torch.testing.assert_close(patched, model(x), **TOL)
    assert not torch.allclose(patched, make_model()(x))


def test_patch_is_seen_downstream_and_misspelt_names_fail():
    model = make_model()
    x = tokens()
    shift = torch.randn(model.cfg.d_model)
    _, cache = model.run_with_cache(x)
    logits = model.run_with_patches(x, {"blocks.1.resid_post": lambda t: t + shift})
    torch.testing.assert_close(logits, model.unembed(cache["blocks.1.resid_post"] + shift))
    with pytest.raises(KeyError, match="blocks.9.resid_post"):
        model.run_with_patches(x, {"blocks.9.resid_post": lambda t: t})
    with pytest.raises(ValueError, match="shape"):
        model.run_with_patches(x, {"embed": lambda t: t[:, :1]})


def test_queries_keys_and_values_can_be_patched_apart_and_a_run_can_patch_and_cache():
    model = make_model()
    x = tokens()
    _, cache = model.run_with_cache(x)
    block = model.blocks[1].attn
    k_expected = torch.einsum("bpm,hmd->bhpd", cache["blocks.1.attn.k_input"], block.W_K)
    if model.cfg.bias:
        k_expected = k_expected + block.b_K[:, None, :]
    torch.testing.assert_close(cache["blocks.1.attn.k"], k_expected, **TOL)
    shift = torch.randn(model.cfg.d_model)
    logits, patched = model.run_with_patches_and_cache(x, {"blocks.1.attn.k_input": lambda t: t + shift})
    torch.testing.assert_close(logits, model.run_with_patches(x, {"blocks.1.attn.k_input": lambda t: t + shift}))
    # the keys moved; the queries, the values and the layer's input did not
    assert not torch.allclose(patched["blocks.1.attn.k"], cache["blocks.1.attn.k"])
    for name in ("blocks.1.attn.q", "blocks.1.attn.v", "blocks.1.resid_pre"):
        torch.testing.assert_close(patched[name], cache[name], atol=0, rtol=0)
    torch.testing.assert_close(patched["blocks.1.attn.k_input"], cache["blocks.1.attn.k_input"] + shift)


def test_generate_is_deterministic_under_a_seeded_generator():
    model = make_model()
    prompt = tokens(batch=2, n=4)
    a = model.generate(prompt, 30, generator=torch.Generator().manual_seed(7), top_k=5)
    b = model.generate(prompt, 30, generator=torch.Generator().manual_seed(7), top_k=5)
    c = model.generate(prompt, 30, generator=torch.Generator().manual_seed(8), top_k=5)
    assert a.shape == (2, 34) and torch.equal(a[:, :4], prompt)
    assert torch.equal(a, b) and not torch.equal(a, c)
    greedy = model.generate(prompt, 3, temperature=0)
    assert torch.equal(greedy[:, 4], model(prompt)[:, -1].argmax(-1))


def test_sinusoidal_positions_follow_the_formula():
    pe = sinusoidal_positions(10, 8)
    assert torch.isclose(pe[3, 2], torch.sin(torch.tensor(3 / 10000 ** (2 / 8))))
    assert torch.isclose(pe[3, 5], torch.cos(torch.tensor(3 / 10000 ** (4 / 8))))


def test_num_params_counts_every_parameter():
    model = GPT(small_config())
    assert model.num_params() == sum(p.numel() for p in model.parameters())
    assert model.num_params(include_embeddings=False) == model.num_params() - (23 + 16) * 32


@pytest.mark.parametrize("overrides", [dict(), dict(attn_only=True, layer_norm=False)])
def test_biases_start_at_zero_gains_at_one_and_matrices_at_gpt2_scale(overrides):
    torch.manual_seed(0)
    model = GPT(small_config(**overrides))  # as constructed, not randomise()d
    for name, p in model.named_parameters():
        leaf = name.rsplit(".", 1)[-1]
        if leaf in ("bias", "b_Q", "b_K", "b_V", "b_O"):
            assert (p == 0).all(), name
        elif p.dim() == 1:
            assert (p == 1).all(), name  # LayerNorm gains
        else:
            assert 0.003 < p.std().item() < 0.03, name
