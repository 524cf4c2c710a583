"""lab.induction: the repeated-token data and the head scores on hand-made patterns."""

import torch

from lab.induction import duplicate_token_scores, induction_scores, previous_token_scores, repeated_tokens


def test_repeated_tokens():
    tokens = repeated_tokens(3, 5, 10, torch.Generator().manual_seed(0))
    assert tokens.shape == (3, 10)
    assert torch.equal(tokens[:, :5], tokens[:, 5:])
    assert tokens.max() < 10


def pattern_attending(offset_of, n: int) -> torch.Tensor:
    """A (1, 1, n, n) pattern where query q attends fully to key offset_of(q) (or to itself)."""
    pattern = torch.zeros(1, 1, n, n)
    for q in range(n):
        k = offset_of(q)
        pattern[0, 0, q, k if 0 <= k <= q else q] = 1.0
    return pattern


def test_scores_on_ideal_heads():
    n, half = 12, 6
    previous = pattern_attending(lambda q: q - 1, n)
    duplicate = pattern_attending(lambda q: q - half, n)
    induction = pattern_attending(lambda q: q - half + 1, n)
    assert previous_token_scores(previous).item() == 1.0
    assert duplicate_token_scores(duplicate).item() == 1.0
    assert induction_scores(induction).item() == 1.0
    assert induction_scores(previous).item() == 0.0
    assert previous_token_scores(induction).item() == 0.0
    assert duplicate_token_scores(induction).item() == 0.0


def test_training_batch_repeats_with_period_half():
    from lab.induction import training_batch

    tokens = training_batch(4, 3, 10, 50, torch.Generator().manual_seed(0))
    assert tokens.shape == (4, 10)
    assert torch.equal(tokens[:, 3:], tokens[:, :7])  # period 3


def test_per_token_loss_and_half_losses_shapes():
    from lab.gpt import GPT, GPTConfig
    from lab.induction import half_losses, per_token_loss

    model = GPT(GPTConfig(vocab_size=11, context_length=8, d_model=16, n_layers=1, n_heads=2, attn_only=True, layer_norm=False))
    tokens = repeated_tokens(5, 4, 11, torch.Generator().manual_seed(0))
    assert per_token_loss(model, tokens).shape == (5, 7)
    first, repeat = half_losses(model, tokens)
    assert first > 0 and repeat > 0
