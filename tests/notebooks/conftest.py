"""Fixtures for the notebook tests: a throw-away project with tiny percent-format notebooks."""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    import course  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

"""


@dataclass
class Project:
    root: Path

    @property
    def notebooks(self) -> Path:
        return self.root / "content" / "notebooks"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache" / "course" / "notebooks"

    def write(self, relative: str, text: str) -> Path:
        path = self.notebooks / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def notebook(self, name: str, body: str, header: str = HEADER) -> Path:
        return self.write(f"{name}.py", header + textwrap.dedent(body))

    def layout(self, **options):
        from course.ground.layout import Layout

        options.setdefault("notebook_timeout", 60)
        return Layout(self.root, docs_dir="content", **options)

    def stage(self, **options):
        from course.notebooks import NotebookStage

        return NotebookStage(self.layout(**options))


@pytest.fixture
def nb_project(tmp_path: Path) -> Project:
    project = Project(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\ndocs_dir: content\n", encoding="utf-8")
    project.write("lab/__init__.py", "from lab.util import double\n")
    project.write("lab/util.py", "def double(x):\n    return 2 * x\n")
    project.write("data/numbers.txt", "1 2 3\n")
    return project


@pytest.fixture
def kernel_starts(monkeypatch) -> list[str]:
    """Names of the notebooks executed (each execution starts one kernel)."""
    from course.notebooks import run as runner

    started: list[str] = []
    real = runner.execute_notebook

    def counting(notebook, **kwargs):
        started.append(notebook.name)
        return real(notebook, **kwargs)

    monkeypatch.setattr(runner, "execute_notebook", counting)
    return started
