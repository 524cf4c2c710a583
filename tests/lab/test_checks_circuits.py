"""lab.checks_circuits: each checker passes a correct answer written differently from the reference,
fails each usual mistake with its hint and lends the reference, and lends it with a note while the
exercise is unsolved."""

import pytest
import torch

from lab import checks_circuits


def attribution_solution(clean, corrupted, grad):
    return torch.einsum("bphd,bphd->bh", clean, grad) - torch.einsum("bphd,bphd->bh", corrupted, grad)


def resample_solution(tokens, donors, offsets):
    out = donors.clone()
    n = tokens.shape[1]
    for j in range(n):
        for o in offsets:
            if 0 <= j + o < n:
                out[:, j, j + o] = tokens[:, j + o]
    return out


def resample_in_place(tokens, donors, offsets):
    out = resample_solution(tokens, donors, offsets)
    donors.copy_(out)
    return donors


def resample_wrapping(tokens, donors, offsets):
    out, n = donors.clone(), tokens.shape[1]
    for j in range(n):
        for o in offsets:
            out[:, j, (j + o) % n] = tokens[:, (j + o) % n]
    return out


def resample_every_donor(tokens, donors, offsets):
    out, n = donors.clone(), tokens.shape[1]
    for j in range(n):
        for o in offsets:
            if 0 <= j + o < n:
                out[:, :, j + o] = tokens[:, j + o, None]
    return out


CASES = {
    "attribution_patch": (attribution_solution, {
        "the wrong way round": lambda c, x, g: ((x - c) * g).sum((1, 3)),
        "gradient times the clean activation alone": lambda c, x, g: (c * g).sum((1, 3)),
        "summed over the heads": lambda c, x, g: ((c - x) * g).sum((2, 3)),
        "averaged over the positions": lambda c, x, g: ((c - x) * g).sum(3).mean(1),
    }),
    "resample_tokens": (resample_solution, {
        "the wrong way": lambda t, d, offsets: resample_solution(t, d, [-o for o in offsets]),
        "copied into every donor": resample_every_donor,
        "wrapping around": resample_wrapping,
    }),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_solution_is_used_and_every_mistake_or_stub_gets_the_reference(name, checker_verdicts):
    checker_verdicts(checks_circuits, name, *CASES[name])


def test_changing_the_donors_in_place_is_caught(capsys):
    assert checks_circuits.resample_tokens(resample_in_place) is checks_circuits.reference_resample_tokens
    out = capsys.readouterr().out
    assert out.startswith("resample_tokens: raised ValueError: it changed donors in place"), out


def test_the_checks_leave_the_global_random_state_alone():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    checks_circuits.attribution_patch(attribution_solution)
    checks_circuits.resample_tokens(resample_solution)
    assert torch.equal(torch.rand(3), expected)
