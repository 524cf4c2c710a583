"""A notebook's rendered HTML kept cell by cell, so that after a prose edit only the new prose is rendered.

The converter renders a whole notebook at once, and for a lecture page whose notebook gained a sentence
that is most of the rebuild: its template, and a BeautifulSoup pass nbconvert makes over megabytes of
outputs.  Yet a cell's HTML depends on the cell alone, but for two things: its id (in its opening tags),
and, for a code cell, its place among the code cells (mkdocs-jupyter numbers their copy buttons).  So where
a notebook's metadata and code cells are those of its last render (a prose edit: the run's outputs were
reused too), its HTML is the last render's, each Markdown cell that is new or changed rendered on its own
(in a notebook of those cells alone) and put in its place.  The whitespace before a cell is the template's,
a matter of the cell's kind and of whether it comes first (and after the last, of nothing): it is read off
the renders themselves (a render that has two for one place is not kept), and a place neither render shows
means a whole render.  A render is kept only where the cut accounts for it exactly
(every cell found in order, with its id, and the pieces put together give the render back).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from pathlib import Path

from course.notebooks.cache import atomic_write

_NOTEBOOK_START = re.compile(r'<div class="jp-Notebook"[^>]*>')
_NOTEBOOK_END = "</div> <!-- jp-Notebook -->"
_CELL_START = '<div class="jp-Cell '  # a cell's outer element
_CELL_ID = re.compile(r'id="cell-id=([^"]*)"')
_DIV = re.compile(r"<div\b|</div>")
_SPACE = re.compile(r"\s*")
END = "end"  # the place after the last cell, for the whitespace
KINDS = ("markdown", "code")


def cell_key(cell: dict) -> str:
    """What a cell's HTML is made of, but for its id."""
    kept = {field: value for field, value in cell.items() if field != "id"}
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode("utf-8", "surrogatepass")).hexdigest()


def metadata_key(nb: dict) -> str:
    return hashlib.sha256(json.dumps([nb.get("metadata"), nb.get("nbformat"), nb.get("nbformat_minor")],
                                     sort_keys=True).encode("utf-8", "surrogatepass")).hexdigest()


def cut(rendered: str, nb: dict, converter: str) -> dict | None:
    """The render of ``nb`` in pieces (see ``splice``), or None where they would not give it back exactly."""
    cells = nb.get("cells") or []
    if any(cell.get("cell_type") not in KINDS for cell in cells):
        return None
    start, end = _NOTEBOOK_START.search(rendered), rendered.rfind(_NOTEBOOK_END)
    if start is None or end < start.end():
        return None
    region, at, pieces, spaces = rendered[start.end():end], 0, [], []
    for cell in cells:
        space = _SPACE.match(region, at).end()
        if not region.startswith(_CELL_START, space):
            return None
        close = element_end(region, space)
        found = _CELL_ID.search(region, space, close) if close is not None else None
        if found is None or found[1] != html.escape(str(cell.get("id")), quote=True):
            return None
        spaces.append(region[at:space])
        pieces.append({"key": cell_key(cell), "kind": cell["cell_type"], "id": found[1], "html": region[space:close]})
        at = close
    if region[at:].strip():  # something after the last cell that is not a cell
        return None
    spaces.append(region[at:])
    between = _spaces_before([p["kind"] for p in pieces], spaces)
    if between is None:
        return None
    return {"converter": converter, "metadata": metadata_key(nb), "prefix": rendered[:start.end()],
            "suffix": rendered[end:], "between": between, "cells": pieces}


def splice(kept: dict | None, nb: dict, converter: str, render: Callable[[dict], str]) -> str | None:
    """The render of ``nb`` from ``kept`` (the last render, cut) and a render of its new Markdown cells alone
    (``render(notebook)``: the converter's HTML of a notebook), or None where it takes a whole render."""
    if not kept or kept.get("converter") != converter or kept.get("metadata") != metadata_key(nb):
        return None
    cells = nb.get("cells") or []
    if any(cell.get("cell_type") not in KINDS for cell in cells):
        return None
    keys = [cell_key(cell) for cell in cells]
    old_code = [piece for piece in kept["cells"] if piece["kind"] == "code"]
    if [p["key"] for p in old_code] != [key for key, cell in zip(keys, cells) if cell["cell_type"] == "code"]:
        return None
    prose = {piece["key"]: piece for piece in kept["cells"] if piece["kind"] == "markdown"}
    new = [cell for key, cell in zip(keys, cells) if cell["cell_type"] == "markdown" and key not in prose]
    between = dict(kept["between"])
    if new:
        fresh = cut(render({**nb, "cells": new}), {**nb, "cells": new}, converter)
        if fresh is None or any(between.get(pair, space) != space for pair, space in fresh["between"].items()):
            return None
        between.update(fresh["between"])
        prose.update({piece["key"]: piece for piece in fresh["cells"]})
    code = iter(old_code)
    places = _places([cell["cell_type"] for cell in cells])
    if any(place not in between for place in places):
        return None
    pieces = [_with_id(next(code) if cell["cell_type"] == "code" else prose[key], cell) for key, cell in zip(keys, cells)]
    return "".join([kept["prefix"]] + [between[place] + piece for place, piece in zip(places, pieces + [""])]
                   + [kept["suffix"]])


def load(path: Path) -> dict | None:
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept if isinstance(kept, dict) and isinstance(kept.get("cells"), list) else None


def keep(path: Path, pieces: dict | None) -> None:
    """Keep the pieces of the last render, or, where it could not be cut, none (the next render is whole)."""
    if pieces is None:
        path.unlink(missing_ok=True)
    else:
        atomic_write(path, json.dumps(pieces))


def _with_id(piece: dict, cell: dict) -> str:
    new = html.escape(str(cell.get("id")), quote=True)
    if piece["id"] == new:
        return piece["html"]
    return piece["html"].replace(f'id="cell-id={piece["id"]}"', f'id="cell-id={new}"', 1)


def _places(kinds: list[str]) -> list[str]:
    """Where each piece of whitespace goes: before each cell (by its kind, the first apart), then after the last."""
    return [f"first {kind}" if i == 0 else kind for i, kind in enumerate(kinds)] + [END]


def _spaces_before(kinds: list[str], spaces: list[str]) -> dict[str, str] | None:
    """The whitespace the render puts in each place; None where it puts two different ones in one."""
    between: dict[str, str] = {}
    for place, space in zip(_places(kinds), spaces):
        if between.setdefault(place, space) != space:
            return None
    return between


def element_end(text: str, start: int) -> int | None:
    """Where the ``<div>`` opened at ``start`` closes (just after its ``</div>``); None if it does not."""
    depth = 0
    for tag in _DIV.finditer(text, start):
        depth += 1 if tag.group(0) == "<div" else -1
        if depth == 0:
            return tag.end()
    return None
