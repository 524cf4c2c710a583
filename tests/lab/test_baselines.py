"""lab.baselines.ngram_loss against counting by hand."""

import math
from collections import Counter

import pytest
import torch

from lab.baselines import ngram_loss


@pytest.mark.parametrize("n", [1, 2, 3])
def test_ngram_loss_is_the_add_k_model_counted_by_hand(n):
    train = torch.tensor([0, 1, 2, 0, 1, 2, 0, 2, 1, 0])
    val = torch.tensor([0, 1, 2, 1, 1, 0])
    V, k = 3, 0.5
    grams = Counter(tuple(train[i : i + n].tolist()) for i in range(len(train) - n + 1))
    contexts = Counter(tuple(train[i : i + n - 1].tolist()) for i in range(len(train) - n + 1))
    nll = [-math.log((grams[tuple(val[t - n + 1 : t + 1].tolist())] + k) / (contexts[tuple(val[t - n + 1 : t].tolist())] + k * V))
           for t in range(n - 1, len(val))]
    assert ngram_loss(train, val, n, V, k) == pytest.approx(sum(nll) / len(nll), rel=1e-6)


def test_an_unseen_context_is_uniform():
    assert ngram_loss(torch.tensor([0, 0, 0]), torch.tensor([1, 1]), 2, 4, k=1.0) == pytest.approx(math.log(4))
