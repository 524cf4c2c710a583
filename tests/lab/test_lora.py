"""lab.lora: an adapted model starts as the base model exactly, and only the adapters learn."""

import torch

from lab.gpt import GPT, GPTConfig
from lab.lora import LoRALinear, add_lora, lora_parameters


def small_gpt() -> GPT:
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=13, context_length=8, d_model=16, n_layers=2, n_heads=2, d_mlp=24)).eval()


def test_at_initialisation_the_adapted_model_computes_exactly_what_the_base_computes():
    model = small_gpt()
    adapted = add_lora(model, rank=3, alpha=6.0)
    tokens = torch.randint(0, 13, (4, 8), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert torch.equal(adapted(tokens), model(tokens))
    assert all(isinstance(block.mlp.W_in, LoRALinear) and isinstance(block.mlp.W_out, LoRALinear) for block in adapted.blocks)


def test_only_the_adapters_get_gradients_and_the_base_model_is_left_alone():
    model = small_gpt()
    before = {name: p.detach().clone() for name, p in model.state_dict().items()}
    adapted = add_lora(model, rank=2, alpha=4.0)
    tokens = torch.randint(0, 13, (3, 8), generator=torch.Generator().manual_seed(2))
    adapted.loss(tokens).backward()
    adapters = lora_parameters(adapted)
    assert len(adapters) == 2 * 2 * model.cfg.n_layers  # A and B, on W_in and W_out, in every block
    assert {id(p) for p in adapted.parameters() if p.grad is not None} == {id(p) for p in adapters}
    assert {id(p) for p in adapted.parameters() if p.requires_grad} == {id(p) for p in adapters}
    assert all(p.grad is None and p.requires_grad for p in model.parameters()), "the reference must stay trainable and untouched"
    assert all(torch.equal(before[name], p) for name, p in model.state_dict().items())
    d, h = model.cfg.d_model, model.cfg.mlp_width
    assert sum(p.numel() for p in adapters) == model.cfg.n_layers * 2 * 2 * (d + h)  # r (d_in + d_out) per matrix, r = 2


def test_the_update_is_alpha_over_r_times_b_a_and_has_rank_at_most_r():
    torch.manual_seed(3)
    base = torch.nn.Linear(10, 7)
    layer = LoRALinear(base, rank=2, alpha=5.0)
    with torch.no_grad():
        layer.B.normal_()
    x = torch.randn(4, 10)
    update = 2.5 * layer.B @ layer.A
    torch.testing.assert_close(layer(x), x @ (base.weight + update).T + base.bias)
    assert torch.linalg.matrix_rank(update.detach()) <= 2
    assert not base.weight.requires_grad and layer.A.requires_grad and layer.B.requires_grad
