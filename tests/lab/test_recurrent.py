"""lab.recurrent: the recall task's layout, the models' shapes, and training that honours the switch."""

import torch

from lab.recurrent import AttentionClassifier, RecallTask, RecurrentClassifier, accuracy, train_classifier


def test_a_recall_sequence_is_symbol_distractors_query():
    task = RecallTask(n_symbols=4, n_distractors=3, delay=6)
    tokens, answers = task.batch(50, torch.Generator().manual_seed(0))
    assert tokens.shape == (50, 8) and task.vocab_size == 8
    assert torch.equal(tokens[:, 0], answers) and (answers < 4).all() and (tokens[:, -1] == 7).all()
    assert ((tokens[:, 1:-1] >= 4) & (tokens[:, 1:-1] < 7)).all()


def test_every_model_reads_a_batch_into_symbol_logits_and_the_lstm_starts_with_its_forget_gate_open():
    task = RecallTask(delay=5)
    tokens, answers = task.batch(3, torch.Generator().manual_seed(0))
    for model in (RecurrentClassifier(task, "rnn", 8), RecurrentClassifier(task, "lstm", 8), AttentionClassifier(task, 8)):
        assert model(tokens).shape == (3, task.n_symbols) and 0 <= accuracy(model, tokens, answers) <= 1
    lstm = RecurrentClassifier(task, "lstm", 8, forget_bias=2.0)
    assert torch.equal(lstm.rnn.bias_ih_l0[8:16], torch.full((8,), 2.0))


def test_training_moves_the_parameters_only_while_training_is_on(monkeypatch):
    task = RecallTask(delay=3)
    for off in (False, True):
        if off:
            monkeypatch.setattr(torch.optim.Adam, "step", lambda self, closure=None: None)  # what the switch does
        torch.manual_seed(0)
        model = RecurrentClassifier(task, "rnn", 8)
        before = [p.detach().clone() for p in model.parameters()]
        losses = train_classifier(model, task, steps=3, lr=0.1)
        changed = any(not torch.equal(b, p) for b, p in zip(before, model.parameters()))
        assert len(losses) == 3 and changed is not off
