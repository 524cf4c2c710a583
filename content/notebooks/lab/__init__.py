"""Shared code for the Decoding GPT notebooks.

Modules: ``gpt`` (the model), ``data`` (a generated tiny-stories corpus and a
character tokenizer), ``tokenize`` (a minimal byte-pair encoder), ``train`` (the
training loop), ``artifacts`` (a cache of trained models), ``models`` (recipes
for the trained models several notebooks share), ``sampling`` (sampling with a
key-value cache), ``baselines`` (n-gram models to beat), ``plots``, ``checks``,
``checks_backprop``, ``checks_recurrent``, ``checks_preference`` and
``checks_sae_gpt`` (the checkers of the exercises); and the helpers of individual
notebooks (``autodiff``, ``recurrent``, ``positions``, ``residual``, ``induction``,
``toy_models``, ``sae``, ``sae_gpt``, ``lora``, ``preference``, ``algorithmic``).
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


def notebook_setup(seed: int = 0) -> None:
    """Make a notebook reproducible and its figures small.

    Seeds Python, NumPy and PyTorch; uses one CPU thread (results then do not
    depend on the machine's core count, and notebooks can run side by side);
    small PNG figures at 90 dpi keep each executed page light.
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
    try:  # inline backend: PNG only (no duplicate SVG/PDF copies of each figure)
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except ImportError:
        pass
