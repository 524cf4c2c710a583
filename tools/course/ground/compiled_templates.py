"""Jinja templates compiled once, not in every build: each build is a new process (``mkdocs build``) or a new
environment (``mkdocs serve``), and compiling the theme's and our templates is a good part of a warm build.

Jinja's bytecode cache keeps a template's code by its name and file and checks the template's source
(a checksum) before using it; its file format names Jinja's and Python's versions.  What else the code
depends on, the environment's syntax options and extensions, names the folder, so that two environments
(or a new MkDocs with other options) never share compiled code.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from course.ground.keyed_files import sha_text


def cache_compiled(env: jinja2.Environment, folder: Path) -> None:
    """Keep ``env``'s compiled templates under ``folder`` (a subfolder per set of options)."""
    if callable(env.autoescape):  # chosen per template, by code we cannot key on: compiled every time
        return
    options = [jinja2.__version__, env.block_start_string, env.block_end_string, env.variable_start_string,
               env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
               env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
               env.keep_trailing_newline, sorted(env.extensions), env.autoescape, env.optimized,
               env.is_async, getattr(env.finalize, "__qualname__", env.finalize)]
    target = folder / sha_text(repr(options))[:16]
    target.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(target))
