"""Every `course` sub-command is documented: its help shows an example, and the README names it
(as sqlite-utils' tests/test_docs.py checks its own commands)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from course.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    """(("signup", "claim"), its parser), ... for every sub-command, at every depth."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield prefix + (name,), sub
                yield from _commands(sub, prefix + (name,))


COMMANDS = list(_commands(build_parser()))


def test_every_command_module_contributes_commands():
    assert {path[0] for path, _ in COMMANDS} == {"new", "check", "schema", "notebooks", "signup", "term", "export"}


@pytest.mark.parametrize("path, parser", COMMANDS, ids=[" ".join(path) for path, _ in COMMANDS])
def test_help_shows_an_example(path, parser):
    text = parser.format_help()
    assert "Example" in text, f"`course {' '.join(path)} --help` shows no example: add one to its epilog"
    assert f"course {' '.join(path)}" in text.split("Example", 1)[1], "the example should run this very command"


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=[" ".join(path) for path, _ in COMMANDS])
def test_readme_names_the_command(path):
    assert f"course {' '.join(path)}" in README, f"README.md does not name `course {' '.join(path)}`"
