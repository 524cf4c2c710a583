"""lab.train (schedule, loop) and lab.artifacts (the model cache)."""

import json

import pytest
import torch

from lab import artifacts
from lab.data import char_dataset
from lab.gpt import GPT, GPTConfig
from lab.train import TrainConfig, learning_rate, train


def test_learning_rate_warms_up_then_decays_to_the_floor():
    cfg = TrainConfig(steps=100, lr=1.0, warmup_steps=10, min_lr_fraction=0.1)
    lrs = [learning_rate(s, cfg) for s in range(101)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in zip(lrs[9:], lrs[10:])), "monotone decay after warmup"
    assert lrs[100] == pytest.approx(0.1)


def tiny_model_and_data():
    torch.manual_seed(0)
    data = char_dataset("the cat sat on the mat. " * 40)
    model = GPT(GPTConfig(vocab_size=data.tokenizer.vocab_size, context_length=16, d_model=32, n_layers=1, n_heads=2))
    return model, data


def test_training_reduces_the_loss_and_records_history():
    model, data = tiny_model_and_data()
    history = train(model, data.train, data.val, TrainConfig(steps=60, batch_size=8, lr=3e-3, warmup_steps=5, eval_every=30), log=None)
    assert history["eval_step"] == [0, 30, 60]
    assert len(history["batch_loss"]) == 60
    assert history["val_loss"][-1] < 0.5 * history["val_loss"][0]


def test_cached_builds_once_and_reloads_equal_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_ARTIFACTS_DIR", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        model, _ = tiny_model_and_data()
        return {"model": model, "history": {"loss": [1.0, 0.5]}, "note": "hi"}

    first = artifacts.cached("tiny", {"a": 1}, build)
    second = artifacts.cached("tiny", {"a": 1}, build)
    assert len(calls) == 1
    assert isinstance(second["model"], GPT) and second["history"] == {"loss": [1.0, 0.5]} and second["note"] == "hi"
    x = torch.randint(0, first["model"].cfg.vocab_size, (2, 10))
    torch.testing.assert_close(first["model"](x), second["model"](x), atol=0, rtol=0)
    artifacts.cached("tiny", {"a": 2}, build)
    assert len(calls) == 2, "a different config is a different artifact"
    (sidecar,) = [p for p in tmp_path.glob("tiny-*.json") if json.loads(p.read_text())["config"] == {"a": 1}]
    assert sidecar.with_suffix(".pt").exists()


def test_cache_key_depends_on_config_and_model_source(monkeypatch, tmp_path):
    key = artifacts.cache_key("m", {"a": 1})
    assert key == artifacts.cache_key("m", {"a": 1})
    assert key != artifacts.cache_key("m", {"a": 2})
    fake_lab = tmp_path / "lab"
    fake_lab.mkdir()
    for src in artifacts.LAB.glob("*.py"):
        (fake_lab / src.name).write_bytes(src.read_bytes())
    monkeypatch.setattr(artifacts, "LAB", fake_lab)
    assert artifacts.cache_key("m", {"a": 1}) == key
    gpt = (fake_lab / "gpt.py").read_text()
    first_def = gpt.index("\ndef ") + 1
    (fake_lab / "gpt.py").write_text(gpt[:first_def] + "# a comment, and more blank lines\n\n\n" + gpt[first_def:]
                                     + "\n# edited\n")
    assert artifacts.cache_key("m", {"a": 1}) == key, "a comment or blank lines retrain nothing"
    (fake_lab / "gpt.py").write_text(gpt.replace('"""', '"""A docstring, edited. ', 1))
    assert artifacts.cache_key("m", {"a": 1}) == key, "nor does a docstring"
    (fake_lab / "gpt.py").write_text(gpt + "\nEXTRA = 1\n")
    assert artifacts.cache_key("m", {"a": 1}) != key, "editing the model code must invalidate the cache"


def test_a_models_key_covers_the_lab_modules_its_build_imports_and_no_others():
    from lab import induction, models

    char_gpt = {p.name for p in artifacts.model_sources(models.char_gpt)}
    assert {"models.py", "gpt.py", "train.py", "data.py", "artifacts.py", "__init__.py"} <= char_gpt
    assert not {"plots.py", "checks.py", "sae.py", "induction.py", "recurrent.py"} & char_gpt, \
        "a checker or another notebook's helpers cannot change the character GPT"
    assert "induction.py" in {p.name for p in artifacts.model_sources(induction.induction_model)}
    everything = {p.name for p in artifacts.LAB.glob("*.py")}
    assert {p.name for p in artifacts.model_sources(lambda: None)} == everything, \
        "a build defined outside lab (a notebook's own function) may use any lab module"
