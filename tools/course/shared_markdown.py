"""One Markdown converter for the pages the generator makes, reset between pages.

MkDocs builds a new ``markdown.Markdown`` for every page, loading and configuring every extension again
(pymdownx.highlight deep-copies its whole configuration each time): at 5,000 papers that is a tenth of
the build.  The generated pages (paper, author, session pages ...) are mostly HTML set aside before
Markdown reads them, so they share one converter, reset before each page as Python-Markdown's own
``reset()`` does between documents (the extensions clear their state: footnotes, the table of contents,
stashed blocks).  The rest is ``Page.render`` of MkDocs 1.6, line for line: MkDocs' own processors
(raw HTML ids, anchors, relative links, the title) are made per page, as there.  Hand-written pages keep
MkDocs' own render.  A test builds the site both ways and compares every page.
"""

from __future__ import annotations

import logging

import markdown
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.toc import get_toc


class SharedMarkdown:
    """``render(page, config, files)``: what ``page.render(config, files)`` does, with the shared converter."""

    def __init__(self) -> None:
        self._md: markdown.Markdown | None = None

    def render(self, page, config, files) -> None:
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
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

        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = extract_title_ext.title
        page.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
        if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative_path_ext.links_to_anchors
