"""lab.sae_gpt: activations, the loss with a layer replaced, the neuron-basis control, and top contexts."""

import math

import torch

from lab.gpt import GPT, GPTConfig
from lab.sae_gpt import activations, context_purity, neurons_needed, spliced_loss, top_contexts, top_k_reconstruction


def small_gpt() -> GPT:
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=9, context_length=6, d_model=8, n_layers=1, n_heads=2, d_mlp=12)).eval()


def test_activations_are_one_row_per_position_and_the_identity_splice_is_the_models_loss():
    model = small_gpt()
    tokens = torch.randint(0, 9, (3, 7), generator=torch.Generator().manual_seed(1))
    x, y = tokens[:, :-1], tokens[:, 1:]
    acts = activations(model, x, "blocks.0.mlp.hidden")
    assert acts.shape == (18, 12)
    with torch.no_grad():
        assert math.isclose(spliced_loss(model, x, y, "blocks.0.mlp.hidden", lambda h: h), model.loss(x, y).item(), rel_tol=1e-6)
    assert spliced_loss(model, x, y, "blocks.0.mlp.hidden", lambda h: 100 * h) != spliced_loss(model, x, y, "blocks.0.mlp.hidden", lambda h: h)


def test_top_k_reconstruction_keeps_the_largest_deviations_from_the_mean():
    x = torch.tensor([[5.0, 1.0, -3.0], [0.0, 2.0, 1.5]])
    mean = torch.tensor([1.0, 1.0, 1.0])
    torch.testing.assert_close(top_k_reconstruction(x, mean, 1), torch.tensor([[5.0, 1.0, 1.0], [0.0, 1.0, 1.0]]))
    torch.testing.assert_close(top_k_reconstruction(x, mean, 3), x)
    assert top_k_reconstruction(x[:, None, :], mean, 2).shape == (2, 1, 3)


def test_top_contexts_and_purity_read_the_right_positions():
    tokens = torch.tensor([[0, 1, 2, 1], [2, 2, 1, 0]])  # flattened positions 0..7
    values = torch.zeros(8, 2)
    values[[1, 3, 6], 0] = torch.tensor([3.0, 2.0, 1.0])  # unit 0 fires on token 1 only
    values[[0, 5], 1] = torch.tensor([1.0, 2.0])
    rows = top_contexts(values[:, 0], tokens, lambda ids: "".join("abc"[i] for i in ids), k=2, width=2)
    assert rows == [(3.0, "a", "b"), (2.0, "bc", "b")]
    purity = context_purity(values, tokens, k=3, span=1)
    assert purity[0] == 1.0 and math.isnan(purity[1])  # unit 1 is active at fewer than 3 positions
    two = context_purity(values, tokens, k=3, span=2)
    assert math.isclose(two[0].item(), 2 / 3, rel_tol=1e-6)  # 'ab' at position 1, 'cb' at 3 and 6


def test_neurons_needed_is_the_smallest_k_that_reaches_the_fvu():
    from lab.sae import fraction_of_variance_unexplained

    x = torch.randn(200, 10, generator=torch.Generator().manual_seed(4)) * torch.arange(1, 11)
    mean = x.mean(0)
    fvu = [fraction_of_variance_unexplained(x, top_k_reconstruction(x, mean, k)) for k in range(11)]
    for target in (0.5, 0.2, 0.05, fvu[4]):
        k = neurons_needed(x, mean, target)
        assert fvu[k] <= target and (k == 1 or fvu[k - 1] > target)
    assert neurons_needed(x, mean, 0.0) == 10  # at worst, every neuron
