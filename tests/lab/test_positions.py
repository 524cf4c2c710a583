"""lab.positions: RoPE equals the complex-number form of Su et al. (2021), and a GPT whose queries and keys
it rotates through the hooks computes PyTorch's reference attention on the rotated queries and keys."""

import torch
import torch.nn.functional as F

from lab.gpt import GPT, GPTConfig
from lab.positions import IGNORE, delayed_copy_batch, forward, rope


def test_rope_is_multiplication_by_e_to_the_i_p_theta():
    x, positions = torch.randn(2, 5, 8, dtype=torch.float64), torch.tensor([0, 3, 4, 10, 99])
    theta = 10000 ** (-torch.arange(0, 8, 2, dtype=torch.float64) / 8)
    z = torch.view_as_complex(x.reshape(2, 5, 4, 2).contiguous()) * torch.polar(torch.ones(5, 4, dtype=torch.float64),
                                                                                 positions[:, None] * theta)
    assert torch.allclose(rope(x, positions), torch.view_as_real(z).reshape(2, 5, 8), atol=1e-12)


def test_a_rotary_gpt_is_reference_attention_on_rotated_queries_and_keys():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=7, context_length=12, d_model=16, n_layers=1, n_heads=2, attn_only=True,
                          layer_norm=False, positional="none", bias=False))
    with torch.no_grad():  # GPT-2's small initialisation makes every pattern nearly uniform: make positions matter
        for p in model.parameters():
            p.mul_(30)
    tokens = torch.randint(0, 7, (3, 12))
    attn = model.blocks[0].attn
    x = model.W_E(tokens)
    q, k, v = (torch.einsum("bpm,hmd->bhpd", x, W) for W in (attn.W_Q, attn.W_K, attn.W_V))
    positions = torch.arange(12)
    z = F.scaled_dot_product_attention(rope(q, positions), rope(k, positions), v, is_causal=True)
    resid = x + torch.einsum("bhpd,hdm->bpm", z, attn.W_O)
    assert torch.allclose(forward(model, tokens, rotary=True), model.W_U(resid), atol=1e-5)
    assert not torch.allclose(forward(model, tokens, rotary=False), model.W_U(resid), atol=1e-2)


def test_the_delayed_copy_targets_are_the_tokens_delay_back():
    tokens, targets = delayed_copy_batch(4, 10, 5, 3, torch.Generator().manual_seed(0))
    assert (targets[:, :3] == IGNORE).all() and torch.equal(targets[:, 3:], tokens[:, :-3])
