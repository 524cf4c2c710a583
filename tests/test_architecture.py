"""The generator's architecture, as tests: the one-way layers, no import cycle, small modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import networkx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tools" / "course"
MAX_LINES = 300


def test_the_layer_contracts_hold():
    """import-linter's contracts in pyproject.toml: layers, and what the core may not import."""
    run = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 3 kept, 0 broken." in run.stdout


def test_no_module_imports_itself_through_others():
    """Any cycle of imports inside the package, function-level imports included."""
    graph = grimp.build_graph("course")
    imports = networkx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if not (imported == module.rsplit(".", 1)[0] or module.startswith(imported + ".")):  # a package's own __init__
                imports.add_edge(module, imported)
    cycles = [sorted(component) for component in networkx.strongly_connected_components(imports) if len(component) > 1]
    assert cycles == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_modules_stay_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES
