"""COURSE_TRAINING=off: every optimiser step is a no-op, and the artifact cache keeps untrained models apart.

The switch patches torch.optim for the whole process, so it is exercised in a child process."""

import os
import subprocess
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[2] / "content" / "notebooks"

CHILD = """
import torch
import lab
from lab import artifacts
from lab.data import char_dataset
from lab.gpt import GPT, GPTConfig
from lab.train import TrainConfig, train

print(lab.training_is_off(), artifacts.cache_key("m", {"a": 1}))
torch.manual_seed(0)
for make in (lambda ps: torch.optim.AdamW(ps, lr=0.1, weight_decay=0.5), lambda ps: torch.optim.Adam(ps, lr=0.1),
             lambda ps: torch.optim.SGD(ps, lr=0.1), lambda ps: torch.optim.LBFGS(ps, max_iter=5)):
    w = torch.nn.Parameter(torch.randn(3, 3))
    before, opt = w.detach().clone(), make([w])
    def closure():
        opt.zero_grad()
        loss = (w ** 2).sum()
        loss.backward()
        return loss
    for _ in range(3):
        closure()
        opt.step(closure)
    print(type(opt).__name__, torch.equal(w.detach(), before))
data = char_dataset("the cat sat on the mat. " * 40)
model = GPT(GPTConfig(vocab_size=data.tokenizer.vocab_size, context_length=16, d_model=32, n_layers=1, n_heads=2))
before = {k: v.clone() for k, v in model.state_dict().items()}
history = train(model, data.train, data.val, TrainConfig(steps=20, batch_size=4, eval_every=10), log=None)
print("GPT", all(torch.equal(before[k], v) for k, v in model.state_dict().items()), len(history["batch_loss"]))
"""


def run_child(training: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "COURSE_TRAINING"}
    if training is not None:
        env["COURSE_TRAINING"] = training
    env["PYTHONPATH"] = os.pathsep.join([str(NOTEBOOKS), env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True, timeout=120)
    return out.stdout.splitlines()


def test_with_training_off_no_optimiser_changes_a_parameter_and_the_cache_key_differs():
    off, on = run_child("off"), run_child(None)
    assert off[0].startswith("True ") and on[0].startswith("False ")
    assert off[0].split()[1] != on[0].split()[1]  # an untrained model is never stored as the trained one
    assert off[1:] == ["AdamW True", "Adam True", "SGD True", "LBFGS True", "GPT True 20"]
    assert on[1:] == ["AdamW False", "Adam False", "SGD False", "LBFGS False", "GPT False 20"]
