"""Numbers in a notebook's prose are the code's: where the text names a constant with its value
("`MARGIN` = 0.5"), the notebook's code assigns exactly that value to it, so a changed margin cannot
leave the prose behind."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import pytest

from course.ground.citation_syntax import percent_markdown

NOTEBOOKS = Path(__file__).resolve().parents[2] / "content" / "notebooks"
NAMED_VALUE = re.compile(r"`([A-Z][A-Z0-9_]*)` ?= ?(-?\d+(?:\.\d+)?)( ?%)?")


def constants(path: Path) -> dict[str, list[float]]:
    """Every value the notebook's code cells assign to an upper-case name."""
    found: dict[str, list[float]] = {}
    for cell in jupytext.read(path).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:  # NAME = 0.5, and A, B = 0.5, 0.1
                pairs = zip(target.elts, node.value.elts) if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) \
                    else [(target, node.value)]
                for name, value in pairs:
                    if isinstance(name, ast.Name) and name.id.isupper() and isinstance(value, ast.Constant) \
                            and isinstance(value.value, (int, float)):
                        found.setdefault(name.id, []).append(float(value.value))
    return found


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.py")), ids=lambda p: p.stem)
def test_a_constant_the_prose_quotes_has_that_value_in_the_code(path):
    prose = percent_markdown(path.read_text(encoding="utf-8"))
    assigned = constants(path)
    wrong = [f"`{m[1]}` = {m[2]}{m[3] or ''} in the text, but the code assigns {assigned.get(m[1]) or 'nothing'}"
             for m in NAMED_VALUE.finditer(prose) if _value(m) not in assigned.get(m[1], [])]
    assert not wrong, f"{path.name}: {'; '.join(wrong)}"


def _value(match: re.Match) -> float:
    """The quoted number, a percentage as its fraction ("`NEAR` = 50 %" is 0.5)."""
    return float(match[2]) / 100 if match[3] else float(match[2])


def test_the_check_finds_a_quoted_value_the_code_does_not_have(tmp_path):
    notebook = tmp_path / "n.py"
    notebook.write_text("# %% [markdown]\n# By at least `MARGIN` = 0.5, within `NEAR` = 20 %.\n\n# %%\nMARGIN = 0.4\nLOW, HIGH = 1, 2.5\n",
                        encoding="utf-8")
    quoted = [(m[1], _value(m)) for m in NAMED_VALUE.finditer(percent_markdown(notebook.read_text()))]
    assert quoted == [("MARGIN", 0.5), ("NEAR", 0.2)] and constants(notebook) == {"MARGIN": [0.4], "LOW": [1.0], "HIGH": [2.5]}


# "Vig et al. 2020", "Wang et al. (2022, ...)", "Elhage and Nanda (2021)": a citation typed by hand, which
# links nothing and puts no notebook on the paper's page; ``[@key]`` does both.
TYPED_CITATION = re.compile(r"\b[A-Z][\w'-]+(?:\s+et\s+al\.|\s+(?:and|&)\s+[A-Z][\w'-]+),?\s+\(?(?:19|20)\d\d\b")


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.py")), ids=lambda p: p.stem)
def test_the_prose_cites_papers_by_key_not_by_a_typed_author_year(path):
    prose = percent_markdown(path.read_text(encoding="utf-8"))
    typed = [f"line {prose.count(chr(10), 0, m.start()) + 1}: {m[0]!r}" for m in TYPED_CITATION.finditer(prose)]
    assert not typed, f"{path.name}: write [@key] (the key from papers.bib) instead of {'; '.join(typed)}"


def test_a_typed_citation_is_found_and_a_keyed_one_is_not():
    prose = percent_markdown("# %% [markdown]\n# As Wang et al. (2022) and Elhage and Nanda 2021 show, and Syed et al.\n# (2023),\n"
                             "# and Olsson et al. [@olsson2022context] argue.\n")
    assert [m[0] for m in TYPED_CITATION.finditer(prose)] == ["Wang et al. (2022", "Elhage and Nanda 2021",
                                                                   "Syed et al.\n  (2023"]
