"""lab.algorithmic: the modular-addition split and the Fourier tools."""

import math

import torch

from lab.algorithmic import fourier_basis, frequency_energy, grokking_model_config, modular_addition_split
from lab.gpt import GPT
from lab.algorithmic import answer_logits


def test_split_is_deterministic_disjoint_and_complete():
    p = 7
    a = modular_addition_split(p, 0.3, seed=1)
    b = modular_addition_split(p, 0.3, seed=1)
    assert torch.equal(a.train_tokens, b.train_tokens) and torch.equal(a.test_tokens, b.test_tokens)
    assert not torch.equal(modular_addition_split(p, 0.3, seed=2).train_tokens, a.train_tokens)
    train = {tuple(t[:2].tolist()) for t in a.train_tokens}
    test = {tuple(t[:2].tolist()) for t in a.test_tokens}
    assert len(train) == round(0.3 * p * p) and not train & test and len(train | test) == p * p
    for tokens, labels in ((a.train_tokens, a.train_labels), (a.test_tokens, a.test_labels)):
        assert (tokens[:, 2] == p).all()
        assert torch.equal(labels, (tokens[:, 0] + tokens[:, 1]) % p)


def test_fourier_basis_is_orthonormal():
    basis, names = fourier_basis(11)
    assert basis.shape == (11, 11) and names[:3] == ["const", "cos 1", "sin 1"]
    torch.testing.assert_close(basis @ basis.T, torch.eye(11), atol=1e-5, rtol=0)


def test_frequency_energy_finds_a_pure_frequency():
    p = 13
    x = torch.arange(p, dtype=torch.float32)
    W = torch.stack([torch.cos(2 * math.pi * 3 * x / p), torch.sin(2 * math.pi * 3 * x / p)], dim=1)  # (p, 2)
    energy = frequency_energy(W)
    assert energy.shape == ((p - 1) // 2 + 1,)
    torch.testing.assert_close(energy.sum(), torch.tensor(1.0))
    assert energy[3] > 0.999


def test_model_answers_over_p_classes():
    p = 7
    model = GPT(grokking_model_config(p, d_model=16, n_heads=2, d_mlp=32))
    split = modular_addition_split(p, 0.5)
    assert answer_logits(model, split.train_tokens).shape == (len(split.train_labels), p)


def test_answer_logits_equal_the_full_forward_pass():
    p = 7
    torch.manual_seed(0)
    model = GPT(grokking_model_config(p, d_model=16, n_heads=2, d_mlp=32))
    with torch.no_grad():
        for param in model.parameters():
            param.normal_(0, 0.3)  # biases too, so the shortcut is tested on all terms
    tokens = modular_addition_split(p, 0.5).test_tokens
    torch.testing.assert_close(answer_logits(model, tokens), model(tokens)[:, -1, :p])
