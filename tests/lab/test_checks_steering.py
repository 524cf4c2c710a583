"""lab.checks_steering: each checker passes a correct answer written differently from the reference,
fails each usual mistake with its hint and lends the reference, and lends it with a note while the
exercise is unsolved."""

import pytest
import torch

from lab import checks_steering


def means_solution(acts, labels):
    weights = labels.double() / labels.sum() - (~labels).double() / (~labels).sum()
    return (weights.float() @ acts)


def hook_solution(layer, vector):
    def add(resid):
        return resid + vector.expand_as(resid)
    return {f"blocks.{layer}.resid_post": add}


CASES = {
    "difference_of_means": (means_solution, {
        "the wrong way round": lambda a, y: a[~y].mean(0) - a[y].mean(0),
        "the mean of all rows": lambda a, y: a[y].mean(0) - a.mean(0),
        "sums in place of means": lambda a, y: a[y].sum(0) - a[~y].sum(0),
        "normalised to length 1": lambda a, y: torch.nn.functional.normalize(a[y].mean(0) - a[~y].mean(0), dim=0),
    }),
    "steering_hook": (hook_solution, {
        "at the last position only": lambda l, v: {f"blocks.{l}.resid_post": lambda r: r + torch.cat([torch.zeros_like(r[:, :-1]), v.expand_as(r[:, -1:])], 1)},
        "replacing the residual stream": lambda l, v: {f"blocks.{l}.resid_post": lambda r: torch.zeros_like(r) + v},
        "before the block": lambda l, v: {f"blocks.{l}.resid_pre": lambda r: r + v},
        "subtracted": lambda l, v: {f"blocks.{l}.resid_post": lambda r: r - v},
    }),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_solution_is_used_and_every_mistake_or_stub_gets_the_reference(name, checker_verdicts):
    checker_verdicts(checks_steering, name, *CASES[name])


def test_a_misspelt_activation_name_is_reported_not_raised(capsys):
    used = checks_steering.steering_hook(lambda layer, v: {f"blocks.{layer}.resid_post_": lambda r: r + v})
    assert used is checks_steering.reference_steering_hook
    assert capsys.readouterr().out.startswith("steering_hook: raised KeyError")
