"""Claims that need training: each notebook that trains a model is run with every optimiser step a no-op
(``COURSE_TRAINING=off``, honoured by ``lab``) and must then fail at its headline assert, the first
claim that only a trained model satisfies.

The untrained models are kept in one artifact folder for the whole run, so the notebooks that share a
model (the tiny-stories GPT; the two-layer induction model) compute it once; the two groups run side
by side under ``make test`` (xdist ``loadgroup``).  Measured on two shared cores: 149 s for all nine
one after another on a quiet machine (the longer group 84 s, so about a minute and a half added to
``make test``), 349 s one after another under a load of about 7; grokking, which runs its full 2,000
steps when nothing is learned, is the longest.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from course.notebooks.execute import NotebookFailure, execute_notebook
from course.notebooks.source import read_notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "content" / "notebooks"

# notebook -> the start of the assert that must fail first with nothing learned
HEADLINE = {
    "gpt-from-scratch": "assert final_val < trigram_loss - MARGIN",
    "logit-lens": "assert lens_loss[-1] < lens_loss[0] - 0.5",
    "linear-probes": "assert task_accuracy[\"quote\"][best] > majority[\"quote\"] + MARGIN",
    "superposition": "assert represented[-1] >= 3 * config.n_hidden - 1",
    "induction-heads": "assert score_rise > MARGIN",
    "activation-patching": "assert clean_score - corrupted_score > 2",
    "sparse-autoencoders": "assert stored.all()",  # the toy model it decodes is trained first
    "grokking": "assert memorised is not None and generalised is not None",
    "attention-heads": "assert copy_loss[\"learned\"] < 0.05",
    "positional-encodings": "assert long_accuracy[\"rotary\"] > long_accuracy[\"learned\"] + MARGIN",
    "residual-stream-and-layernorm": "assert final_loss[\"pre\"] < unigram - MARGIN",
    "backprop-from-scratch": "assert mlp_accuracy > max(0.97, linear_accuracy + MARGIN)",
    "rnn-vs-attention": "assert trained[\"LSTM\"] > max(0.95, trained[\"RNN\"] + MARGIN)",  # the gradient ratio before it needs no training
    "circuits-ii": "assert gap > 2",  # nothing to explain: every later claim is a fraction of this gap
    "steering-vectors": "assert rate[\"steered\"] > RATIO * max(",
    # the untrained reference never writes the word, so the comparisons (and the DPO claim after them) need it first
    "preference-tuning": "assert 0.05 <= reference_rate <= 0.5",
    "sae-on-gpt": "assert fvu < MAX_FVU",
}
# Notebooks whose results need no training, and why.
EXEMPT = {
    "language-modelling": "n-gram models fitted by counting and a byte-pair encoder fitted by merging: no optimiser",
}
# Two groups of about equal time; notebooks that share a model stay together.
GROUPS = {
    "gpt-from-scratch": 1, "logit-lens": 1, "linear-probes": 1, "superposition": 1, "attention-heads": 1,
    "backprop-from-scratch": 1, "preference-tuning": 1, "sae-on-gpt": 1, "steering-vectors": 1,
    "residual-stream-and-layernorm": 2, "induction-heads": 2, "positional-encodings": 2, "activation-patching": 2,
    "sparse-autoencoders": 2, "grokking": 2, "rnn-vs-attention": 2, "circuits-ii": 2,
}


def test_every_notebook_is_checked_or_exempt_with_a_reason():
    names = {path.stem for path in NOTEBOOKS.glob("*.py")}
    assert names == set(HEADLINE) | set(EXEMPT) and not set(HEADLINE) & set(EXEMPT)
    assert set(GROUPS) == set(HEADLINE)


@pytest.fixture(scope="session")
def untrained_artifacts(tmp_path_factory) -> Path:
    """One folder per test run: under xdist the workers share their session's folder (guarded by lab's
    file locks), so notebooks in different groups still compute a shared untrained model only once."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "untrained-artifacts"


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xdist_group(f"training-off-{GROUPS[n]}"))
                                  for n in HEADLINE])
def test_with_training_off_the_headline_assert_fails(name, untrained_artifacts, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_TRAINING", "off")
    notebook = read_notebook(NOTEBOOKS / f"{name}.py", ROOT)
    expected = [i + 1 for i, line in enumerate(notebook.lines) if line.strip().startswith(HEADLINE[name])]
    assert len(expected) == 1, f"{name}: the headline assert {HEADLINE[name]!r} is not (once) in the notebook"
    with pytest.raises(NotebookFailure) as failure:
        execute_notebook(notebook, timeout=notebook.timeout or 600, artifacts_dir=untrained_artifacts,
                         log_path=tmp_path / "kernel.log", packages=("numpy", "torch"))
    problem = failure.value.problem
    assert "AssertionError" in problem.message, problem
    assert problem.line == expected[0], f"{name} failed elsewhere: {problem}"
