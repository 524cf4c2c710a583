"""lab.checks_sae_gpt: each checker passes a correct answer written differently from the reference,
fails each usual mistake with its hint and lends the reference, and lends it with a note while the
exercise is unsolved."""

import pytest
import torch
import torch.nn.functional as F

from lab import checks_sae_gpt


def fvu_solution(x, x_hat):
    return (x - x_hat).pow(2).sum() / (x.var(0, unbiased=False).sum() * len(x))


def splice_solution(model, tokens, targets, name, replace):
    logits, _ = model.run_with_patches_and_cache(tokens, {name: replace}, cache=False)
    return F.nll_loss(logits.log_softmax(-1).flatten(0, 1), targets.flatten())


def splice_with(patched=True, reduction="mean", against_inputs=False):
    def wrong(model, tokens, targets, name, replace):
        logits = model.run_with_patches(tokens, {name: replace}) if patched else model(tokens)
        wanted = tokens if against_inputs else targets
        return F.cross_entropy(logits.flatten(0, 1), wanted.flatten(), reduction=reduction)
    return wrong


CASES = {
    "fraction_variance_unexplained": (fvu_solution, {
        "with ||x||^2 as the denominator": lambda x, xh: (x - xh).pow(2).sum() / x.pow(2).sum(),
        "averaged per example": lambda x, xh: ((x - xh).pow(2).sum(1) / (x - x.mean(0)).pow(2).sum(1)).mean(),
        "averaged per dimension": lambda x, xh: ((x - xh).pow(2).sum(0) / (x - x.mean(0)).pow(2).sum(0)).mean(),
        "as the fraction explained": lambda x, xh: 1 - fvu_solution(x, xh),
    }),
    "splice_loss": (splice_solution, {
        "without the replacement": splice_with(patched=False),
        "summed over positions instead of averaged": splice_with(reduction="sum"),
        "scored against the input tokens instead of the targets": splice_with(against_inputs=True),
    }),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_solution_is_used_and_every_mistake_or_stub_gets_the_reference(name, checker_verdicts):
    checker_verdicts(checks_sae_gpt, name, *CASES[name])


def test_a_returned_float_is_accepted():
    from lab.sae import fraction_of_variance_unexplained

    assert checks_sae_gpt.fraction_variance_unexplained(fraction_of_variance_unexplained) is fraction_of_variance_unexplained
