"""Shared code for the Decoding GPT notebooks.

Modules: ``gpt`` (the model), ``data`` (a generated tiny-stories corpus and a
character tokenizer), ``tokenize`` (a minimal byte-pair encoder), ``train`` (the
training loop), ``artifacts`` (a cache of trained models), ``models`` (recipes
for the trained models several notebooks share), ``sampling`` (sampling with a
key-value cache), ``baselines`` (n-gram models to beat), ``plots``, ``checks``,
``checks_backprop``, ``checks_recurrent``, ``checks_circuits``, ``checks_steering``,
``checks_preference`` and ``checks_sae_gpt`` (the checkers of the exercises); and the
helpers of individual notebooks (``autodiff``, ``recurrent``, ``positions``,
``residual``, ``induction``, ``toy_models``, ``sae``, ``sae_gpt``, ``lora``,
``preference``, ``algorithmic``, ``circuits``, ``steering``).
"""

from __future__ import annotations

import os
import random

TRAINING_SWITCH = "COURSE_TRAINING"  # set to "off", every optimiser step is a no-op (the training-off test)


def training_is_off() -> bool:
    return os.environ.get(TRAINING_SWITCH, "").lower() == "off"


if training_is_off():
    from .train import switch_training_off

    switch_training_off()


def show_source(obj) -> None:
    """Show ``obj``'s source as highlighted Python (a Markdown code block: highlighted on the site, in
    Jupyter and in Colab alike), where ``print(inspect.getsource(obj))`` shows plain text."""
    import inspect
    import textwrap

    from IPython.display import Markdown, display

    display(Markdown(f"```python\n{textwrap.dedent(inspect.getsource(obj)).rstrip()}\n```"))


def notebook_setup(seed: int = 0) -> None:
    """Make a notebook reproducible and its figures sharp but light.

    Seeds Python, NumPy and PyTorch; uses one CPU thread (results then do not
    depend on the machine's core count, and notebooks can run side by side);
    PNG figures laid out at 90 dpi and drawn at twice that ("retina": sharp on
    a phone's or laptop's high-density screen, about 470 px wide on the page).
    """
    import matplotlib
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    matplotlib.rcParams.update(
        {
            "figure.figsize": (6, 3.5),
            "figure.dpi": 90,
            "savefig.dpi": 90,
            "figure.autolayout": True,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 9,
        }
    )
    try:  # inline backend: one 2x PNG per figure, with its display size (no SVG/PDF copies)
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")
    except ImportError:
        pass
