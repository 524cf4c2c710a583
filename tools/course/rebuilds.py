"""What one build of ``mkdocs serve`` hands the next, so that the rebuild after a save does little the save
did not ask for.

``mkdocs serve`` builds the whole site again after every save, into a site folder it has just emptied.  The
plugin outlives its builds (it has ``on_startup``) and keeps, from one build to the next:

- the static files (Material's scripts and fonts, the course's assets: some 600 of them).  One whose source
  is as it was, and whose copy in the last build's folder is as that build copied it (not cut since), is
  moved back from that folder instead of copied again;
- each page's entries in the search index (Material's search parses every page's HTML): a page whose
  address, title, HTML, table of contents and front matter are as they were gets the last build's;
- each finished page.  A page whose template would be given what it was given last time (the site's
  configuration and theme, the page's address, title, front matter, HTML and table of contents, and the
  navigation as the page shows it: the top level, and all of the part the page is in) is not rendered: its
  template becomes ``REUSED``, which puts in the HTML the last build finished it to, its formulas counted
  and their errors logged again.  Of a page that is rendered, the plugin's last step (the notebooks and the
  set-aside blocks put in, the maths typeset, the whitespace collapsed) is the last build's where the
  rendered HTML and those blocks are as they were.

And the generated pages' raw HTML as set aside from their Markdown (their Markdown renders are handed on by
``SharedMarkdown``).  A ``mkdocs build`` keeps nothing.  A test rebuilds a site after edits of each kind and
compares every file with a fresh build.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from course.ground.old_site import Clearing, delete_in_background, move_aside
from course.ground.raw_html import set_aside


REUSED = "course-reused.html"  # in the course's theme: {{ course_reused }}, the page as the last build finished it


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
        self._pages: dict[str, FinishedPage] = {}  # by the rendered HTML and what goes into it
        self._pages_now: dict[str, FinishedPage] = {}
        self._templates: dict[str, FinishedPage] = {}  # by what the page's template is given
        self._templates_now: dict[str, FinishedPage] = {}
        self._keys: dict[str, str] = {}  # src_uri -> what its template is given, this build
        self._reused: dict[str, FinishedPage] = {}  # src_uri -> its page as the last build finished it
        self._asides: dict[str, tuple] = {}  # a generated page's Markdown -> its raw HTML set aside (set_aside)
        self._asides_now: dict[str, tuple] = {}

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
        self._templates, self._templates_now = self._templates_now, {}
        self._asides, self._asides_now = self._asides_now, {}

    def set_aside(self, markdown: str) -> tuple[str, list]:
        """``raw_html.set_aside(markdown)``, as the last build found it for the same Markdown."""
        found = self._asides_now[markdown] = self._asides.get(markdown) or set_aside(markdown)
        return found[0], list(found[1])

    def reuse_pages(self, config, nav, pages, later: Callable[[object], list[str]]) -> None:
        """After every page is read, before any is rendered (``on_env``): each page whose template would be given
        what it was given last time, and whose finishing would put in what it put in (``later(page)``: the
        notebooks, the blocks set aside), gets ``REUSED`` for its template."""
        site, homepage = _site(config), nav.homepage.url if nav.homepage else None
        self._keys, self._reused = {}, {}
        for page in pages:
            key = self._keys[page.file.src_uri] = _digest([site, _nav_seen_from(nav, page, homepage), _page_inputs(page),
                                                           page.content or "", *later(page)])
            kept = self._templates.get(key)
            if kept is not None:
                self._reused[page.file.src_uri] = kept
                page.meta["template"] = REUSED

    def reused(self, page) -> FinishedPage | None:
        """The page as the last build finished it, where its template is ``REUSED``."""
        return self._reused.get(page.file.src_uri)

    def finished_page(self, page, parts: list[str], finish: Callable[[], FinishedPage]) -> tuple[FinishedPage, bool]:
        """The page, rendered into ``parts`` (its HTML and what goes into it), finished: as the last build
        finished it where that holds, else by ``finish``; and whether it was the last build's."""
        done = self._reused.get(page.file.src_uri)
        if done is None:
            key = _digest(parts)
            kept = self._pages.get(key)
            done = self._pages_now[key] = kept or finish()
            reused = kept is not None
        else:
            reused = True
        if page.file.src_uri in self._keys:
            self._templates_now[self._keys[page.file.src_uri]] = done
        return done, reused

    def _indexer(self, index, add) -> Callable:
        def add_entry_from_context(page) -> None:
            key = _digest([page.url, str(page.title), page.content or "", _meta_searched(page.meta),
                           json.dumps(_toc(page.toc))])
            entries = self._search.get(key)
            if entries is None:
                before = len(index.entries)
                add(page)
                entries = index.entries[before:]
            else:  # the same entries (Material only serialises them)
                index.entries.extend(entries)
            self._search_now[key] = entries
        return add_entry_from_context


def _site(config) -> str:
    """What every page's template reads of the site: its configuration file, the theme's templates (an installed
    theme's by its folder, the course's own by each file's stat) and what the build put into the configuration."""
    parts = [Path(config.config_file_path).read_text(encoding="utf-8") if config.config_file_path else "",
             str(config.site_url), json.dumps([str(x) for x in config.extra_css + config.extra_javascript])]
    for folder in config.theme.dirs:
        if "site-packages" in Path(folder).parts:
            parts.append(f"{folder} {_stat(Path(folder))}")
            continue
        for path in sorted(Path(folder).rglob("*")):
            parts.append(f"{path} {_stat(path)}")
    return _digest(parts)


def _nav_seen_from(nav, page, homepage: str | None) -> str:
    """The navigation as ``page`` can show it, and more: every top-level entry (its title, where it leads), and
    all of the entry the page is in, with the page's way down marked (what is shown open)."""
    path = {id(item) for item in page.ancestors} | {id(page)}

    def entry(item, expand: bool) -> list:
        row = [type(item).__name__, str(item.title), getattr(item, "url", None), id(item) in path,
               bool(getattr(item, "is_index", False)), _shown_meta(item)]
        children = getattr(item, "children", None) or []
        if children:
            row += [_first_url(item), [entry(child, True) for child in children] if expand else None]
        return row

    return json.dumps([homepage] + [entry(item, id(item) in path) for item in nav.items], default=str)


def _shown_meta(item) -> list:
    meta = getattr(item, "meta", None) or {}
    return [meta.get("icon"), meta.get("subtitle"), meta.get("status"), str(getattr(item, "typeset", None)),
            bool(getattr(item, "encrypted", False))]


def _first_url(item) -> str | None:
    while getattr(item, "children", None):
        item = item.children[0]
    return getattr(item, "url", None)


def _page_inputs(page) -> str:
    neighbours = [[other.url, str(other.title)] if other else None for other in (page.previous_page, page.next_page)]
    return json.dumps([page.url, page.file.src_uri, str(page.title), page.meta, _toc(page.toc), page.canonical_url,
                       page.edit_url, page.is_homepage, neighbours], sort_keys=True, default=str)


def _source(file) -> tuple:
    """What a static file is made from: its source file's path and stat, or the digest of its content."""
    if file.abs_src_path:
        return ("file", file.abs_src_path, _stat(Path(file.abs_src_path)))
    return ("content", hashlib.sha256(file.content_bytes).hexdigest())


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino  # a file moved keeps its inode; one written anew may not


def _copied(dirty: bool = False) -> None:
    """A static file's copy, moved back from the last build: nothing to copy."""


def _meta_searched(meta: dict) -> str:
    """The front matter as the search reads it (not the template, which ``reuse_pages`` may have set)."""
    return json.dumps({key: value for key, value in meta.items() if key != "template"}, sort_keys=True, default=str)


def _toc(items) -> list:
    return [[item.id, item.url, item.title, item.level, _toc(item.children)] for item in items]


def _digest(parts: list[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()
