"""Pre-LN and post-LN transformers from ``lab.gpt``'s layers, and the residual stream taken apart.

A post-LN block (Vaswani et al. 2017) normalises *after* each residual addition:
    resid_mid  = LN1(resid_pre + attn(resid_pre))
    resid_post = LN2(resid_mid + mlp(resid_mid))
and its model has no final LayerNorm. A pre-LN block (Xiong et al. 2020; GPT-2) normalises each layer's
*input* and leaves the residual stream a plain sum, ``lab.gpt.Block``. ``NormGPT`` builds either from the
same ``Attention`` and ``MLP`` modules, so that the two differ in where the LayerNorms sit and nothing else.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .gpt import GPT, Attention, GPTConfig, LayerNorm, MLP


class PostLNBlock(nn.Module):
    """One post-LayerNorm block; parameter names as in ``lab.gpt.Block``."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln1, self.attn = LayerNorm(cfg.d_model, cfg.bias), Attention(cfg)
        self.ln2, self.mlp = LayerNorm(cfg.d_model, cfg.bias), MLP(cfg)

    def forward(self, resid_pre: Tensor, hooks=None) -> Tensor:
        resid_mid = self.ln1(resid_pre + self.attn(resid_pre))
        return self.ln2(resid_mid + self.mlp(resid_mid))


class NormGPT(GPT):
    """``lab.gpt.GPT`` with ``norm="pre"`` (exactly it) or ``norm="post"`` (post-LN blocks, no final LayerNorm)."""

    def __init__(self, cfg: GPTConfig, norm: str = "pre"):
        if norm not in ("pre", "post"):
            raise ValueError(f"norm must be 'pre' or 'post', not {norm!r}")
        super().__init__(cfg)
        self.norm = norm
        if norm == "post":
            if cfg.attn_only or not cfg.layer_norm:
                raise ValueError("a post-LN model needs its MLPs and LayerNorms")
            self.blocks = nn.ModuleList(PostLNBlock(cfg) for _ in range(cfg.n_layers))
            self.ln_final = nn.Identity()
        self._init_xavier()

    def _init_xavier(self):
        """The initialisation Xiong et al. (2020) analyse, the same for both: unit-variance embeddings and
        every weight matrix N(0, 1/fan_in) (Xavier-like; no GPT-2 scaling of the output projections)."""
        for name, p in self.named_parameters():
            if p.dim() == 1 or name.rsplit(".", 1)[-1] in ("b_Q", "b_K", "b_V", "b_O"):
                continue  # biases stay zero, LayerNorm gains one
            if name.startswith(("W_E", "W_pos")):
                nn.init.normal_(p, std=1.0)
            else:
                linear = isinstance(self.get_submodule(name.rsplit(".", 1)[0]), nn.Linear)
                fan_in = p.shape[-1] if linear else self.cfg.d_model  # W_Q, W_K, W_V read d_model; the W_O[h] sum over H * d_head
                nn.init.normal_(p, std=fan_in**-0.5)

    def _run(self, tokens: Tensor, hooks) -> Tensor:
        if self.norm == "pre":
            return super()._run(tokens, hooks)
        n_pos = tokens.shape[1]
        pos = self.W_pos.weight[:n_pos] if self.W_pos is not None else self.fixed_pos[:n_pos]
        resid = self.W_E(tokens) + pos
        for block in self.blocks:
            resid = block(resid)
        return self.W_U(resid)


def layer_gradient_norms(model: GPT) -> Tensor:
    """(n_layers,): the norm of the gradient of all of each block's parameters (after a backward pass)."""
    return torch.stack([torch.cat([p.grad.flatten() for p in block.parameters()]).norm() for block in model.blocks])


def residual_components(cache: dict[str, Tensor], n_layers: int) -> tuple[list[str], Tensor]:
    """What each component of a pre-LN model wrote into the final residual stream, from ``run_with_cache``:
    names, and a tensor (component, batch, pos, d_model) whose sum over components is the final stream."""
    names, parts = ["embed", "pos_embed"], [cache["embed"], cache["pos_embed"]]
    for layer in range(n_layers):
        names += [f"attn {layer}", f"mlp {layer}"]
        parts += [cache[f"blocks.{layer}.attn.out"], cache[f"blocks.{layer}.mlp.out"]]
    return names, torch.stack(parts)


def decompose_logit(components: Tensor, ln_weight: Tensor, ln_bias: Tensor, w_u: Tensor, eps: float = 1e-5) -> Tensor:
    """Exact contributions to one logit ``w_u . LN(sum of components)``: components (n, d_model) -> (n + 1,).

    LayerNorm is linear once its scale is fixed: LN(x) = (x - mean x) / sigma(x) * weight + bias, and
    sigma is that of the *whole* stream. Entry i is ((c_i - mean c_i) / sigma * weight) . w_u; the last
    entry is bias . w_u. They sum to the logit."""
    resid = components.sum(0)
    sigma = (resid.var(unbiased=False) + eps).sqrt()
    centred = components - components.mean(-1, keepdim=True)
    return torch.cat([(centred / sigma * ln_weight) @ w_u, (ln_bias @ w_u)[None]])
