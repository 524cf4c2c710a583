"""Plotting helpers shared by the notebooks (matplotlib only; small figures).

Each function draws into ``ax`` when given one, otherwise into a new figure,
and returns the axes so a notebook can add a title or a line.
"""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import numpy as np


def _as_numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def _axes(ax, figsize=(6, 3.5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _show_token(t: str) -> str:
    return {" ": "␣", "\n": "⏎"}.get(t, t)


def heatmap(
    matrix,
    xlabels: Sequence[str] | None = None,
    ylabels: Sequence[str] | None = None,
    ax=None,
    title: str | None = None,
    cmap: str = "viridis",
    centered: bool = False,
    colorbar: bool = True,
    figsize=(4.5, 3.5),
    vmin: float | None = None,
    vmax: float | None = None,
):
    """A matrix as an image. ``centered=True`` uses a diverging map with 0 in the middle."""
    m = _as_numpy(matrix)
    ax = _axes(ax, figsize)
    if centered:
        limit = float(np.abs(m).max()) or 1.0
        kwargs = dict(cmap="RdBu_r", vmin=-limit, vmax=limit)
    else:
        kwargs = dict(cmap=cmap, vmin=vmin, vmax=vmax)
    image = ax.imshow(m, aspect="auto", interpolation="nearest", **kwargs)
    if xlabels is not None:
        ax.set_xticks(range(len(xlabels)), [_show_token(t) for t in xlabels], fontsize=7)
    if ylabels is not None:
        ax.set_yticks(range(len(ylabels)), [_show_token(t) for t in ylabels], fontsize=7)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax


def attention_pattern(pattern, tokens: Sequence[str] | None = None, ax=None, title: str | None = None, colorbar=True):
    """One head's pattern (q_pos, k_pos): row = the query position, column = the key it attends to."""
    ax = heatmap(pattern, tokens, tokens, ax=ax, title=title, cmap="Blues", colorbar=colorbar, vmin=0, vmax=1)
    if tokens is None:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("key position (attended to)")
    ax.set_ylabel("query position")
    return ax


def attention_patterns(patterns, tokens: Sequence[str] | None = None, titles: Sequence[str] | None = None, ncols: int = 4):
    """Several heads' patterns (head, q_pos, k_pos) side by side, with one colour bar for all (they share
    the scale 0 to 1); returns the figure."""
    p = _as_numpy(patterns)
    n = p.shape[0]
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    # constrained layout, not the notebooks' tight layout: it makes room for a colour bar shared by a grid
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.2 * ncols + 0.6, 2.3 * nrows + 0.3), squeeze=False,
                             layout="constrained")
    image = None
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.axis("off")
            continue
        image = ax.imshow(p[i], cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(titles[i] if titles else f"head {i}", fontsize=11)
        if tokens is not None and len(tokens) <= 24:
            labels = [_show_token(t) for t in tokens]
            ax.set_xticks(range(len(labels)), labels, fontsize=6)
            ax.set_yticks(range(len(labels)), labels, fontsize=6)
        else:
            ax.set_xticks([])
            ax.set_yticks([])
    if image is not None:
        fig.colorbar(image, ax=axes.ravel().tolist(), fraction=0.03, pad=0.02, label="attention")
    return fig


def loss_curves(history: dict, baselines: dict[str, float] | None = None, ax=None, title: str | None = None):
    """Training history from ``lab.train.train``: per-step batch loss and the periodic estimates."""
    ax = _axes(ax)
    ax.plot(history["step"], history["batch_loss"], color="0.75", lw=0.8, label="batch loss")
    ax.plot(history["eval_step"], history["train_loss"], "o-", ms=3, label="train loss")
    ax.plot(history["eval_step"], history["val_loss"], "s-", ms=3, label="validation loss")
    for i, (name, value) in enumerate((baselines or {}).items()):
        ax.axhline(value, ls="--", lw=1, color=f"C{i + 3}", label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats / token)")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def by_layer(
    curves: dict[str, Sequence[float]],
    xlabels: Sequence[str] | None = None,
    ylabel: str = "",
    ax=None,
    title: str | None = None,
    hlines: dict[str, float] | None = None,
):
    """One line per entry of ``curves`` against layer (or any ordered stage)."""
    ax = _axes(ax)
    for name, values in curves.items():
        ax.plot(range(len(values)), _as_numpy(values), "o-", ms=4, label=name)
    for i, (name, value) in enumerate((hlines or {}).items()):
        ax.axhline(value, ls="--", lw=1, color=f"C{i + len(curves)}", label=name)
    if xlabels is not None:
        ax.set_xticks(range(len(xlabels)), xlabels, fontsize=8)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def token_grid(
    values,
    texts: Sequence[Sequence[str]],
    xlabels: Sequence[str],
    ylabels: Sequence[str],
    ax=None,
    title: str | None = None,
    cmap: str = "Blues",
    vmin: float = 0.0,
    vmax: float = 1.0,
    colorbar_label: str = "",
):
    """A heatmap of ``values`` (rows, cols) with a short text (e.g. a predicted token) in each cell."""
    v = _as_numpy(values)
    ax = _axes(ax, figsize=(min(9, 0.32 * v.shape[1] + 1.5), 0.35 * v.shape[0] + 1.2))
    image = ax.imshow(v, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", interpolation="nearest")
    for i, row in enumerate(texts):
        for j, t in enumerate(row):
            colour = "white" if v[i, j] > vmin + 0.6 * (vmax - vmin) else "black"
            ax.text(j, i, _show_token(t), ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(len(xlabels)), [_show_token(t) for t in xlabels], fontsize=7)
    ax.set_yticks(range(len(ylabels)), ylabels, fontsize=7)
    if title:
        ax.set_title(title)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label(colorbar_label, fontsize=8)
    return ax
