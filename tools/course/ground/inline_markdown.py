"""The little Markdown that short texts of the data may use (an announcement's body): links, bold, emphasis,
inline code and bare web addresses, in paragraphs.  Nothing else is Markdown there, and no HTML.

One scanner serves both sides: the data layer asks ``link_problem`` of every link target (so a
``javascript:`` link is refused at its line), and the renderer turns the text into escaped HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

_TOKEN = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<target>[^()\s]+)\)"
    r"|\*\*(?P<strong>[^*\n]+?)\*\*"
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*\n]*?[^*\s])?)\*(?![\w*])"
    r"|(?P<url>\bhttps?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"])"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WEB = ("http://", "https://", "mailto:")


def links(text: str) -> list[tuple[int, str]]:
    """Every link target in ``text`` with its offset."""
    return [(m.start("target"), m["target"]) for m in _TOKEN.finditer(text) if m["target"]]


def link_problem(target: str) -> str | None:
    """Why ``target`` may not be linked, or None: web and mail addresses, and pages of the site by their path."""
    if target.lower().startswith(_WEB):
        return None
    if _SCHEME.match(target) or target.startswith("//"):
        return (f"the link target {target!r} is neither a web address (https://...), a mailto: address, nor a page "
                "of this site written as its path (e.g. presentations/index.md); change it to one of those")
    return None


def to_html(text: str, site_link: Callable[[str, str], str]) -> Markup:
    """``text`` as HTML paragraphs; ``site_link(path, anchor)`` gives the href of a page of the site by its path
    in docs_dir (``presentations/index.md``), as a template's ``u`` does."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return Markup("\n".join(f"<p>{_inline(' '.join(p.split()), site_link)}</p>" for p in parts))


def _inline(text: str, site_link: Callable[[str, str], str]) -> Markup:
    out, last = [], 0
    for m in _TOKEN.finditer(text):
        out.append(escape(text[last:m.start()]))
        last = m.end()
        if m["code"]:
            out.append(Markup("<code>{}</code>").format(m["code"]))
        elif m["target"]:
            target = m["target"]
            if link_problem(target):  # refused by the data layer already; never a live link
                out.append(escape(m.group(0)))
                continue
            path, _, anchor = target.partition("#")
            href = target if target.lower().startswith(_WEB) else site_link(path, anchor)
            out.append(Markup('<a href="{}">{}</a>').format(href, m["label"]))
        elif m["strong"]:
            out.append(Markup("<strong>{}</strong>").format(m["strong"]))
        elif m["em"]:
            out.append(Markup("<em>{}</em>").format(m["em"]))
        else:
            out.append(Markup('<a href="{0}">{0}</a>').format(m["url"]))
    out.append(escape(text[last:]))
    return Markup("").join(out)
