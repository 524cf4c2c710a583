"""One Markdown converter for the pages the generator makes, reset between pages.

MkDocs builds a new ``markdown.Markdown`` for every page, loading and configuring every extension again
(pymdownx.highlight deep-copies its whole configuration each time): at 5,000 papers that is a tenth of
the build.  The generated pages (paper, author, session pages ...) are mostly HTML set aside before
Markdown reads them, so they share one converter, reset before each page as Python-Markdown's own
``reset()`` does between documents (the extensions clear their state: footnotes, the table of contents,
stashed blocks).  The rest is ``Page.render`` of MkDocs 1.6, line for line: MkDocs' own processors
(raw HTML ids, anchors, relative links, the title) are made per page, as there.  Hand-written pages keep
MkDocs' own render.  A test builds the site both ways and compares every page.

In ``mkdocs serve`` the plugin outlives each rebuild, and hands each new converter the renders of the last
build: a page whose Markdown, place and site (every file's address) are as they were is not converted again
(a tenth of a rebuild), and what the conversion logged (a broken link's warning) is logged again.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from dataclasses import dataclass

import markdown
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.toc import get_toc


@dataclass(frozen=True)
class _Render:
    content: str
    toc_tokens: list  # the table of contents is made anew from these: the plugin extends it (notebook sections)
    title: str | None
    present_anchor_ids: set
    links_to_anchors: dict | None
    logged: tuple  # the log records the conversion made


class SharedMarkdown:
    """``render(page, config, files)``: what ``page.render(config, files)`` does, with the shared converter.
    ``previous``: the last build's renders (``done``), reused where nothing they depend on changed."""

    def __init__(self, previous: dict | None = None) -> None:
        self._md: markdown.Markdown | None = None
        self._previous = previous or {}
        self.done: dict[tuple, _Render] = {}
        self._site: tuple[object, str] | None = None  # (files, the digest of every file's address)

    def render(self, page, config, files) -> None:
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        key = (self._site_digest(files, config), page.file.src_uri, page.file.dest_uri, page.file.url, page.markdown)
        reused = self.done.get(key) or self._previous.get(key)
        done = self.done[key] = reused or self._convert(page, config, files)
        for record in done.logged if reused else ():  # what its conversion logged, as if converted again
            logging.getLogger(record.name).handle(record)
        page.content = done.content
        page.toc = get_toc(done.toc_tokens)
        page._title_from_render = done.title
        page.present_anchor_ids = set(done.present_anchor_ids)
        if done.links_to_anchors is not None:
            page.links_to_anchors = dict(done.links_to_anchors)

    def _site_digest(self, files, config) -> str:
        """What a page's render depends on beyond its own text: every file's address (its links resolve against
        them) and the Markdown options. Made once per build (one ``files``)."""
        if self._site is None or self._site[0] is not files:
            addresses = "\n".join(f"{f.src_uri}\t{f.dest_uri}\t{f.url}" for f in files)
            options = repr((config["markdown_extensions"], config["mdx_configs"], config["use_directory_urls"],
                            config["validation"]))
            self._site = (files, hashlib.sha256((addresses + "\n\n" + options).encode("utf-8", "surrogatepass")).hexdigest())
        return self._site[1]

    def _convert(self, page, config, files) -> _Render:
        if self._md is None:
            self._md = markdown.Markdown(extensions=config["markdown_extensions"],
                                         extension_configs=config["mdx_configs"] or {})
        md = self._md.reset()

        raw_html_ext = mkdocs_pages._RawHTMLPreprocessor()
        raw_html_ext._register(md)
        extract_anchors_ext = mkdocs_pages._ExtractAnchorsTreeprocessor(page.file, files, config)
        extract_anchors_ext._register(md)
        relative_path_ext = mkdocs_pages._RelativePathTreeprocessor(page.file, files, config)
        relative_path_ext._register(md)
        extract_title_ext = mkdocs_pages._ExtractTitleTreeprocessor()
        extract_title_ext._register(md)

        logged = _Recorder()
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.addHandler(logged)
        try:
            content = md.convert(page.markdown)
        finally:
            mkdocs_log.removeHandler(logged)
        links = relative_path_ext.links_to_anchors if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG else None
        return _Render(content, copy.deepcopy(getattr(md, "toc_tokens", [])), extract_title_ext.title,
                       extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids, links, tuple(logged.records))


class _Recorder(logging.Handler):
    """The records logged (to MkDocs' loggers) while one page is converted, to log again when it is reused."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
