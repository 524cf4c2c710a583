"""lab.circuits on small random attention-only models: attribution patching is exact where the metric is
linear, path patching touches one receiver's reads only, and a resample that keeps everything is no change."""

import torch

from lab.circuits import (exact_head_patching, head_logit, metric_gradients, path_patch, resample_tokens,
                          scrubbed_logits)
from lab.gpt import GPT, GPTConfig

CONFIG = GPTConfig(vocab_size=13, context_length=8, d_model=16, n_layers=2, n_heads=4, attn_only=True, layer_norm=False)


def small_model(seed=0, n_heads=4):
    torch.manual_seed(seed)
    model = GPT(GPTConfig(**{**CONFIG.__dict__, "n_heads": n_heads})).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.3)  # far from the small initialisation, so attention is not uniform
    return model


def tokens(seed, batch=3, n=8):
    return torch.randint(0, 13, (batch, n), generator=torch.Generator().manual_seed(seed))


def test_attribution_is_exact_for_a_metric_linear_in_the_last_layer():
    model, clean, corrupted = small_model(), tokens(1), tokens(2)
    metric = lambda logits: logits[:, -1, 3] - logits[:, 2, 5]  # the logits are linear in layer 1's head outputs
    with torch.no_grad():
        _, clean_cache = model.run_with_cache(clean)
    name = "blocks.1.attn.head_out"
    acts, grads = metric_gradients(model, corrupted, metric, [name])
    estimate = ((clean_cache[name] - acts[name]) * grads[name]).sum(dim=(1, 3))
    assert torch.allclose(estimate, exact_head_patching(model, corrupted, clean_cache, 1, metric), atol=1e-4)
    assert not torch.allclose(estimate, torch.zeros_like(estimate), atol=1e-3)


def test_path_patch_changes_only_the_receivers_reads():
    model, clean = small_model(), tokens(3)
    delta = torch.randn(3, 8, 16, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        _, clean_cache = model.run_with_cache(clean)
    _, cache = path_patch(model, clean, delta, 1, receiver=2, reads="k")
    others = [h for h in range(4) if h != 2]
    assert torch.equal(cache["blocks.1.attn.k"][:, others], clean_cache["blocks.1.attn.k"][:, others])
    assert torch.equal(cache["blocks.1.attn.q"], clean_cache["blocks.1.attn.q"])
    assert not torch.allclose(cache["blocks.1.attn.k"][:, 2], clean_cache["blocks.1.attn.k"][:, 2])


def test_with_one_head_a_path_patch_of_every_read_is_patching_the_layers_input():
    model, clean = small_model(n_heads=1), tokens(5)
    delta = torch.randn(3, 8, 16, generator=torch.Generator().manual_seed(6))
    logits, _ = path_patch(model, clean, delta, 1, receiver=0, reads=("q", "k", "v"))
    with torch.no_grad():
        expected = model.run_with_patches(clean, {f"blocks.1.attn.{r}_input": lambda x: x + delta for r in "qkv"})
    assert torch.allclose(logits, expected, atol=1e-5)


def test_the_direct_logit_attributions_and_the_rest_add_up_to_the_logit():
    model, x = small_model(), tokens(7)
    with torch.no_grad():
        logits, cache = model.run_with_cache(x)
    targets, positions = x[:, 3:], slice(2, 7)
    W_U = model.W_U.weight
    heads = sum(head_logit(cache, layer, h, W_U, targets, positions) for layer in range(2) for h in range(4))
    rest = cache["embed"] + cache["pos_embed"] + model.blocks[0].attn.b_O + model.blocks[1].attn.b_O
    rest = (rest[:, positions] * W_U[targets]).sum(-1).mean().item()
    assert abs(heads + rest - logits[:, positions].gather(-1, targets[..., None]).mean().item()) < 1e-4


def test_resample_tokens_copies_the_kept_offsets_into_each_positions_donor():
    x = torch.tensor([[1, 2, 3, 4]])
    donors = torch.zeros(1, 4, 4, dtype=torch.long)
    out = resample_tokens(x, donors, [-1])
    assert out[0].tolist() == [[0, 0, 0, 0], [1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0]]
    assert donors.eq(0).all()  # a copy
    assert resample_tokens(x, donors, [0, 1])[0].tolist() == [[1, 2, 0, 0], [0, 2, 3, 0], [0, 0, 3, 4], [0, 0, 0, 4]]


def test_scrubbing_with_the_input_as_every_donor_is_the_model_itself():
    model, x = small_model(), tokens(8)
    same = {read: x[:, None, :].expand(3, 8, 8) for read in "qkv"}
    with torch.no_grad():
        expected = model(x)
    assert torch.allclose(scrubbed_logits(model, x, {"q": [], "k": [], "v": []}, same), expected, atol=1e-5)
    other = {read: tokens(9 + i, n=64).view(3, 8, 8) for i, read in enumerate("qkv")}
    assert torch.allclose(scrubbed_logits(model, x, {"q": None, "k": None}, other), expected, atol=1e-5)
    assert not torch.allclose(scrubbed_logits(model, x, {"k": []}, other), expected, atol=1e-3)
    kept = scrubbed_logits(model, x, {"k": list(range(-7, 8))}, other)  # keeping every token: the donor is the input
    assert torch.allclose(kept, expected, atol=1e-5)
