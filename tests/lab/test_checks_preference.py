"""lab.checks_preference: each checker passes a correct answer written differently from the reference,
fails each usual mistake with its hint and lends the reference, and lends it with a note while the
exercise is unsolved."""

import pytest
import torch
import torch.nn.functional as F

from lab import checks_preference


def lora_solution(x, weight, bias, A, B, alpha):
    return F.linear(x, weight + (alpha / len(A)) * B @ A, bias)


def dpo_solution(policy_chosen, policy_rejected, reference_chosen, reference_rejected, beta):
    logits = beta * ((policy_chosen - policy_rejected) - (reference_chosen - reference_rejected))
    return torch.log1p(torch.exp(-logits)).mean()


CASES = {
    "lora_forward": (lora_solution, {
        "without the alpha / r scale": lambda x, W, b, A, B, alpha: F.linear(x, W + B @ A, b),
        "scaled by alpha instead of alpha / r": lambda x, W, b, A, B, alpha: F.linear(x, W + alpha * B @ A, b),
        "without the frozen layer's bias": lambda x, W, b, A, B, alpha: F.linear(x, W + alpha / len(A) * B @ A),
        "without the frozen weight": lambda x, W, b, A, B, alpha: F.linear(x, alpha / len(A) * B @ A, b),
    }),
    "dpo_loss": (dpo_solution, {
        "without the reference model": lambda pc, pr, rc, rr, beta: torch.log1p(torch.exp(-beta * (pc - pr))).mean(),
        "with the chosen and rejected samples swapped": lambda pc, pr, rc, rr, beta: dpo_solution(pr, pc, rr, rc, beta),
        "without beta": lambda pc, pr, rc, rr, beta: dpo_solution(pc, pr, rc, rr, 1.0),
        "with the sign of the loss flipped": lambda pc, pr, rc, rr, beta: -dpo_solution(pc, pr, rc, rr, beta),
        "summed over the pairs instead of averaged":
            lambda pc, pr, rc, rr, beta: dpo_solution(pc, pr, rc, rr, beta) * len(pc),
    }),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_solution_is_used_and_every_mistake_or_stub_gets_the_reference(name, checker_verdicts):
    checker_verdicts(checks_preference, name, *CASES[name])
