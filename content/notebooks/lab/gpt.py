"""A GPT written to be read next to the papers.

The model is a decoder-only transformer (Vaswani et al. 2017; Radford et al.
2019) in the style of nanoGPT (Karpathy 2022), with two changes that make it
easier to take apart:

* Attention keeps one query, key, value and output matrix *per head*
  (``W_Q[h]``, ``W_K[h]``, ``W_V[h]``, ``W_O[h]``), the notation of
  "A Mathematical Framework for Transformer Circuits" (Elhage et al. 2021),
  instead of one fused ``c_attn`` matrix.
* Every intermediate activation passes through ``hooks(name, tensor)``. A
  ``Hooks`` object can record it (``run_with_cache``) or replace it
  (``run_with_patches``); by default it does nothing.

Shapes in comments use: batch, pos (sequence position), d_model (width of the
residual stream), head, d_head, d_mlp, vocab.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

import torch
import torch.nn.functional as F
from torch import Tensor, nn


@dataclass(frozen=True)
class GPTConfig:
    vocab_size: int
    context_length: int
    d_model: int = 128
    n_layers: int = 4
    n_heads: int = 4
    d_mlp: int | None = None  # default 4 * d_model, as in GPT-2
    attn_only: bool = False  # no MLP blocks (the attention-only models of Elhage et al. 2021)
    layer_norm: bool = True  # pre-LayerNorm (Xiong et al. 2020); False = no LayerNorm at all
    positional: str = "learned"  # "learned" | "sinusoidal" | "none"
    dropout: float = 0.0
    bias: bool = True

    def __post_init__(self):
        if self.d_model % self.n_heads != 0:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}")
        if self.positional not in ("learned", "sinusoidal", "none"):
            raise ValueError(f"positional must be 'learned', 'sinusoidal' or 'none', not {self.positional!r}")

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads

    @property
    def mlp_width(self) -> int:
        return self.d_mlp if self.d_mlp is not None else 4 * self.d_model


# --------------------------------------------------------------------------- hooks


@dataclass
class Hooks:
    """Names activations so that a forward pass can record or replace them.

    Each module calls ``x = hooks("attn.pattern", x)`` on what it computes.
    ``scope("blocks.0.")`` returns a view that prefixes names, so a block does not
    need to know its own index. Patches are applied first, and the cache records
    the (possibly patched) value that the rest of the forward pass sees.
    """

    cache: dict[str, Tensor] | None = None
    patches: Mapping[str, Callable[[Tensor], Tensor]] = field(default_factory=dict)
    prefix: str = ""
    visited: set[str] = field(default_factory=set)  # shared by all scopes: catches misspelt patch names

    def __call__(self, name: str, x: Tensor) -> Tensor:
        if self.cache is None and not self.patches:
            return x  # the common case (training): nothing to do
        name = self.prefix + name
        self.visited.add(name)
        if name in self.patches:
            patched = self.patches[name](x)
            if patched.shape != x.shape:
                raise ValueError(f"patch for {name!r} returned shape {tuple(patched.shape)}, expected {tuple(x.shape)}")
            x = patched
        if self.cache is not None:
            self.cache[name] = x
        return x

    def scope(self, prefix: str) -> "Hooks":
        return replace(self, prefix=self.prefix + prefix)  # shares cache, patches and visited


NO_HOOKS = Hooks()


# --------------------------------------------------------------------------- layers


def sinusoidal_positions(n_positions: int, d_model: int) -> Tensor:
    """The fixed encoding of Vaswani et al. (2017), section 3.5:
    PE[pos, 2i] = sin(pos / 10000^(2i/d_model)), PE[pos, 2i+1] = cos(same)."""
    pos = torch.arange(n_positions, dtype=torch.float32)[:, None]  # (pos, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float32)  # (d_model/2,)
    angle = pos / 10000 ** (two_i / d_model)  # (pos, d_model/2)
    pe = torch.zeros(n_positions, d_model)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return pe


class LayerNorm(nn.Module):
    """LayerNorm with an optional bias (PyTorch's has no ``bias=False`` before 2.1)."""

    def __init__(self, d_model: int, bias: bool = True):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d_model))
        self.bias = nn.Parameter(torch.zeros(d_model)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, eps=1e-5)


class Attention(nn.Module):
    """Multi-head causal self-attention, one set of matrices per head.

    For each head h (Vaswani et al. 2017, eq. 1; Elhage et al. 2021):
        q = x W_Q[h] + b_Q[h],  k = x W_K[h] + b_K[h],  v = x W_V[h] + b_V[h]
        pattern = softmax(q k^T / sqrt(d_head) + causal mask)
        z = pattern v
        head_out[h] = z W_O[h]
    and the layer's output is sum_h head_out[h] + b_O.
    """

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        H, M, D = cfg.n_heads, cfg.d_model, cfg.d_head
        self.cfg = cfg
        self.W_Q = nn.Parameter(torch.randn(H, M, D) * 0.02)  # GPT re-initialises these (see GPT._init_weights)
        self.W_K = nn.Parameter(torch.randn(H, M, D) * 0.02)
        self.W_V = nn.Parameter(torch.randn(H, M, D) * 0.02)
        self.W_O = nn.Parameter(torch.randn(H, D, M) * 0.02)
        self.b_Q = nn.Parameter(torch.zeros(H, D)) if cfg.bias else None
        self.b_K = nn.Parameter(torch.zeros(H, D)) if cfg.bias else None
        self.b_V = nn.Parameter(torch.zeros(H, D)) if cfg.bias else None
        self.b_O = nn.Parameter(torch.zeros(M)) if cfg.bias else None
        self.pattern_dropout = nn.Dropout(cfg.dropout)
        # mask[q, k] is True where query position q may not look at key position k > q
        mask = torch.triu(torch.ones(cfg.context_length, cfg.context_length, dtype=torch.bool), diagonal=1)
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x: Tensor, hooks: Hooks = NO_HOOKS) -> Tensor:
        batch, n_pos, _ = x.shape  # x: (batch, pos, d_model)
        # The same input, named three times, so that a patch can reach the queries, keys or values alone.
        q = torch.einsum("bpm,hmd->bhpd", hooks("attn.q_input", x), self.W_Q)  # (batch, head, pos, d_head)
        k = torch.einsum("bpm,hmd->bhpd", hooks("attn.k_input", x), self.W_K)
        v = torch.einsum("bpm,hmd->bhpd", hooks("attn.v_input", x), self.W_V)
        if self.cfg.bias:
            q = q + self.b_Q[:, None, :]
            k = k + self.b_K[:, None, :]
            v = v + self.b_V[:, None, :]
        q, k, v = hooks("attn.q", q), hooks("attn.k", k), hooks("attn.v", v)

        scores = q @ k.transpose(-1, -2) / math.sqrt(self.cfg.d_head)  # (batch, head, q_pos, k_pos)
        scores = scores.masked_fill(self.mask[:n_pos, :n_pos], float("-inf"))
        scores = hooks("attn.scores", scores)
        pattern = hooks("attn.pattern", scores.softmax(dim=-1))  # each row sums to 1
        pattern = self.pattern_dropout(pattern)

        z = (pattern @ v).transpose(1, 2)  # (batch, pos, head, d_head)
        z = hooks("attn.z", z)
        head_out = torch.einsum("bphd,hdm->bphm", z, self.W_O)  # (batch, pos, head, d_model)
        head_out = hooks("attn.head_out", head_out)
        out = head_out.sum(dim=2)  # (batch, pos, d_model)
        if self.cfg.bias:
            out = out + self.b_O
        return hooks("attn.out", out)


class MLP(nn.Module):
    """Position-wise feed-forward network: W_out GELU(W_in x)."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.W_in = nn.Linear(cfg.d_model, cfg.mlp_width, bias=cfg.bias)
        self.W_out = nn.Linear(cfg.mlp_width, cfg.d_model, bias=cfg.bias)

    def forward(self, x: Tensor, hooks: Hooks = NO_HOOKS) -> Tensor:
        hidden = hooks("mlp.hidden", F.gelu(self.W_in(x)))  # (batch, pos, d_mlp)
        return hooks("mlp.out", self.W_out(hidden))  # (batch, pos, d_model)


class Block(nn.Module):
    """One pre-LayerNorm transformer block (Xiong et al. 2020):
        resid_mid  = resid_pre + attn(ln1(resid_pre))
        resid_post = resid_mid + mlp(ln2(resid_mid))
    An attention-only block stops after the first line (resid_post = resid_mid),
    and records no "resid_mid" or "mlp.*" activations.
    """

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        norm = (lambda: LayerNorm(cfg.d_model, cfg.bias)) if cfg.layer_norm else nn.Identity
        self.ln1 = norm()
        self.attn = Attention(cfg)
        self.ln2 = None if cfg.attn_only else norm()
        self.mlp = None if cfg.attn_only else MLP(cfg)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, resid_pre: Tensor, hooks: Hooks = NO_HOOKS) -> Tensor:
        resid_pre = hooks("resid_pre", resid_pre)
        resid_mid = resid_pre + self.dropout(self.attn(self.ln1(resid_pre), hooks))
        if self.mlp is None:
            return hooks("resid_post", resid_mid)
        resid_mid = hooks("resid_mid", resid_mid)
        resid_post = resid_mid + self.dropout(self.mlp(self.ln2(resid_mid), hooks))
        return hooks("resid_post", resid_post)


class GPT(nn.Module):
    """Token embedding + position embedding -> n_layers blocks -> final LayerNorm -> unembedding.

    ``forward(tokens)`` returns logits; ``loss(tokens, targets)`` returns the mean
    next-token cross-entropy. The embedding and unembedding matrices are separate
    (not tied), so that W_E and W_U can be studied on their own.
    """

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.W_E = nn.Embedding(cfg.vocab_size, cfg.d_model)
        if cfg.positional == "learned":
            self.W_pos = nn.Embedding(cfg.context_length, cfg.d_model)
        else:
            self.W_pos = None
            pe = sinusoidal_positions(cfg.context_length, cfg.d_model)
            if cfg.positional == "none":
                pe = torch.zeros_like(pe)
            self.register_buffer("fixed_pos", pe, persistent=False)
        self.dropout = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.ln_final = LayerNorm(cfg.d_model, cfg.bias) if cfg.layer_norm else nn.Identity()
        self.W_U = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        self._init_weights()

    def _init_weights(self):
        # GPT-2's scheme (Radford et al. 2019): N(0, 0.02), and the projections that write
        # into the residual stream scaled by 1/sqrt(2 n_layers) so its variance does not
        # grow with depth.
        for name, p in self.named_parameters():
            if name.rsplit(".", 1)[-1] in ("bias", "b_Q", "b_K", "b_V", "b_O"):
                nn.init.zeros_(p)  # every bias starts at zero (nn.Linear's own init would not)
                continue
            if p.dim() == 1:
                continue  # LayerNorm gains start at one
            std = 0.02
            if name.endswith("attn.W_O") or name.endswith("mlp.W_out.weight"):
                std = 0.02 / math.sqrt(2 * self.cfg.n_layers)
            nn.init.normal_(p, mean=0.0, std=std)

    # ------------------------------------------------------------------ forward

    def _run(self, tokens: Tensor, hooks: Hooks) -> Tensor:
        batch, n_pos = tokens.shape  # tokens: (batch, pos) integer ids
        if n_pos > self.cfg.context_length:
            raise ValueError(f"sequence of length {n_pos} exceeds context_length={self.cfg.context_length}")
        embed = hooks("embed", self.W_E(tokens))  # (batch, pos, d_model)
        pos = self.W_pos.weight[:n_pos] if self.W_pos is not None else self.fixed_pos[:n_pos]
        pos_embed = hooks("pos_embed", pos.expand(batch, n_pos, self.cfg.d_model))
        resid = self.dropout(embed + pos_embed)
        for layer, block in enumerate(self.blocks):
            resid = block(resid, hooks.scope(f"blocks.{layer}."))
        normed = hooks("ln_final", self.ln_final(resid))
        return self.W_U(normed)  # (batch, pos, vocab)

    def forward(self, tokens: Tensor) -> Tensor:
        return self._run(tokens, NO_HOOKS)

    def loss(self, tokens: Tensor, targets: Tensor | None = None) -> Tensor:
        """Mean cross-entropy (nats per token) of predicting ``targets`` from ``tokens``.

        ``targets[b, p]`` is the token that follows ``tokens[b, p]``. Without
        targets, the sequence predicts itself shifted by one (its last position
        has nothing to predict and is dropped).
        """
        if targets is None:
            tokens, targets = tokens[:, :-1], tokens[:, 1:]
        logits = self(tokens)
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))

    def unembed(self, resid: Tensor) -> Tensor:
        """Logits from a residual stream vector: final LayerNorm (if any), then W_U.
        Applied to an intermediate layer's residual stream this is the logit lens."""
        return self.W_U(self.ln_final(resid))

    # ------------------------------------------------------------------ interpretability

    def run_with_cache(self, tokens: Tensor) -> tuple[Tensor, dict[str, Tensor]]:
        """Forward pass that also returns every named activation.

        Keys: "embed", "pos_embed", and for each layer l "blocks.{l}.resid_pre",
        "blocks.{l}.attn.q_input" / "k_input" / "v_input" (batch, pos, d_model: the
        attention layer's input, once for each use), "blocks.{l}.attn.q" / "k" / "v"
        (batch, head, pos, d_head), "blocks.{l}.attn.scores" (masked, before softmax), "blocks.{l}.attn.pattern"
        (batch, head, q_pos, k_pos), "blocks.{l}.attn.z" (batch, pos, head, d_head),
        "blocks.{l}.attn.head_out" (batch, pos, head, d_model), "blocks.{l}.attn.out",
        "blocks.{l}.resid_mid", "blocks.{l}.mlp.hidden", "blocks.{l}.mlp.out",
        "blocks.{l}.resid_post" (no resid_mid / mlp.* in attention-only models),
        and "ln_final" (the normalised final residual stream).
        Gradients flow through the cache; wrap the call in ``torch.no_grad()``
        when you only want to look.
        """
        cache: dict[str, Tensor] = {}
        logits = self._run(tokens, Hooks(cache=cache))
        return logits, cache

    def run_with_patches(self, tokens: Tensor, patches: Mapping[str, Callable[[Tensor], Tensor]]) -> Tensor:
        """Forward pass in which activation ``name`` is replaced by ``patches[name](activation)``.

        Everything downstream sees the patched value: patching
        "blocks.{l}.attn.head_out" changes that layer's "attn.out", which is the
        sum over heads (plus b_O).
        """
        return self.run_with_patches_and_cache(tokens, patches, cache=False)[0]

    def run_with_patches_and_cache(
        self, tokens: Tensor, patches: Mapping[str, Callable[[Tensor], Tensor]], cache: bool = True
    ) -> tuple[Tensor, dict[str, Tensor]]:
        """One forward pass that both patches and records: the logits, and every activation as
        the patched run computed it (what path patching needs: patch one path, read another)."""
        hooks = Hooks(cache={} if cache else None, patches=dict(patches))
        logits = self._run(tokens, hooks)
        unknown = set(patches) - hooks.visited
        if unknown:
            raise KeyError(f"no activation named {sorted(unknown)}; valid names are the keys of run_with_cache")
        return logits, hooks.cache if cache else {}

    # ------------------------------------------------------------------ sampling

    @torch.no_grad()
    def generate(
        self,
        tokens: Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        generator: torch.Generator | None = None,
    ) -> Tensor:
        """Append ``max_new_tokens`` sampled tokens to ``tokens`` (batch, pos).

        Each step conditions on the last ``context_length`` tokens, divides the
        logits by ``temperature`` (0 means greedy: always the most likely token)
        and, if ``top_k`` is set, samples only among the k most likely tokens.
        """
        was_training = self.training
        self.eval()
        for _ in range(max_new_tokens):
            context = tokens[:, -self.cfg.context_length :]
            logits = self(context)[:, -1, :]  # (batch, vocab)
            if temperature == 0:
                next_token = logits.argmax(dim=-1, keepdim=True)
            else:
                logits = logits / temperature
                if top_k is not None:
                    kth = torch.topk(logits, min(top_k, logits.size(-1))).values[:, -1:]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                probs = logits.softmax(dim=-1)
                next_token = torch.multinomial(probs, num_samples=1, generator=generator)
            tokens = torch.cat([tokens, next_token], dim=1)
        self.train(was_training)
        return tokens

    def num_params(self, include_embeddings: bool = True) -> int:
        n = sum(p.numel() for p in self.parameters())
        if not include_embeddings:
            n -= self.W_E.weight.numel() + (self.W_pos.weight.numel() if self.W_pos is not None else 0)
        return n
