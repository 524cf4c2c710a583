"""The Jinja environment every page kind renders with.

Templates produce Markdown pages for MkDocs.  Data never reaches a page
unescaped: autoescape is on (for HTML blocks), and text placed where Markdown
would read it (headings, list items) goes through ``md``, which also turns
Markdown punctuation into character references so a title like
``[x](javascript:...)`` or ``{: onclick=...}`` stays literal text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from course.ground import inline_markdown, urls
from course.ground.words import clock, day, long_day

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Characters Markdown (and the extensions we enable) give meaning to.
# A "#" right after "&" opens an entity that the HTML escaping just wrote ("'" is "&#39;"): left alone.
_MARKDOWN_PUNCTUATION = re.compile(r"[\\`*_{}\[\]()+\-.!|~^=:$@]|(?<!&)#")


def md(value: object) -> Markup:
    """Escape text for a Markdown context: HTML-escaped, Markdown punctuation as &#NN;."""
    if value is None:
        return Markup("")
    text = str(escape(value))
    text = _MARKDOWN_PUNCTUATION.sub(lambda m: f"&#{ord(m.group(0))};", text)
    text = text.replace("\n", " ")
    return Markup(text)


def safe_title(value: str) -> str:
    """A page title for MkDocs/Material templates, which output titles without escaping.

    Angle brackets become look-alike quotation marks and entity-like sequences are
    broken, so a title can never open a tag in the page head or the navigation.
    """
    value = value.replace("<", "\u2039").replace(">", "\u203a")
    value = re.sub(r"&(?=#?\w+;)", "&\u200b", value)
    return " ".join(value.split())


def front_matter(**meta: object) -> str:
    """YAML front matter; every value JSON-encoded (JSON is YAML) so data cannot break out."""
    lines = ["---"]
    for key, value in meta.items():
        if value is None:
            continue
        if key == "title":
            value = safe_title(str(value))
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    if len(lines) == 1:
        return ""  # an empty block would be read as a rule and a heading "---"
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def paragraphs(value: str | None) -> Markup:
    """Plain text with blank-line paragraphs, as escaped HTML <p> elements."""
    if not value:
        return Markup("")
    parts = [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
    return Markup("\n".join(f"<p>{escape(' '.join(p.split()))}</p>" for p in parts))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md, day=day, long_day=long_day, clock=clock, paragraphs=paragraphs,
                       markdown=inline_markdown.to_html)  # markdown(u): ``u`` links a site page's path
    env.globals.update(urls=urls)
    return env


_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)


def strip_front_matter(text: str) -> str:
    return _FRONT_MATTER.sub("", text, count=1)


@dataclass(frozen=True)
class NotebookRun:
    """How one notebook's outputs were made in this build, for the Notebooks page."""

    name: str
    title: str  # its first "#" heading, or its name
    status: str  # executed | cached | not-run (execution off) | failed
    reason: str = ""  # why it was executed
    seconds: float | None = None
    peak_mb: float | None = None
    executed_at: str | None = None  # ISO 8601, UTC
    description: str = ""  # the first sentence under its title
    exercises: int = 0  # how many checked exercises it has (its student copy is <name>-exercises.ipynb)
    colab: str | None = None  # "Open in Colab" for the executed notebook (None unless the repo is on GitHub)
    student_colab: str | None = None  # and for its student copy, when it has exercises


@dataclass(frozen=True)
class DeckRun:
    """A lecture deck as this build publishes it (its files, by their paths in the site)."""

    session_id: str
    html: str
    pdf: str
    thumbnails: tuple[str, ...]  # one per slide, in order
    status: str  # rendered | cached
    seconds: float | None = None  # how long rendering took, when it did
    titles: tuple[str, ...] = ()  # each slide's first heading ("" where it has none)


@dataclass(frozen=True)
class SiteContext:
    """What page kinds may need besides the records."""

    site_url: str | None = None
    hand_written: dict[str, str] = field(default_factory=dict)  # docs_dir pages by source path
    repo_url: str | None = None  # mkdocs.yml repo_url: the sign-up buttons open issues there
    notebooks: tuple[NotebookRun, ...] = ()  # the notebooks run (or loaded from the cache) for this build
    built_at: dt.datetime | None = None  # when the build started (UTC), for the Notebooks page
    decks: tuple[DeckRun, ...] = ()  # the lecture decks made (or taken from the cache) for this build

    def deck(self, session_id: str) -> DeckRun | None:
        return next((deck for deck in self.decks if deck.session_id == session_id), None)

    def hand_written_body(self, src: str) -> str | None:
        text = self.hand_written.get(src)
        return None if text is None else strip_front_matter(text)


@dataclass(frozen=True)
class GeneratedFile:
    """A file the site gets that is not in docs_dir: a page (``.md``) or anything else."""

    src: str
    content: str | bytes


class Rendered(dict):
    """``rendered[key]`` is ``render(key)``, called on first use only: for a piece of HTML
    that many pages repeat (a template looks it up like any mapping)."""

    def __init__(self, render: Callable[[Any], Markup]):
        super().__init__()
        self.render = render

    def __missing__(self, key: Any) -> Markup:
        self[key] = value = self.render(key)
        return value


# The archived term whose pages are being rendered (None: the current term's).  Page kinds need not know:
# ``render_page`` moves the term's own pages under /<term-id>/ and keeps links to shared pages pointing at them.
_TERM: ContextVar[str | None] = ContextVar("term", default=None)


@contextmanager
def pages_of_term(term_id: str) -> Iterator[None]:
    token = _TERM.set(term_id)
    try:
        yield
    finally:
        _TERM.reset(token)


def render_page(template: str | jinja2.Template, src: str, *, title: str | None, meta: dict | None = None,
                **context) -> GeneratedFile:
    """Render ``template`` (a name, or a template already looked up, for kinds with many pages) as the
    page ``src``; ``u(target)`` in templates links relative to it."""
    term = _TERM.get()
    src = urls.in_term(term, src)

    def u(target: str, anchor: str = "") -> str:
        return urls.relative(src, urls.in_term(term, target), anchor)

    body = environment().get_template(template).render(u=u, page_src=src, title=title, archived_term=term, **context)
    return GeneratedFile(src, front_matter(title=title, **(meta or {})) + body)
