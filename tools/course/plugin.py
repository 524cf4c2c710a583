"""The MkDocs plugin ``course``: a thin adapter between MkDocs events and the generator.

Hooks only guard, call pure functions, and return.  Nothing is written into
docs_dir: generated pages are handed to MkDocs with ``File.generated``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from course.data.load import CourseData, load_course_data
from course.ground import urls
from course.ground.citation_syntax import may_cite
from course.ground.compiled_templates import cache_compiled
from course.ground.errors import CourseDataError
from course.ground.layout import Layout
from course.ground.minify import collapse_whitespace
from course.ground.mkdocs_config import written_site_url
from course.ground.old_site import Clearing, clear_in_background
from course.ground.raw_html import anchor_ids, put_back, set_aside, unsearched
from course.maths import KATEX_SCRIPTS, STYLESHEET, MathsTypesetter
from course.maths.page import typeset_page
from course.maths.fonts import cut_fonts, families
from course.notebooks import NotebookStage
from course.notebooks.stage import list_sections
from course.notebooks.publish import section_headings
from course.notebooks.slim import searchable
from course.rebuilds import FinishedPage, Rebuilds
from course.render.citations import render_citations, render_notebook_citations
from course.render.env import SiteContext, environment
from course.render.nav import build_nav
from course.render.registry import generate
from course.shared_markdown import SharedMarkdown
from course.slides.stage import DeckStage
from course.site_assets import shipped_text
from course.theme_css import cut_stylesheets, is_theme_css
from course.watching import poll_often

log = get_plugin_logger(__name__)

_NOTEBOOK_MARKER = re.compile(r"<!-- course:notebook ([a-z0-9_-]+) -->")
_STAND_IN = re.compile(r"<!-- course:nb ([a-z0-9_-]+) -->.*?<!-- /course:nb -->", re.S)

ASSETS = Path(__file__).resolve().parent / "assets"
THEME_OVERRIDES = Path(__file__).resolve().parent / "theme"
ASSET_PREFIX = "assets/course/"
EXTRA_CSS = ["course.css"]
EXTRA_JS = ["course.js"]  # course.js fetches katex/ for maths the build left untypeset, readings.js on the readings page


class CourseConfig(base.Config):
    """The plugin's options in mkdocs.yml; their defaults are ``Layout``'s, shared with the ``course`` command."""

    data_dir = c.Type(str, default=Layout.data_dir)
    bibliography = c.Type(str, default=Layout.bibliography)
    notebooks_dir = c.Type(str, default=Layout.notebooks_dir)  # inside docs_dir
    slides_dir = c.Type(str, default=Layout.slides_dir)  # inside docs_dir
    execute_notebooks = c.Type(bool, default=Layout.execute_notebooks)
    notebook_timeout = c.Type(int, default=Layout.notebook_timeout)
    cache_dir = c.Type(str, default=Layout.cache_dir)
    colab_branch = c.Type(str, default=Layout.colab_branch)
    archive_dir = c.Type(str, default=Layout.archive_dir)


class CoursePlugin(BasePlugin[CourseConfig]):
    _cleans: bool = False  # whether MkDocs deletes the site folder's contents before each build (not --dirty)
    _clearing: Clearing | None = None
    _rebuilds: Rebuilds | None = None  # mkdocs serve's: what one build hands the next
    maths: MathsTypesetter | None = None  # from on_config on

    def on_startup(self, *, command, dirty: bool) -> None:
        # Only a command run from the command line says; a build started some other way cleans as MkDocs does.
        self._cleans = not dirty
        self._rebuilds = Rebuilds() if command == "serve" and not dirty else None

    def on_config(self, config):
        root = Path(config.config_file_path).resolve().parent
        options = self.config
        self.layout = Layout(
            root, docs_dir=os.path.relpath(Path(config.docs_dir).resolve(), root), data_dir=options.data_dir,
            bibliography=options.bibliography, notebooks_dir=options.notebooks_dir, slides_dir=options.slides_dir,
            cache_dir=options.cache_dir,
            execute_notebooks=options.execute_notebooks, notebook_timeout=options.notebook_timeout,
            colab_branch=options.colab_branch, archive_dir=options.archive_dir,
        ).with_urls(_published_url(config), config.repo_url)
        self.data = _load(self.layout)
        for warning in self.data.warnings:  # `--strict` makes them errors
            log.warning(warning.as_warning())
        self.notebooks = NotebookStage(self.layout)
        # the generated pages' converter, with the last build's renders (mkdocs serve keeps the plugin between builds)
        self._markdown = SharedMarkdown(previous=self._markdown.done if hasattr(self, "_markdown") else None)
        self.maths = MathsTypesetter(ASSETS / "katex" / "katex.min.js", self.layout.cache / "maths")
        cache_compiled(environment(), self.layout.cache / "templates")  # the pages' templates, compiled once
        self._embedded: dict[tuple[str, str], str] = {}  # (page url, notebook) -> its HTML, until on_post_page
        self._generated: set[str] = set()  # the pages the generator made (src_uri)
        self._aside: dict[str, list] = {}  # src_uri -> the HTML blocks set aside, until on_page_content or on_post_page
        self._theme_css: list[tuple[Path, Path]] = []  # the theme's stylesheets: their files, their copies in the site
        for path in self.layout.watched():
            if path.exists() and str(path) not in config.watch:
                config.watch.append(str(path))
        if config.nav is None:
            config.nav = build_nav(self.data, list(self.data.pages))  # the pages the data layer has read
        if str(THEME_OVERRIDES) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(THEME_OVERRIDES))
        config.extra_css[:0] = [ASSET_PREFIX + css for css in EXTRA_CSS if ASSET_PREFIX + css not in config.extra_css]
        config.extra_javascript[:0] = [ASSET_PREFIX + js for js in EXTRA_JS if ASSET_PREFIX + js not in config.extra_javascript]
        return config

    def on_serve(self, server, config, builder):
        return poll_often(server)  # a save is seen within a tenth of a second, not half a second

    def on_pre_build(self, config) -> None:
        if self._rebuilds is not None:  # mkdocs serve: the last build's files, set aside until on_env reuses some
            self._rebuilds.start(Path(config.site_dir), config.plugins)
        elif self._cleans:  # what MkDocs would delete next, one file at a time, goes on the other core
            self._clearing = clear_in_background(Path(config.site_dir))

    def on_files(self, files: Files, config) -> Files:
        hand_written = {f.src_uri: self.data.pages[f.src_uri] for f in files.documentation_pages() if f.src_uri in self.data.pages}
        try:
            runs = self.notebooks.on_files(files, config)
            decks = DeckStage(self.data, site_url=self.layout.site_url).on_files(files, config)
        except CourseDataError as error:
            raise PluginError(str(error)) from None
        ctx = SiteContext(site_url=config.site_url or None, hand_written=hand_written, repo_url=config.repo_url or None,
                          notebooks=runs, built_at=dt.datetime.now(dt.timezone.utc), decks=decks)
        generated = generate(self.data, ctx)
        # Hand-written files with a generated page's path were merged into it: drop them.
        # (Files rebuilds its index after every change, so look them up once, not per page.)
        replaced = {f.src for f in generated}
        for existing in [f for f in files if f.src_uri in replaced]:
            files.remove(existing)
        for file in generated:
            files.append(File.generated(config, file.src, content=file.content))
        self._generated = {file.src for file in generated if file.src.endswith(".md")}
        for path in sorted(ASSETS.rglob("*")):
            if path.is_file() and path.name not in ("LICENSE", "VERSION"):
                src, text = ASSET_PREFIX + path.relative_to(ASSETS).as_posix(), shipped_text(path)
                files.append(File.generated(config, src, content=text) if text is not None
                             else File.generated(config, src, abs_src_path=str(path)))
        # The theme's stylesheets, cut in on_post_build from the theme's files (not the site's copies: see theme_css).
        self._theme_css = [(Path(f.abs_src_path), Path(f.abs_dest_path)) for f in files
                           if is_theme_css(f.src_uri) and f.abs_src_path]
        return files

    def on_nav(self, nav, config, files):
        # The addresses of the navigation's pages and of every folder above them: a page elsewhere shows the
        # navigation of every page of its folder (main.html renders it once per folder).
        self._in_nav = urls.listed_folders(page.url for page in nav.pages)
        self._nav = nav
        return nav

    def on_env(self, env, config, files):
        env.globals["course_shared"] = {}  # (part, folder) -> its HTML, for the pages outside the navigation
        cache_compiled(env, self.layout.cache / "templates")  # the theme's, compiled once, not every build
        if self._rebuilds is not None:  # next, MkDocs copies the static files (those as they were come back)
            self._clearing = self._rebuilds.carry(Path(config.site_dir), files)  # and renders the pages:
            self._rebuilds.reuse_pages(config, self._nav, [file.page for file in files.documentation_pages() if file.page],
                                       self._put_in_later)
        return env

    def on_page_context(self, context, page, config, nav):
        context["course_shared_key"] = urls.shared_parts_key(page.url, self._in_nav)
        context["course_title_stand_in"] = _TitleStandIn(page.url)  # the page as its folder's shared header sees it
        if self._rebuilds is not None and (reused := self._rebuilds.reused(page)) is not None:
            context["course_reused"] = reused.html  # mkdocs serve: the page as the last build finished it
        return context

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        if page.file.src_uri in self._generated:  # mostly HTML: Markdown need not read it (citations are not in it)
            markdown, self._aside[page.file.src_uri] = (self._rebuilds.set_aside if self._rebuilds else set_aside)(markdown)
            page.render = functools.partial(self._markdown.render, page)  # one converter for them all
        # A hand-written page: errors point into it (where a page may cite at all: that path takes a while).
        display = self.layout.show(self.layout.docs / page.file.src_uri) if may_cite(markdown) else None
        try:
            return render_citations(markdown, page.file.src_uri, self.data, display=display)
        except CourseDataError as error:
            raise PluginError(f"{len(error.problems)} citation problem(s):\n{error}") from None

    def on_page_content(self, html: str, page, config, files) -> str:
        blocks = self._aside.pop(page.file.src_uri, [])
        if blocks:  # back in the page, but those the search would skip: they go in on_post_page, after it
            later = frozenset(i for i, block in enumerate(blocks) if unsearched(block))
            html = put_back(html, blocks, leave=later)
            page.present_anchor_ids = (page.present_anchor_ids or set()) | anchor_ids(blocks)  # links to them are checked
            if later:
                self._aside[page.file.src_uri] = blocks

        # Lecture pages embed their executed notebook where the template left a marker. The search (which
        # indexes page.content) sees only its headings and prose; on_post_page puts in the whole notebook.
        def stand_in(match: re.Match) -> str:
            name = match[1]
            notebook = render_notebook_citations(self.notebooks.embed_html(name, page.url, section_level=2),
                                                 page.file.src_uri, self.data, name)
            self._embedded[(page.url, name)] = notebook
            list_sections(page.toc, urls.notebook_anchor(name), section_headings(notebook, 3))
            return f"<!-- course:nb {name} -->{searchable(notebook)}<!-- /course:nb -->"

        return _NOTEBOOK_MARKER.sub(stand_in, html)

    def _put_in_later(self, page) -> list[str]:
        """What on_post_page puts into the page: the blocks set aside, the notebooks, the maths (or not)."""
        return [*(block.html for block in self._aside.get(page.file.src_uri, [])), str(self.maths.unavailable),
                *(html for (url, _), html in self._embedded.items() if url == page.url)]

    def on_post_page(self, output: str, page, config) -> str:
        output = put_back(output, self._aside.pop(page.file.src_uri, []))
        notebooks = {name: self._embedded.pop((page.url, name)) for name in _STAND_IN.findall(output)}

        def finish() -> FinishedPage:
            html = typeset_page(self.maths, _STAND_IN.sub(lambda m: notebooks[m[1]], output),
                                get_relative_url(ASSET_PREFIX + STYLESHEET, page.url))
            return FinishedPage(collapse_whitespace(html), tuple(self.maths.page_formulas), tuple(self.maths.errors))

        if self._rebuilds is None:
            done = finish()
        else:  # mkdocs serve: a page as it was is finished as it was
            done, reused = self._rebuilds.finished_page(page, [output, *notebooks.values(), str(self.maths.unavailable)], finish)
            if reused:
                self.maths.reuse(done.formulas)
        for tex, error in done.errors:  # `--strict` makes them errors
            log.warning(f"{page.file.src_uri}: the maths ${tex}$ does not typeset: {error}. Fix the TeX, "
                        "or write a dollar sign that is not maths as \\$")
        return done.html

    def on_build_error(self, error) -> None:
        self._wait_for_clearing()
        if self.maths is not None:  # (None: the course data had errors)
            self.maths.close()

    def _wait_for_clearing(self) -> None:
        if self._clearing is not None:
            self._clearing.wait()
            self._clearing = None

    def on_post_build(self, config) -> None:
        self._wait_for_clearing()
        if self._rebuilds is not None:  # before the cuts below change some of the static files
            self._rebuilds.finish()
        self.maths.close()
        if self.maths.unavailable:
            log.info(f"maths left for the browser's KaTeX to typeset: {self.maths.unavailable}")
        self._cut_assets(Path(config.site_dir))

    def _cut_assets(self, site: Path) -> None:
        """The theme's stylesheets cut to what the pages use; where the build typeset all the maths, KaTeX's
        stylesheet too (no page runs KaTeX's script, whose words would keep every rule) and its fonts."""
        typeset = not self.maths.unavailable
        katex_css = (ASSETS / STYLESHEET, site / ASSET_PREFIX / STYLESHEET)
        sheets = self._theme_css + ([katex_css] if typeset else [])
        unused = tuple(ASSET_PREFIX + f"katex/{name}" for name in KATEX_SCRIPTS) if typeset else ()
        for (_, dest), cut in zip(sheets, cut_stylesheets(sheets, site, self.layout.cache / "css", unused_scripts=unused)):
            log.debug(f"{dest.name}: {cut.before / 1e3:.0f} kB -> {cut.after / 1e3:.0f} kB" + (" (cached)" if cut.cached else ""))
        if typeset:
            used = families(katex_css[1].read_text(encoding="utf-8"))
            cut = cut_fonts(ASSETS / "katex" / "fonts", site / ASSET_PREFIX / "katex" / "fonts", self.maths.shown(), used,
                            self.layout.cache / "fonts")
            log.debug(f"KaTeX's fonts: {cut.fonts} cut, {cut.before / 1e3:.0f} kB -> {cut.after / 1e3:.0f} kB")


class _TitleStandIn:
    """A page's address with a placeholder title: main.html renders a folder's header once for it and puts each
    page's own title in place of the placeholder."""

    title = "@@course-page-title@@"

    def __init__(self, url: str):
        self.url = url
        self.meta = {"title": self.title}


def _published_url(config) -> str | None:
    """The site's published address.  ``mkdocs serve`` sets ``site_url`` to its own before each build; the pages
    it serves link to it, but what leaves the site (the decks' PDFs, the syllabus PDF, a notebook's Colab setup)
    names the published one, as ``make site`` does, so the decks rendered for it stay in the cache."""
    written = written_site_url(Path(config.config_file_path)) if config.config_file_path else None
    return written or config.site_url


def _load(layout: Layout) -> CourseData:
    try:
        return load_course_data(layout)
    except CourseDataError as error:
        # A BuildError subclass: MkDocs prints the message and exits 1, without a traceback.
        raise PluginError(f"the course data has {len(error.problems)} problem(s):\n{error}") from None
