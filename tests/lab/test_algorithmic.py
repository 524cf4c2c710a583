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


def test_fan_in_init_scales_matrices_and_keeps_biases():
    from lab.algorithmic import fan_in_init_

    model = GPT(grokking_model_config(31, d_model=64, n_heads=4, d_mlp=256))
    before = {n: p.clone() for n, p in model.named_parameters()}
    fan_in_init_(model, torch.Generator().manual_seed(0))
    params = dict(model.named_parameters())
    assert abs(params["blocks.0.attn.W_Q"].std().item() - 64**-0.5) < 0.01
    assert abs(params["blocks.0.attn.W_O"].std().item() - 16**-0.5) < 0.02
    assert abs(params["blocks.0.mlp.W_out.weight"].std().item() - 256**-0.5) < 0.01
    for name in ("blocks.0.attn.b_Q", "blocks.0.mlp.W_in.bias"):
        assert torch.equal(params[name], before[name])


def test_training_records_history_and_measure():
    from lab.algorithmic import train_modular_addition

    p = 7
    torch.manual_seed(0)
    model = GPT(grokking_model_config(p, d_model=16, n_heads=2, d_mlp=32))
    split = modular_addition_split(p, 0.5)
    history = train_modular_addition(model, split, steps=20, eval_every=10, measure=lambda m: 1.0, log=None)
    assert history["step"] == [0, 10, 20]
    assert history["measure"] == [1.0, 1.0, 1.0]
    assert history["train_loss"][-1] < history["train_loss"][0]
