"""lab.sampling: the key-value cache gives the model's own logits, and the same draws as GPT.generate."""

import pytest
import torch

from lab.gpt import GPT, GPTConfig
from lab.sampling import _forward_new, sample


@pytest.mark.parametrize("options", [{}, {"bias": False, "attn_only": True}, {"positional": "sinusoidal"}])
def test_cached_steps_give_the_logits_of_a_full_forward_pass(options):
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=11, context_length=10, d_model=16, n_layers=2, n_heads=4, **options)).eval()
    tokens = torch.randint(0, 11, (3, 10), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        full = model(tokens)
        cache = [[] for _ in model.blocks]
        steps = [_forward_new(model, tokens[:, :4], 0, cache)]  # a prompt of 4, then one token at a time
        steps += [_forward_new(model, tokens[:, t : t + 1], t, cache) for t in range(4, 10)]
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-5, rtol=1e-5)


def test_sampling_draws_what_generate_draws_and_stays_in_the_context():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=7, context_length=12, d_model=16, n_layers=1, n_heads=2))
    prompts = torch.randint(0, 7, (5, 2), generator=torch.Generator().manual_seed(2))
    cached = sample(model, prompts, 10, torch.Generator().manual_seed(3))
    plain = model.generate(prompts, 10, generator=torch.Generator().manual_seed(3))
    assert cached.shape == (5, 12) and torch.equal(cached, plain) and torch.equal(cached[:, :2], prompts)
    with pytest.raises(ValueError, match="do not fit"):
        sample(model, prompts, 11)
