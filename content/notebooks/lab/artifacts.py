"""A disk cache for trained models, so that one notebook can reuse another's.

``cached(name, config, build)`` returns what ``build()`` returns, computing it
only when no stored copy exists. The stored copy is found by a key: a hash of

* ``name`` and ``config`` (a JSON-serialisable dict that must describe
  everything that determines the result: sizes, steps, seeds, data),
* the code of the ``lab`` modules that building can run: the module ``build`` is defined in
  and every ``lab`` module it imports, followed import by import (a build defined in a
  notebook: every ``lab`` module), so editing one of them retrains, and adding or editing
  any other module (a checker, a new notebook's helpers) does not; code means the syntax
  tree, so a comment, a docstring or reformatting retrains nothing,
* the code of ``build`` itself when Python can find it (for a function
  defined in a notebook), and the torch version.

A notebook therefore reuses a model only when it would have trained exactly the
same one; execution order between notebooks never matters. The first notebook
that needs a model trains it. Files live in ``$COURSE_ARTIFACTS_DIR``
(default ``~/.cache/decoding-gpt``) as plain ``torch.save`` files of tensors,
numbers and strings: a ``GPT`` is stored as its config and ``state_dict``.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import textwrap
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, TypeVar

import torch
from filelock import FileLock

from . import training_is_off
from .gpt import GPT, GPTConfig

T = TypeVar("T")
LAB = Path(__file__).resolve().parent


def model_sources(build: Callable | None = None) -> list[Path]:
    """The ``lab`` files ``build`` may run: its own module and what that imports from ``lab``, transitively.
    A build Python cannot place in a ``lab`` module (a notebook's function, a lambda typed at a prompt)
    may use any of them."""
    module = inspect.getmodule(build) if build is not None else None
    origin = Path(module.__file__).resolve() if module is not None and getattr(module, "__file__", None) else None
    if origin is None or origin.parent != LAB:
        return sorted(LAB.glob("*.py"))
    seen: set[Path] = set()
    todo = [origin, LAB / "__init__.py"]
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        todo.extend(_lab_imports(path))
    return sorted(seen)


def _lab_imports(path: Path) -> list[Path]:
    """The ``lab`` modules ``path`` imports: ``from .x import``, ``from . import x``, ``import lab.x``, ``from lab.x import``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            inside = node.level == 1 or (node.level == 0 and (node.module or "").split(".")[0] == "lab")
            if not inside:
                continue
            module = (node.module or "").removeprefix("lab").lstrip(".") if node.level == 0 else (node.module or "")
            if module:
                found.append(LAB / f"{module.split('.')[0]}.py")
            else:  # from . import x, y: each may be a module
                found.extend(LAB / f"{alias.name}.py" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(LAB / f"{alias.name.split('.')[1]}.py" for alias in node.names
                         if alias.name.startswith("lab."))
    return found


def artifacts_dir() -> Path:
    return Path(os.environ.get("COURSE_ARTIFACTS_DIR", Path.home() / ".cache" / "decoding-gpt"))


def cache_key(name: str, config: dict, build: Callable | None = None) -> str:
    h = hashlib.sha256()
    h.update(json.dumps({"name": name, "config": config}, sort_keys=True).encode())
    if training_is_off():  # an untrained model must never be stored where a trained one is looked for
        h.update(b"training off")
    h.update(torch.__version__.encode())
    for path in model_sources(build):
        h.update(path.name.encode() + b"\0" + _code_of(path.read_text(encoding="utf-8")))
    if build is not None:
        try:
            h.update(_code_of(inspect.getsource(build)))
        except (OSError, TypeError):  # defined somewhere Python keeps no source for
            pass
    return h.hexdigest()[:16]


def _code_of(source: str) -> bytes:
    """What the source computes, without its comments, docstrings or layout: its syntax tree."""
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return source.encode()
    for node in ast.walk(tree):
        documented = isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        if documented and ast.get_docstring(node, clean=False) is not None:
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree).encode()


def _pack(obj: Any) -> Any:
    """Replace every GPT inside ``obj`` by its config and weights (loadable with weights_only=True)."""
    if isinstance(obj, GPT):
        return {"__gpt_config__": asdict(obj.cfg), "state_dict": obj.state_dict()}
    if isinstance(obj, dict):
        return {k: _pack(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_pack(v) for v in obj)
    return obj


def _unpack(obj: Any) -> Any:
    if isinstance(obj, dict) and "__gpt_config__" in obj:
        model = GPT(GPTConfig(**obj["__gpt_config__"]))
        model.load_state_dict(obj["state_dict"])
        return model.eval()
    if isinstance(obj, dict):
        return {k: _unpack(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_unpack(v) for v in obj)
    return obj


def cached(name: str, config: dict, build: Callable[[], T]) -> T:
    """``build()``, or its stored result from an earlier run with the same key.

    ``build`` may return a ``GPT``, tensors, numbers, strings, and dicts, lists
    or tuples of these. Two notebooks running at once wait for each other
    instead of training the same model twice.
    """
    directory = artifacts_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{cache_key(name, config, build)}.pt"
    with FileLock(str(path) + ".lock"):
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            torch.save(_pack(build()), tmp)
            os.replace(tmp, path)  # atomic: a reader never sees half a file
            path.with_suffix(".json").write_text(json.dumps({"name": name, "config": config}, indent=2, sort_keys=True))
        # load even what was just built, so that a first and a later run return the same thing
        return _unpack(torch.load(path, weights_only=True))
