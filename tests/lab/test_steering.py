"""lab.steering: the quotation mask, the difference of means, the steering patch, sampling with patches
and the two scores."""

import torch

from lab.gpt import GPT, GPTConfig
from lab.steering import (difference_of_means, quotation_mask, rate_per_thousand, sample, separation_auc,
                          steering_hook)


def small_model():
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=11, context_length=8, d_model=16, n_layers=2, n_heads=4)).eval()


def test_the_mask_opens_with_a_quotation_mark_and_closes_before_the_next():
    text = 'a "bc" d "e'
    assert "".join("q" if q else "." for q in quotation_mask(text).tolist()) == '..qqq....qq'


def test_difference_of_means():
    acts = torch.tensor([[1.0, 0.0], [3.0, 2.0], [0.0, 5.0]])
    labels = torch.tensor([True, True, False])
    assert torch.equal(difference_of_means(acts, labels), torch.tensor([2.0, -4.0]))


def test_the_hook_adds_the_vector_after_the_block_at_every_position():
    model, x = small_model(), torch.randint(0, 11, (2, 6))
    v = torch.randn(16)
    with torch.no_grad():
        _, cache = model.run_with_patches_and_cache(x, steering_hook(0, v))
        _, clean = model.run_with_cache(x)
        assert torch.allclose(model.run_with_patches(x, steering_hook(1, torch.zeros(16))), model(x))
    assert torch.allclose(cache["blocks.0.resid_post"], clean["blocks.0.resid_post"] + v)


def test_sampling_with_a_patch_that_does_nothing_is_sampling_the_model():
    model, prompt = small_model(), torch.zeros(3, 1, dtype=torch.long)
    plain = sample(model, prompt, 12, None, seed=5)
    assert plain.shape == (3, 12)
    assert torch.equal(sample(model, prompt, 12, steering_hook(1, torch.zeros(16)), seed=5), plain)
    assert not torch.equal(sample(model, prompt, 12, steering_hook(1, 50 * torch.randn(16)), seed=5), plain)


def test_the_scores():
    assert rate_per_thousand(['ab"', 'c"d"'], '"') == 1000 * 3 / 7
    labels = torch.tensor([True, False, True, False])
    assert separation_auc(torch.tensor([3.0, 1.0, 2.0, 0.0]), labels) == 1.0
    assert separation_auc(torch.tensor([0.0, 1.0, 2.0, 3.0]), labels) == 0.25
    assert separation_auc(torch.ones(4), labels) == 0.5
