"""The MkDocs plugin ``course``: a thin adapter between MkDocs events and the generator.

Hooks only guard, call pure functions, and return.  Nothing is written into
docs_dir: generated pages are handed to MkDocs with ``File.generated``.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from .citations import render_citations
from .data.load import CourseData, Layout, load_course_data
from .errors import CourseDataError
from .notebooks import NotebookStage
from .render import urls
from .render.env import SiteContext
from .render.nav import build_nav
from .site import generate

log = get_plugin_logger(__name__)

_NOTEBOOK_MARKER = re.compile(r"<!-- course:notebook ([a-z0-9_-]+) -->")

ASSETS = Path(__file__).resolve().parent / "assets"
THEME_OVERRIDES = Path(__file__).resolve().parent / "theme"
ASSET_PREFIX = "assets/course/"
EXTRA_CSS = ["katex/katex.min.css", "course.css"]
EXTRA_JS = ["katex/katex.min.js", "katex/auto-render.min.js", "course.js"]


class CourseConfig(base.Config):
    data_dir = c.Type(str, default="readings")
    bibliography = c.Type(str, default="papers.bib")
    notebooks_dir = c.Type(str, default="notebooks")  # inside docs_dir
    execute_notebooks = c.Type(bool, default=True)
    notebook_timeout = c.Type(int, default=600)
    cache_dir = c.Type(str, default=".cache/course")
    colab_branch = c.Type(str, default="gh-pages")


class CoursePlugin(BasePlugin[CourseConfig]):
    def on_config(self, config):
        self.root = Path(config.config_file_path).resolve().parent
        self.docs_dir = Path(config.docs_dir).resolve()
        notebooks = self.docs_dir / self.config.notebooks_dir
        self.layout = Layout(self.root, self.config.data_dir, self.config.bibliography,
                             _relative(notebooks, self.root))
        # The same cache folder `course notebooks run` fills, outside docs_dir.
        self.notebooks = NotebookStage(
            self.root, notebooks, self.root / self.config.cache_dir / "notebooks",
            execute=self.config.execute_notebooks, timeout=self.config.notebook_timeout,
            site_url=config.site_url, repo_url=config.repo_url, colab_branch=self.config.colab_branch,
        )
        self.data = _load(self.layout, self.notebooks.names())
        for path in self.layout.watched():
            if path.exists() and str(path) not in config.watch:
                config.watch.append(str(path))
        self.notebooks.publish_under(self.docs_dir)
        if config.nav is None:
            notebooks_page = self.notebooks.index_uri() if _notebook_sessions(self.data) else None
            config.nav = build_nav(self.data, _hand_written_pages(self.docs_dir, notebooks), _generated_page_sources(self.data), notebooks_page)
        if str(THEME_OVERRIDES) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(THEME_OVERRIDES))
        config.extra_css[:0] = [ASSET_PREFIX + css for css in EXTRA_CSS if ASSET_PREFIX + css not in config.extra_css]
        config.extra_javascript[:0] = [ASSET_PREFIX + js for js in EXTRA_JS if ASSET_PREFIX + js not in config.extra_javascript]
        return config

    def on_files(self, files: Files, config) -> Files:
        hand_written = {f.src_uri: Path(f.abs_src_path).read_text(encoding="utf-8")
                        for f in files.documentation_pages() if f.abs_src_path}
        ctx = SiteContext(site_url=config.site_url or None, hand_written=hand_written, repo_url=config.repo_url or None)
        generated = generate(self.data, ctx)
        # Hand-written files with a generated page's path were merged into it: drop them.
        # (Files rebuilds its index after every change, so look them up once, not per page.)
        replaced = {f.src for f in generated}
        for existing in [f for f in files if f.src_uri in replaced]:
            files.remove(existing)
        for file in generated:
            files.append(File.generated(config, file.src, content=file.content))
        for path in sorted(ASSETS.rglob("*")):
            if path.is_file() and path.name not in ("LICENSE", "VERSION"):
                files.append(File.generated(config, ASSET_PREFIX + path.relative_to(ASSETS).as_posix(), abs_src_path=str(path)))
        try:
            return self.notebooks.on_files(files, config, _notebook_sessions(self.data))
        except CourseDataError as error:
            raise PluginError(str(error)) from None

    def on_page_content(self, html: str, page, config, files) -> str:
        # Lecture pages embed their executed notebook where the template left a marker.
        return _NOTEBOOK_MARKER.sub(lambda m: self.notebooks.embed_html(m[1], page.url, heading_offset=2), html)


    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        path = self.docs_dir / page.file.src_uri  # a hand-written page: errors point into it
        try:
            return render_citations(markdown, page.file.src_uri, self.data,
                                    source=path, display=_relative(path, self.root))
        except CourseDataError as error:
            raise PluginError(f"{len(error.problems)} citation problem(s):\n{error}") from None


def _load(layout: Layout, notebook_names: list[str]) -> CourseData:
    try:
        return load_course_data(layout, notebook_names)
    except CourseDataError as error:
        # A BuildError subclass: MkDocs prints the message and exits 1, without a traceback.
        raise PluginError(f"the course data has {len(error.problems)} problem(s):\n{error}") from None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _hand_written_pages(docs_dir: Path, notebooks_dir: Path) -> list[str]:
    """Hand-written pages that no generated page absorbs, for the navigation.  Pages in the notebooks
    folder (a sub-folder of docs_dir) are left out too: the notebook stage publishes that folder itself."""
    notebooks_dir = notebooks_dir.resolve()
    pages = []
    for path in sorted(docs_dir.rglob("*.md")):
        src = path.relative_to(docs_dir).as_posix()
        in_notebooks = notebooks_dir != docs_dir and path.is_relative_to(notebooks_dir)
        if not (urls.is_generated(src) or in_notebooks):
            pages.append(src)
    return pages


def _notebook_sessions(data: CourseData) -> dict[str, tuple[str, str]]:
    """Each notebook a session shows: the session's label and page, for the notebooks page."""
    return {s.entry.notebook: (f"{s.number}. {s.title}", urls.session_page(s.id)) for s in data.sessions if s.entry.notebook}


def _generated_page_sources(data: CourseData) -> set[str]:
    has = {urls.HOME, urls.SYLLABUS, urls.SCHEDULE}
    if data.talk_series:
        has.add(urls.TALKS)
    if data.podcasts:
        has.add(urls.EPISODES)
    if data.course.final_project:
        has.add(urls.PROJECT)
    if data.bibliography is not None:
        has.add(urls.READINGS)
    if data.extras.get("presentations"):
        has.add(urls.PRESENTATIONS)
    return has
