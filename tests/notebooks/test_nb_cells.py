"""A prose edit renders only the new prose (``course.notebooks.cells``): the spliced HTML is, byte for byte,
what rendering the whole edited notebook gives, and an edit it cannot splice renders the whole notebook."""

from __future__ import annotations

import base64
import copy
import json
import struct
import zlib
from pathlib import Path

import jupytext
import nbformat
import pytest

from course.notebooks import cells
from course.notebooks.converter import convert, converter_version
from course.notebooks.source import _parse

NOTEBOOKS = Path(__file__).resolve().parents[2] / "content" / "notebooks"
VERSION = converter_version()


def _png() -> str:
    row = b"\x00" + b"\xff\x00\x00" * 2
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(row * 2)) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode()


def synthetic() -> dict:
    """Cells of every kind the course's notebooks have: headings (one twice), maths, a code fence in prose,
    raw HTML, exercise and solution tags, text, HTML, image and error outputs."""
    v4 = nbformat.v4
    code = [v4.new_code_cell("x = 1\nprint(x)", execution_count=1, outputs=[v4.new_output("stream", text="1\n")]),
            v4.new_code_cell("import html\nhtml", execution_count=2, outputs=[v4.new_output(
                "execute_result", data={"text/html": "<div class='t'><div>a</div></div>", "text/plain": "t"}, execution_count=2)]),
            v4.new_code_cell("plot()", execution_count=3, metadata={"tags": ["solution"]}, outputs=[v4.new_output(
                "display_data", data={"image/png": _png(), "text/plain": "<Figure>"})]),
            v4.new_code_cell("1 / 0", execution_count=4, outputs=[v4.new_output(
                "error", ename="ZeroDivisionError", evalue="division by zero", traceback=["ZeroDivisionError: division by zero"])])]
    prose = [v4.new_markdown_cell("# A title\n\nWith $x^2$ and $$\\sum_i a_i$$ and [@vaswani2017attention]."),
             v4.new_markdown_cell("## Takeaways\n\n```python\nprint('not a code cell')\n```"),
             v4.new_markdown_cell("**Exercise.** Write it.", metadata={"tags": ["exercise"]}),
             v4.new_markdown_cell("<div class='note'>raw <b>HTML</b></div>\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
             v4.new_markdown_cell("## Takeaways\n\n- one\n- two")]
    nb = v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                                   "language_info": {"name": "python"}})
    nb.cells = [prose[0], code[0], prose[1], code[1], prose[2], code[2], prose[3], code[3], prose[4]]
    return renumbered(json.loads(json.dumps(nb)))


def real(name: str) -> dict:
    """A course notebook as its source has it (no outputs)."""
    return json.loads(json.dumps(_parse((NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8"))))


def renumbered(nb: dict) -> dict:
    """Stable ids by place, as the course's reader gives them (an inserted cell moves the ids after it)."""
    for index, cell in enumerate(nb["cells"], start=1):
        cell["id"] = f"cell-{index}"
    return nb


def render(nb: dict, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"n{len(list(folder.iterdir()))}.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return convert(path)


def markdown(text: str) -> dict:
    return json.loads(json.dumps(nbformat.v4.new_markdown_cell(text)))


def appended(nb):
    nb["cells"].append(markdown("A prose edit, at the end."))


def changed(nb):
    first = next(cell for cell in nb["cells"] if cell["cell_type"] == "markdown")
    first["source"] += "\n\nOne more sentence, with $y$."


def inserted(nb):
    nb["cells"].insert(2, markdown("## A new section\n\nIn the middle: every id after it moves."))


def deleted(nb):
    index = max(i for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown")
    del nb["cells"][index]


def two_at_once(nb):
    inserted(nb)
    appended(nb)
    nb["cells"].insert(0, markdown("A first cell before the title."))


EDITS = [appended, changed, inserted, deleted, two_at_once]


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("source", ["synthetic", "induction-heads", "sparse-autoencoders"])
def test_a_prose_edit_spliced_into_the_last_render_is_the_whole_render_of_the_edited_notebook(source, edit, tmp_path):
    before = synthetic() if source == "synthetic" else real(source)
    kept = cells.cut(render(before, tmp_path / "whole"), before, VERSION)
    assert kept is not None and len(kept["cells"]) == len(before["cells"])
    after = copy.deepcopy(before)
    edit(after)
    after = renumbered(after)
    rendered_alone = []

    def alone(part):
        rendered_alone.append(part)
        return render(part, tmp_path / "alone")

    spliced = cells.splice(kept, after, VERSION, alone)
    assert spliced == render(after, tmp_path / "whole")
    assert all(cell["cell_type"] == "markdown" for part in rendered_alone for cell in part["cells"])
    new_cells = sum(len(part["cells"]) for part in rendered_alone)
    assert new_cells <= 3  # only what the edit wrote, not the notebook's other prose


def test_an_edit_of_code_metadata_or_the_converter_is_rendered_whole(tmp_path):
    before = synthetic()
    kept = cells.cut(render(before, tmp_path), before, VERSION)
    no_render = lambda part: pytest.fail("nothing may be rendered alone")
    code = copy.deepcopy(before)
    code["cells"][1]["source"] = "x = 2\nprint(x)"
    output = copy.deepcopy(before)
    output["cells"][1]["outputs"][0]["text"] = "2\n"
    metadata = copy.deepcopy(before)
    metadata["metadata"]["language_info"]["version"] = "3.12"
    moved = copy.deepcopy(before)
    moved["cells"][1], moved["cells"][3] = moved["cells"][3], moved["cells"][1]
    for edited in (code, output, metadata, moved):
        assert cells.splice(kept, renumbered(edited), VERSION, no_render) is None
    assert cells.splice(kept, before, VERSION + " and another", no_render) is None
    assert cells.splice(None, before, VERSION, no_render) is None
    assert cells.splice(kept, before, VERSION, no_render) == render(before, tmp_path)  # nothing new: nothing rendered


def test_a_render_the_cut_cannot_account_for_is_not_kept(tmp_path):
    nb = synthetic()
    rendered = render(nb, tmp_path)
    assert cells.cut(rendered, nb, VERSION) is not None
    fewer = {**nb, "cells": nb["cells"][:-1]}
    assert cells.cut(rendered, fewer, VERSION) is None  # a cell more than the notebook has
    other_ids = renumbered(copy.deepcopy(nb))
    other_ids["cells"][0]["id"] = "elsewhere"
    assert cells.cut(rendered, other_ids, VERSION) is None
    unbalanced = rendered.replace('<div class="t"><div>a</div></div>', '<div class="t"><div>a</div>', 1)
    assert unbalanced != rendered and cells.cut(unbalanced, nb, VERSION) is None
    raw = {**nb, "cells": nb["cells"] + [json.loads(json.dumps(nbformat.v4.new_raw_cell("raw")))]}
    assert cells.cut(rendered, raw, VERSION) is None


def test_a_prose_edit_of_a_built_notebook_renders_only_the_new_prose(nb_project, kernel_starts, monkeypatch):
    """End to end, through the build's notebook stage: after a prose edit the page's notebook is the whole
    render's, and the converter was given the new cell alone (and no kernel started)."""
    from course.notebooks import publish

    path = nb_project.notebook("note", """\
        # %% [markdown]
        # # Counting
        # Some prose.

        # %%
        print(6 * 7)

        # %% [markdown]
        # More prose.
        """)
    first = nb_project.stage()
    first.run()
    first.embed_html("note")
    seen = []
    real_convert = publish.convert

    def converting(ipynb, theme="light"):
        seen.append(json.loads(Path(ipynb).read_text(encoding="utf-8")))
        return real_convert(ipynb, theme)

    monkeypatch.setattr(publish, "convert", converting)
    path.write_text(path.read_text(encoding="utf-8") + "\n# %% [markdown]\n# A prose edit.\n", encoding="utf-8")
    stage = nb_project.stage()  # a new build
    stage.run()
    spliced = stage.embed_html("note")
    assert [["".join(cell["source"]) for cell in nb["cells"]] for nb in seen] == [["A prose edit."]]
    assert "A prose edit." in spliced and "42" in spliced and kernel_starts == ["note"]

    html = nb_project.cache_dir / "html"
    for kept in [html / "note.cells.json", *html.glob("note-*.html")]:
        kept.unlink()
    seen.clear()
    stage = nb_project.stage()
    stage.run()
    assert stage.embed_html("note") == spliced  # rendered whole: the same page
    assert [len(nb["cells"]) for nb in seen] == [4]
