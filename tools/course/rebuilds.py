"""What one build of ``mkdocs serve`` hands the next, so that the rebuild after a save does little the save
did not ask for.

``mkdocs serve`` builds the whole site again after every save, into a site folder it has just emptied.  The
plugin outlives its builds (it has ``on_startup``) and keeps, from one build to the next:

- the static files (Material's scripts and fonts, the course's assets: some 600 of them).  One whose source
  is as it was, and whose copy in the last build's folder is as that build copied it (not cut since), is
  moved back from that folder instead of copied again;
- each page's entries in the search index (Material's search parses every page's HTML): a page whose
  address, title, HTML, table of contents and front matter are as they were gets the last build's;
- the plugin's last step of each page (the notebooks and the set-aside blocks put in, the maths typeset, the
  whitespace collapsed): a page whose rendered HTML and blocks are as they were gets what it got, its
  formulas counted and their errors logged again.

(The generated pages' Markdown renders are handed on by ``SharedMarkdown``.)  A ``mkdocs build`` keeps
nothing.  A test rebuilds a site after edits of each kind and compares every file with a fresh build.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from course.ground.old_site import Clearing, delete_in_background, move_aside


@dataclass(frozen=True)
class FinishedPage:
    html: str
    formulas: tuple[str, ...]  # the maths typesetter's keys of the page's formulas
    errors: tuple[tuple[str, str], ...]  # (TeX, KaTeX's message) of those that do not typeset


class Rebuilds:
    """Kept by the plugin for as long as ``mkdocs serve`` runs; one ``start``, ``carry``, ``finish`` per build."""

    def __init__(self) -> None:
        self._static: dict[str, tuple] = {}  # dest_uri -> (what its source was, its copy's stat) at the last build's end
        self._sources: dict[str, tuple] = {}  # this build's: dest_uri -> what its source is
        self._files = None
        self._previous: list[Path] = []  # the last build's site folder, moved aside, and older leftovers
        self._search: dict[str, list] = {}
        self._search_now: dict[str, list] = {}
        self._pages: dict[str, FinishedPage] = {}
        self._pages_now: dict[str, FinishedPage] = {}

    def start(self, site_dir: Path, plugins) -> None:
        """Before MkDocs empties the site folder (``on_pre_build``): move its files aside, and hand Material's
        search index the last build's entries."""
        self._previous = move_aside(Path(site_dir))
        for plugin in plugins.values():
            index = getattr(plugin, "search_index", None)
            if index is not None and hasattr(index, "add_entry_from_context"):
                index.add_entry_from_context = self._indexer(index, index.add_entry_from_context)

    def carry(self, site_dir: Path, files) -> Clearing:
        """Before MkDocs copies the static files (``on_env``): move back those that are as they were, and set the
        rest of the last build deleting."""
        last = self._previous[0] if self._previous else None
        self._files, self._sources = files, {}
        for file in files:
            if file.is_documentation_page():
                continue
            source = self._sources[file.dest_uri] = _source(file)
            kept = self._static.get(file.dest_uri)
            if last is None or kept is None or kept[0] != source:
                continue
            old = last / file.dest_uri
            if _stat(old) != kept[1]:
                continue
            os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
            try:
                os.replace(old, file.abs_dest_path)
            except OSError:
                continue
            file.copy_file = _copied
        return delete_in_background(self._previous)

    def finish(self) -> None:
        """After every page is written, before anything cuts the static files (``on_post_build``)."""
        files, self._files = self._files, None
        self._static = {} if files is None else {
            file.dest_uri: (self._sources[file.dest_uri], _stat(Path(file.abs_dest_path)))
            for file in files if file.dest_uri in self._sources}
        self._search, self._search_now = self._search_now, {}
        self._pages, self._pages_now = self._pages_now, {}

    def finished_page(self, parts: list[str], finish: Callable[[], FinishedPage]) -> tuple[FinishedPage, bool]:
        """The page made of ``parts`` (its rendered HTML and what goes into it), finished as the last build
        finished it, or by ``finish``; and whether it was the last build's."""
        key = _digest(parts)
        kept = self._pages.get(key)
        done = self._pages_now[key] = kept or finish()
        return done, kept is not None

    def _indexer(self, index, add) -> Callable:
        def add_entry_from_context(page) -> None:
            key = _digest([page.url, str(page.title), page.content or "", json.dumps(page.meta, sort_keys=True, default=str),
                           json.dumps(_toc(page.toc))])
            entries = self._search.get(key)
            if entries is None:
                before = len(index.entries)
                add(page)
                entries = copy.deepcopy(index.entries[before:])
            else:
                index.entries.extend(copy.deepcopy(entries))
            self._search_now[key] = entries
        return add_entry_from_context


def _source(file) -> tuple:
    """What a static file is made from: its source file's path and stat, or the digest of its content."""
    if file.abs_src_path:
        return ("file", file.abs_src_path, _stat(Path(file.abs_src_path)))
    return ("content", hashlib.sha256(file.content_bytes).hexdigest())


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _copied(dirty: bool = False) -> None:
    """A static file's copy, moved back from the last build: nothing to copy."""


def _toc(items) -> list:
    return [[item.id, item.url, item.title, item.level, _toc(item.children)] for item in items]


def _digest(parts: list[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()
