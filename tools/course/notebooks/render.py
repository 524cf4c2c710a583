"""HTML of an executed notebook, as mkdocs-jupyter renders it (execution off), for embedding.

mkdocs-jupyter inlines about 600 kB of CSS into every notebook it renders.  The
embedded version moves the CSS that is the same for every notebook into one
shared stylesheet (cached by the browser across lecture pages) and keeps the
rest of the converter's HTML as is: code highlighted by Pygments, outputs, and
images inline as base64 PNG.  It also drops the converter's MathJax 2 (loaded from
a CDN): the site typesets ``$...$`` in Markdown cells with its own KaTeX.
"""

from __future__ import annotations

import hashlib
import html
import re
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import nbformat

# Bump when the post-processing below changes (the rendered HTML is cached on disk).
RENDER_VERSION = "2"

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
    from importlib.metadata import version

    return f"mkdocs-jupyter=={version('mkdocs-jupyter')}, nbconvert=={version('nbconvert')}, render {RENDER_VERSION}"


def convert(ipynb_path: Path, theme: str = "light") -> str:
    """mkdocs-jupyter's HTML for an ``.ipynb``, never executing it."""
    from mkdocs_jupyter.convert import nb2html

    with _LOCK:
        return nb2html(str(ipynb_path), execute=False, theme=theme, allow_errors=False)


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


def toolbar(colab_href: str | None, download_href: str, name: str) -> str:
    links = []
    if colab_href:
        links.append(
            f'<a class="md-button" href="{html.escape(colab_href)}" target="_blank" rel="noopener">Open in Colab</a>'
        )
    links.append(f'<a class="md-button" href="{html.escape(download_href)}" download="{html.escape(name)}.ipynb">Download .ipynb</a>')
    return '<p class="course-notebook-toolbar">' + " ".join(links) + "</p>"


def embed(body: str, *, name: str, css_href: str, colab_href: str | None, download_href: str) -> str:
    return (
        f'<link rel="stylesheet" href="{html.escape(css_href)}">\n'
        f'<div class="course-notebook" data-notebook="{html.escape(name)}">\n'
        f"{toolbar(colab_href, download_href, name)}\n{body}\n</div>\n"
    )


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def demote_headings(body: str, offset: int) -> str:
    """``<h1>`` -> ``<h{1+offset}>`` (at most ``<h6>``), so the notebook nests under the page's headings."""
    if offset <= 0:
        return body
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + offset)}", body)


_ID = re.compile(r'(\bid="|\bhref="#)(?!nb-)')


def prefix_ids(body: str) -> str:
    """Give the notebook's ids (and links to them) an ``nb-`` prefix: a notebook headed
    "The logit lens" must not reuse the id of the page's own heading of that name."""
    return _ID.sub(lambda m: m.group(1) + "nb-", body)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
