"""The course's own stylesheets and scripts as the site ships them: minified (rcssmin, rjsmin), since every
first visit fetches course.css and course.js, and their comments (which say why, for whoever edits them) are
a third of their bytes.  Files already minified (``*.min.css``, ``*.min.js``: KaTeX's) go as they are, and so
does everything else (fonts, the favicon)."""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin

_MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}


def shipped_text(path: Path) -> str | None:
    """The text the site ships for the asset at ``path``, or None where it ships the file as it is."""
    minify = _MINIFIERS.get(path.suffix)
    if minify is None or path.name.endswith((".min.css", ".min.js")):
        return None
    return minify(path.read_text(encoding="utf-8"))
