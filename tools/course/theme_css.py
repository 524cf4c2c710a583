"""Material's stylesheets in a built site, cut to the rules the site can use (issue 16: every first visit
fetches them, the main one about 138 kB and the palette's 12 kB, for a site that uses a fraction of their rules).

Run after the build, when every page is written: the names that can occur are read from the site as
it is on disk (``css_tokens``), so a dirty build or a ``mkdocs serve`` rebuild, which writes only some
pages, still sees all of them.  A stylesheet is always cut from the theme's own file, never from the
copy in the site, which a dirty build may have left cut already.  The cut CSS is cached by what makes
it (the stylesheet, the names, the cutting code): a rebuild that changes no class reads it back.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

from course.ground import css_purge, css_tokens
from course.ground.keyed_files import key_of, sha_code, sha_text, write_if_changed, write_newest

# Material's file names carry a hash of their content: main.57a0d79d.min.css, palette.06af60db.min.css.
THEME_CSS = re.compile(r"assets/stylesheets/(main|palette)\.[0-9a-f]+\.min\.css")
_CODE = (Path(css_purge.__file__), Path(css_tokens.__file__))


@dataclass(frozen=True)
class Cut:
    before: int  # bytes
    after: int
    cached: bool


def is_theme_css(src_uri: str) -> bool:
    return THEME_CSS.fullmatch(src_uri) is not None


def cut_stylesheets(stylesheets: list[tuple[Path, Path]], site_dir: Path, cache_dir: Path, *,
                    unused_scripts: tuple[str, ...] = ()) -> list[Cut]:
    """Write each ``(source, dest)``'s source (a stylesheet) to its dest without the rules that nothing in
    ``site_dir`` can match (one reading of the site for them all).  ``unused_scripts``: the site's scripts (paths
    in it) that no page runs, whose words do not count (KaTeX's, where the build typeset all the maths)."""
    pages, scripts = _site_texts(site_dir, {site_dir / path for path in unused_scripts})
    tokens = _site_tokens(pages, scripts, cache_dir)
    return [_cut(source, dest, tokens, cache_dir) for source, dest in stylesheets]


def _site_tokens(pages: list[str], scripts: list[str], cache_dir: Path) -> css_purge.Tokens:
    """What the site lets occur, each page's and script's part kept from the last build by the hash of its text:
    a rebuild scans only the texts that changed (a 5,000-paper site is 227 MB of HTML, three seconds to scan)."""
    store = cache_dir / f"tokens-{sha_code(Path(css_tokens.__file__))[:16]}.pickle"
    known = _read_store(store)
    parts = {}
    for scan, texts in ((css_tokens.page_tokens, pages), (css_tokens.script_tokens, scripts)):
        for text in texts:
            key = (scan.__name__, hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest())
            parts[key] = known.get(key) or scan(text)
    if parts.keys() != known.keys():  # the newest only: a build's pages
        write_newest(store, pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL), "tokens-*.pickle")
        _stores[store] = (_stat(store), parts)
    return css_tokens.union(parts.values())


_stores: dict[Path, tuple] = {}  # a store as this process last read or wrote it, with its file's stat then


def _read_store(store: Path) -> dict:
    """The store's parts; read from the file only where it changed since this process last had it (each
    rebuild of mkdocs serve would read it again: a twentieth of a rebuild)."""
    stat = _stat(store)
    kept = _stores.get(store)
    if kept is not None and kept[0] == stat and stat is not None:
        return kept[1]
    try:
        known = pickle.loads(store.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return {}  # none yet, or left by another version of the code
    _stores[store] = (stat, known)
    return known


def _stat(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def _cut(source: Path, dest: Path, tokens: css_purge.Tokens, cache_dir: Path) -> Cut:
    css = source.read_text(encoding="utf-8")
    # keyed by what the cut reads of the tokens: a prose edit of a notebook brings a cell id, and no new cut
    key = key_of({"css": sha_text(css), "tokens": tokens.digest_for(_judged(source, css, cache_dir)),
                  "code": [sha_code(path) for path in _CODE]})
    cached = cache_dir / f"{_stem(source)}-{key}.css"
    try:
        cut, hit = cached.read_text(encoding="utf-8"), True
    except OSError:  # not there yet (or removed by a build of another site sharing the cache)
        cut, hit = css_purge.purge(css, tokens), False
        # each stylesheet's newest cut only: each edit that changes the site's classes makes another (about 90 kB)
        write_newest(cached, cut, f"{_stem(source)}-*.css")
    write_if_changed(dest, cut)
    return Cut(len(css.encode("utf-8")), len(cut.encode("utf-8")), hit)


def _judged(source: Path, css: str, cache_dir: Path) -> tuple[frozenset[str], frozenset[str]]:
    """``css_purge.judged(css)``, kept by the stylesheet's text (parsing Material's main CSS takes a fifth of a second)."""
    cached = cache_dir / f"{_stem(source)}-judged-{key_of({'css': sha_text(css), 'code': sha_code(Path(css_purge.__file__))})}.json"
    try:
        names, values = json.loads(cached.read_text(encoding="utf-8"))
        return frozenset(names), frozenset(values)
    except (OSError, ValueError, TypeError):  # not there yet, or unreadable
        names, values = css_purge.judged(css)
        write_newest(cached, json.dumps([sorted(names), sorted(values)]), f"{_stem(source)}-judged-*.json")
        return names, values


def _site_texts(site_dir: Path, unused: set[Path]) -> tuple[list[str], list[str]]:
    """The text of every HTML page and every script in ``site_dir`` but ``unused`` (one walk: the site has
    thousands of files)."""
    pages, scripts = [], []
    for folder, _, names in os.walk(site_dir):
        for name in names:
            if name.endswith((".html", ".js")) and Path(folder) / name not in unused:
                text = (Path(folder) / name).read_text(encoding="utf-8", errors="replace")
                (pages if name.endswith(".html") else scripts).append(text)
    return pages, scripts


def _stem(source: Path) -> str:
    return source.name.split(".", 1)[0]  # main.57a0d79d.min.css -> main

