"""lab.residual: the pre-LN NormGPT is lab.gpt.GPT, a post-LN block is PyTorch's post-norm
TransformerEncoderLayer, and the logit decomposition adds up to the model's logit."""

import torch
from torch import nn

from lab.gpt import GPT, GPTConfig
from lab.residual import NormGPT, decompose_logit, layer_gradient_norms, residual_components

CONFIG = GPTConfig(vocab_size=11, context_length=10, d_model=16, n_layers=2, n_heads=4)


def test_pre_ln_is_the_course_gpt():
    model = NormGPT(CONFIG, "pre")
    reference = GPT(CONFIG)
    reference.load_state_dict(model.state_dict())
    tokens = torch.randint(0, 11, (3, 10))
    assert torch.allclose(model(tokens), reference(tokens), atol=1e-6)


def test_a_post_ln_block_is_pytorchs_post_norm_encoder_layer_with_a_causal_mask():
    torch.manual_seed(0)
    block = NormGPT(CONFIG, "post").blocks[0]
    attn, H, D, M = block.attn, CONFIG.n_heads, CONFIG.d_head, CONFIG.d_model
    layer = nn.TransformerEncoderLayer(M, H, dim_feedforward=4 * M, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=False)
    with torch.no_grad():
        fused = [W.permute(0, 2, 1).reshape(H * D, M) for W in (attn.W_Q, attn.W_K, attn.W_V)]  # (out, in) per head
        layer.self_attn.in_proj_weight.copy_(torch.cat(fused))
        layer.self_attn.in_proj_bias.copy_(torch.cat([b.reshape(-1) for b in (attn.b_Q, attn.b_K, attn.b_V)]))
        layer.self_attn.out_proj.weight.copy_(attn.W_O.reshape(H * D, M).T)
        layer.self_attn.out_proj.bias.copy_(attn.b_O)
        for ours, theirs in ((block.mlp.W_in, layer.linear1), (block.mlp.W_out, layer.linear2),
                             (block.ln1, layer.norm1), (block.ln2, layer.norm2)):
            theirs.weight.copy_(ours.weight)
            theirs.bias.copy_(ours.bias)
    layer.eval()
    x = torch.randn(2, 10, M)
    mask = nn.Transformer.generate_square_subsequent_mask(10)
    assert torch.allclose(block(x), layer(x, src_mask=mask, is_causal=True), atol=1e-5)


def test_the_components_sum_to_the_stream_and_the_contributions_to_the_logit():
    model = NormGPT(CONFIG, "pre").eval()
    with torch.no_grad():
        for p in model.ln_final.parameters():
            p.add_(torch.randn_like(p) * 0.3)  # a gain and bias that are not the identity
        logits, cache = model.run_with_cache(torch.randint(0, 11, (2, 10)))
    names, components = residual_components(cache, CONFIG.n_layers)
    assert len(names) == len(components) == 2 + 2 * CONFIG.n_layers
    assert torch.allclose(components.sum(0), cache["blocks.1.resid_post"], atol=1e-5)
    parts = decompose_logit(components[:, 1, 7], model.ln_final.weight, model.ln_final.bias, model.W_U.weight[3])
    assert abs(parts.sum().item() - logits[1, 7, 3].item()) < 1e-5


def test_layer_gradient_norms_has_one_norm_per_block():
    model = NormGPT(CONFIG, "post")
    model.loss(torch.randint(0, 11, (2, 10))).backward()
    norms = layer_gradient_norms(model)
    assert norms.shape == (CONFIG.n_layers,) and (norms > 0).all()
