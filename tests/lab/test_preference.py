"""lab.preference: sequence log-probabilities, the KL between sample distributions, the DPO loss, the
comparisons, and training that moves only the adapter (and nothing with training switched off)."""

import itertools
import math

import torch

from lab.gpt import GPT, GPTConfig
from lab.lora import add_lora
from lab.preference import dpo_loss, kl_per_sequence, pair_agreement, preference_pairs, sequence_logprob, train_dpo
from lab.preference import word_count


def tiny_gpt(seed: int = 0) -> GPT:
    torch.manual_seed(seed)
    return GPT(GPTConfig(vocab_size=3, context_length=4, d_model=8, n_layers=1, n_heads=2, d_mlp=8)).eval()


def test_sequence_logprob_sums_the_log_probabilities_after_the_prompt():
    model = tiny_gpt()
    tokens = torch.tensor([[0, 2, 1, 1], [1, 0, 0, 2]])
    with torch.no_grad():
        logprobs = model(tokens[:, :-1]).log_softmax(-1)
        expected = sum(logprobs[:, t - 1].gather(-1, tokens[:, t : t + 1])[:, 0] for t in (2, 3))
        torch.testing.assert_close(sequence_logprob(model, tokens, start=2), expected)


def test_the_kl_along_samples_averages_to_the_kl_between_whole_sample_distributions():
    """Enumerate every continuation of a 1-token prompt by 3 tokens of a 3-token vocabulary."""
    policy, reference = tiny_gpt(0), tiny_gpt(1)
    tokens = torch.tensor([[0, *rest] for rest in itertools.product(range(3), repeat=3)])  # (27, 4)
    with torch.no_grad():
        log_p, log_q = sequence_logprob(policy, tokens, 1), sequence_logprob(reference, tokens, 1)
    p = log_p.exp()
    torch.testing.assert_close(p.sum(), torch.tensor(1.0))
    exact = (p * (log_p - log_q)).sum()
    along = (p * kl_per_sequence(policy, reference, tokens, 1)).sum()
    torch.testing.assert_close(along, exact)
    assert exact > 0 and kl_per_sequence(policy, policy, tokens, 1).abs().max() < 1e-6


def test_dpo_loss_is_log_2_at_the_reference_and_falls_as_the_chosen_sample_gains():
    ref = torch.tensor([-5.0, -7.0])
    assert math.isclose(dpo_loss(ref, ref, ref, ref, 0.1).item(), math.log(2), rel_tol=1e-6)
    better = dpo_loss(ref + 1, ref, ref, ref, 0.1)
    assert better < math.log(2) and dpo_loss(ref, ref + 1, ref, ref, 0.1) > math.log(2)
    assert math.isclose(better.item(), -math.log(1 / (1 + math.exp(-0.1))), rel_tol=1e-6)


def test_preference_pairs_prefer_the_higher_score_and_never_repeat():
    scores = torch.tensor([0.0, 1.0, 0.0, 2.0, 1.0])
    chosen, rejected = preference_pairs(scores, 100, torch.Generator().manual_seed(0))
    assert len(chosen) == 8  # every pair with different scores, once: 1 over 0 (2 x 2), 2 over 0 (2), 2 over 1 (2)
    assert (scores[chosen] > scores[rejected]).all()
    assert len(set(zip(chosen.tolist(), rejected.tolist()))) == len(chosen)
    few = preference_pairs(scores, 3, torch.Generator().manual_seed(0))[0]
    assert len(few) == 3


def test_pair_agreement_counts_only_pairs_both_can_tell_apart():
    labels = torch.tensor([1.0, 0.0, 1.0, 0.0])
    assert pair_agreement(labels, torch.tensor([3.0, 1.0, 2.0, 0.0])) == 1.0
    assert pair_agreement(labels, -torch.tensor([3.0, 1.0, 2.0, 0.0])) == 0.0
    assert pair_agreement(labels, torch.tensor([1.0, 0.0, 0.0, 1.0])) == 0.5  # ties are left out


def test_word_count_counts_whole_words():
    assert word_count("a girl, the girls, girl.", "girl") == 2
    assert word_count("Girl girl", "girl") == 1


def test_dpo_training_raises_the_preferred_samples_and_moves_only_the_adapter(monkeypatch):
    reference = tiny_gpt(0).requires_grad_(False)
    tokens = torch.tensor([[0, *rest] for rest in itertools.product(range(3), repeat=3)])
    scores = (tokens[:, 1:] == 2).sum(-1).float()  # prefer samples with more 2s
    chosen, rejected = preference_pairs(scores, 200, torch.Generator().manual_seed(0))
    with torch.no_grad():
        ref_logprobs = sequence_logprob(reference, tokens, 1)

    def margin(policy):
        with torch.no_grad():
            gain = sequence_logprob(policy, tokens, 1) - ref_logprobs
        return (gain[chosen] - gain[rejected]).mean().item()

    for off in (False, True):
        if off:
            monkeypatch.setattr(torch.optim.Adam, "step", lambda self, closure=None: None)  # what the switch does
        torch.manual_seed(0)
        policy = add_lora(reference, rank=2, alpha=4.0)
        losses = train_dpo(policy, tokens, 1, chosen, rejected, ref_logprobs, beta=0.5, steps=30, batch_size=16, lr=3e-2)
        assert len(losses) == 30
        assert (margin(policy) == 0) is off and (off or margin(policy) > 0.1)
