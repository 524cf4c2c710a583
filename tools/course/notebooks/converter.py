"""mkdocs-jupyter's converter, as the course uses it: a notebook's HTML (never executing it), what of that
HTML every notebook shares (its style blocks: one stylesheet for the site), and the converter's version,
which keys every rendering kept in the cache."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from course.notebooks.versions import installed_version

THEME = "light"  # mkdocs-jupyter's light theme; the site's own CSS adapts it to dark mode

# Bump when the post-processing below changes (the rendered HTML is cached on disk).
RENDER_VERSION = "3"

_STYLE = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S)
_MATHJAX = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->\s*"  # the nbconvert template's block
    r"|<script[^>]*mathjax[^>]*>.*?</script>\s*",  # in case a template version drops the comments
    re.S | re.I,
)
_LOCK = threading.Lock()  # the converter keeps global state (cell counter, patched filters)

# Rules in mkdocs-jupyter's CSS that would reach outside the notebook.
_SCOPE_FIXES = {"}table{width:max-content}": "}.jupyter-wrapper table{width:max-content}"}


def converter_version() -> str:
    return f"mkdocs-jupyter=={installed_version('mkdocs-jupyter')}, nbconvert=={installed_version('nbconvert')}, render {RENDER_VERSION}"


def convert(ipynb_path: Path, theme: str = "light") -> str:
    """mkdocs-jupyter's HTML for an ``.ipynb``, never executing it."""
    with _LOCK:
        return _converter()(str(ipynb_path), execute=False, theme=theme, allow_errors=False)


_NO_EXPORTER_LIST = "NBCONVERT_DISABLE_CONFIG_EXPORTERS"


@lru_cache(maxsize=1)
def _converter():
    """mkdocs-jupyter's ``nb2html``, imported once.  Imported, nbconvert's command-line app lists the exporters
    for its help text by making one of every exporter installed: a quarter of a second of a build that renders
    a notebook (a prose edit's rebuild), for text nobody reads here.  nbconvert's own switch turns the listing
    off, for the import only: the environment is put back (the kernels inherit it)."""
    before = os.environ.get(_NO_EXPORTER_LIST)
    os.environ[_NO_EXPORTER_LIST] = "1"
    try:
        from mkdocs_jupyter.convert import nb2html
    finally:
        if before is None:
            os.environ.pop(_NO_EXPORTER_LIST, None)
        else:
            os.environ[_NO_EXPORTER_LIST] = before
    return nb2html


def split_styles(rendered: str, shared: tuple[str, ...]) -> str:
    """The converter's HTML without the style blocks that live in the shared stylesheet."""

    def keep(match: re.Match) -> str:
        css = match.group(1).strip()
        if css in shared or css.startswith("['"):  # mkdocs-jupyter also dumps a Python list repr as CSS
            return ""
        return match.group(0)

    return _STYLE.sub(keep, rendered)


def strip_mathjax(rendered: str) -> str:
    return _MATHJAX.sub("", rendered)


@lru_cache(maxsize=4)
def shared_styles(theme: str = "light") -> tuple[str, ...]:
    """The style blocks the converter emits for every notebook (found by rendering an empty one)."""
    import nbformat
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "empty.ipynb"
        nbformat.write(nbformat.v4.new_notebook(), path)
        rendered = convert(path, theme)
    return tuple(css for css in (m.group(1).strip() for m in _STYLE.finditer(rendered)) if css and not css.startswith("['"))


def shared_stylesheet(theme: str = "light") -> str:
    css = "\n".join(shared_styles(theme))
    for old, new in _SCOPE_FIXES.items():
        css = css.replace(old, new)
    return f"/* Notebook styles from {converter_version()} */\n{css}\n"
