"""Files made from other files, cached by a hash of what they are made from (the notebooks, the decks, the PDF).

``key_of(inputs)`` turns a readable dict of inputs (file hashes, tool versions) into the key;
``KeyedStore`` keeps, per entry, the outputs of the last successful run and the record of the
inputs that made them, so a warm build finds them by key and makes nothing.  Every write goes to
a temporary file first and is renamed into place: a reader sees the old file or the new one.
"""

from __future__ import annotations

import ast
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from course.ground.source_files import write_atomic


def sha_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def key_of(inputs: dict) -> str:
    """The cache key of a dict of inputs (order-independent)."""
    return sha_text(json.dumps(inputs, sort_keys=True))


def sha_code(path: Path) -> str:
    """The hash of a Python file's code, with comments, docstrings and layout normalised away (its syntax tree):
    a comment or docstring edit in a module re-runs no notebook.  A file that does not parse hashes as bytes."""
    try:
        return _sha_code(Path(path).read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return sha_file(path)


@lru_cache(maxsize=512)
def _sha_code(text: str) -> str:
    # Memoised on the text: every notebook that imports a module hashes it again, and each rebuild of
    # ``mkdocs serve`` (one process) hashes them all (a syntax tree of each: most of a warm build's notebook stage).
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                node.body = node.body[1:] or [ast.Pass()]
    return sha_text(ast.dump(tree))


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write ``content`` so that readers see the old file or the new one, never half of it."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(Path(path), content)


def write_if_changed(path: Path, content: str | bytes) -> None:
    """Write only when the bytes differ (a file's time then says when its content last changed)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if Path(path).read_bytes() == data:
            return
    except OSError:
        pass
    atomic_write(path, data)


def write_newest(path: Path, content: str | bytes, earlier: str) -> None:
    """Write ``content`` to ``path`` in place of the files beside it that match the glob ``earlier`` (what earlier
    builds left: such a cache keeps only the newest).  A cache that cannot be written costs the next build the
    work again, nothing more: the error is not raised."""
    try:
        for old in Path(path).parent.glob(earlier):
            old.unlink(missing_ok=True)
        atomic_write(path, content)
    except OSError:
        pass


class KeyedStore:
    """``<root>/<name>/record.json`` (the key, its inputs, and the output files' names) and the outputs beside it."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def entry_dir(self, name: str) -> Path:
        return self.root / name

    def record(self, name: str) -> dict | None:
        """The record of the last successful run of ``name``, whatever its key."""
        try:
            record = json.loads((self.entry_dir(name) / "record.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) and isinstance(record.get("outputs"), list) else None

    def lookup(self, name: str, key: str) -> dict[str, Path] | None:
        """The output files made under exactly this key, by name, or None (never a partial set)."""
        record = self.record(name)
        if record is None or record.get("key") != key:
            return None
        files = {out: self.entry_dir(name) / out for out in record["outputs"]}
        return files if all(path.is_file() for path in files.values()) else None

    def store(self, name: str, key: str, inputs: dict, outputs: dict[str, bytes], **extra) -> dict[str, Path]:
        """Keep a successful run: outputs first, then the record that points at them; older outputs go."""
        folder = self.entry_dir(name)
        for out, content in outputs.items():
            write_if_changed(folder / out, content)
        record = {"key": key, "inputs": inputs, "outputs": sorted(outputs), **extra}
        atomic_write(folder / "record.json", json.dumps(record, indent=1, sort_keys=True))
        for old in folder.iterdir() if folder.is_dir() else ():
            if old.is_file() and old.name != "record.json" and old.name not in outputs:
                old.unlink(missing_ok=True)
        return {out: folder / out for out in outputs}
