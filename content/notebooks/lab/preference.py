"""Learning from pairwise preferences with direct preference optimisation (DPO).

RLHF (Christiano et al. 2017; Ouyang et al. 2022) fits a reward model to human comparisons and then
optimises the policy against it with reinforcement learning, held near the reference model by a KL
penalty. Rafailov et al. (2023) showed that the optimum of that KL-regularised objective can be written in
closed form, so the policy can be fitted to the comparisons directly: for a preferred sample y_w and a
dispreferred y_l of the same prompt,

    loss = -log sigmoid(beta [(log pi(y_w) - log pi_ref(y_w)) - (log pi(y_l) - log pi_ref(y_l))]).

``train_dpo`` minimises it with Adam over a LoRA adapter's parameters (``lab.lora``), so the course's
training switch (``COURSE_TRAINING=off``) leaves the adapter at zero and the policy equal to the reference.
"""

from __future__ import annotations

import re

import torch
import torch.nn.functional as F
from torch import Tensor

from .gpt import GPT
from .lora import lora_parameters


def sequence_logprob(model: GPT, tokens: Tensor, start: int) -> Tensor:
    """(batch,): log pi(tokens[:, start:] | tokens[:, :start]), the sum over the sampled tokens."""
    logprobs = model(tokens[:, :-1]).log_softmax(dim=-1)  # position t predicts token t + 1
    picked = logprobs.gather(-1, tokens[:, 1:, None])[..., 0]  # (batch, pos - 1)
    return picked[:, start - 1 :].sum(dim=-1)


@torch.no_grad()
def kl_per_sequence(policy: GPT, reference: GPT, tokens: Tensor, start: int, chunk: int = 64) -> Tensor:
    """(batch,): sum over the sampled positions of KL(pi(. | prefix) || pi_ref(. | prefix)). On samples
    from ``policy``, its mean is KL(pi || pi_ref) between the two distributions of whole samples.
    (Computed ``chunk`` rows at a time: on a CPU, small batches are faster than one large one.)"""
    parts = []
    for rows in tokens.split(chunk):
        log_p = policy(rows[:, :-1]).log_softmax(dim=-1)[:, start - 1 :]
        log_q = reference(rows[:, :-1]).log_softmax(dim=-1)[:, start - 1 :]
        parts.append((log_p.exp() * (log_p - log_q)).sum(dim=(-1, -2)))
    return torch.cat(parts)


def dpo_loss(policy_chosen: Tensor, policy_rejected: Tensor, reference_chosen: Tensor, reference_rejected: Tensor,
             beta: float) -> Tensor:
    """Rafailov et al. (2023), eq. 7: every argument (batch,) of sequence log-probabilities; a scalar."""
    margin = (policy_chosen - reference_chosen) - (policy_rejected - reference_rejected)
    return -F.logsigmoid(beta * margin).mean()


def preference_pairs(scores: Tensor, n_pairs: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """``n_pairs`` (chosen, rejected) index pairs of samples whose ``scores`` differ, the higher chosen:
    the comparisons a labeller who prefers higher scores would make, drawn at random without repeats."""
    higher = scores[:, None] > scores[None, :]  # (n, n): i preferred to j
    chosen, rejected = higher.nonzero(as_tuple=True)
    keep = torch.randperm(len(chosen), generator=generator)[:n_pairs]
    return chosen[keep], rejected[keep]


def train_dpo(policy: GPT, tokens: Tensor, start: int, chosen: Tensor, rejected: Tensor, reference_logprobs: Tensor,
              beta: float, steps: int, batch_size: int, lr: float, seed: int = 0, loss_fn=dpo_loss) -> list[float]:
    """Adam on the adapter of ``policy`` over random minibatches of the pairs (``chosen[i]``, ``rejected[i]``)
    of rows of ``tokens`` (samples whose first ``start`` tokens are the prompt); ``reference_logprobs`` (n,)
    are the reference model's ``sequence_logprob`` of every row. ``loss_fn`` has ``dpo_loss``'s signature.
    Returns the loss of every step."""
    generator, losses = torch.Generator().manual_seed(seed), []
    optimizer = torch.optim.Adam(lora_parameters(policy), lr=lr)
    policy.train()
    for _ in range(steps):
        batch = torch.randint(0, len(chosen), (batch_size,), generator=generator)
        rows = torch.cat([chosen[batch], rejected[batch]])
        logprobs = sequence_logprob(policy, tokens[rows], start)
        loss = loss_fn(logprobs[:batch_size], logprobs[batch_size:], reference_logprobs[chosen[batch]],
                        reference_logprobs[rejected[batch]], beta)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    policy.eval()
    return losses


def word_count(text: str, word: str) -> int:
    """How often ``word`` occurs in ``text`` as a whole word."""
    return len(re.findall(rf"\b{re.escape(word)}\b", text))


def pair_agreement(labels: Tensor, proxy: Tensor) -> float:
    """Of the pairs whose ``labels`` differ and whose ``proxy`` scores differ, the share in which the proxy
    prefers the sample the labels prefer: 1 = a proxy that never contradicts the labels, 0.5 = a coin."""
    d_label, d_proxy = labels[:, None] - labels[None, :], proxy[:, None] - proxy[None, :]
    both = (d_label != 0) & (d_proxy != 0)
    return ((d_label * d_proxy)[both] > 0).float().mean().item()
