"""The notebook stage of a build: the one object the MkDocs plugin talks to.

``on_files`` brings every notebook up to date (cache or kernel), takes the raw
``.py`` sources out of the site, and adds the executed ``.ipynb`` downloads, the
shared notebook stylesheet and the execution report.  ``embed_html`` then gives
a lecture page the rendered notebook.  Everything written goes to the cache
directory, never to docs_dir.
"""

from __future__ import annotations

import logging
from pathlib import Path

import nbformat

from course.errors import CourseDataError, Problem, display_path
from course.notebooks import colab, render
from course.notebooks.cache import NotebookCache, write_if_changed
from course.notebooks.report import report_markdown
from course.notebooks.runner import NotebookResult, run_notebooks
from course.notebooks.source import SourceNotebook, list_notebooks, read_notebook

log = logging.getLogger("mkdocs.plugins.course.notebooks")

SITE_DIR = "notebooks"  # where the site publishes the notebooks when they live outside docs_dir


class NotebookStage:
    def __init__(
        self,
        project_root: Path,
        notebooks_dir: Path,
        cache_dir: Path,
        *,
        execute: bool = True,
        timeout: int = 600,
        jobs: int | None = None,
        site_url: str | None = None,
        repo_url: str | None = None,
        colab_branch: str = "gh-pages",
        theme: str = "light",
    ):
        self.root = Path(project_root)
        self.notebooks_dir = Path(notebooks_dir)
        self.cache = NotebookCache(Path(cache_dir))
        self.execute = execute
        self.timeout = timeout
        self.jobs = jobs
        self.site_url = site_url
        self.repo_url = repo_url
        self.colab_branch = colab_branch
        self.theme = theme
        self.site_dir = SITE_DIR  # notebooks_dir's place in the site, set from docs_dir by on_files
        self._results: dict[str, NotebookResult] = {}

    def uri(self, filename: str) -> str:
        """Where a file of the notebooks folder is published, e.g. ``notebooks/report.md``."""
        return f"{self.site_dir}/{filename}"

    # -- notebooks -----------------------------------------------------------------

    def names(self) -> list[str]:
        """The available notebooks (for validating a session's ``notebook:`` field)."""
        return [path.stem for path in list_notebooks(self.notebooks_dir)]

    def sources(self, names: list[str] | None = None) -> list[SourceNotebook]:
        """Read the notebooks (all, or those named); an unknown name is a ``CourseDataError``."""
        available = {path.stem: path for path in list_notebooks(self.notebooks_dir)}
        unknown = [name for name in names or [] if name not in available]
        if unknown:
            where = display_path(self.notebooks_dir, self.root)
            listed = ", ".join(sorted(available)) or "none"
            raise CourseDataError(
                [Problem(where, 0, 0, f"no notebook named '{name}' in {where}; available: {listed}") for name in unknown]
            )
        selected = list(dict.fromkeys(names)) if names else sorted(available)
        problems, sources = [], []
        for name in selected:
            try:
                sources.append(read_notebook(available[name], self.root))
            except CourseDataError as error:
                problems.extend(error.problems)
        if problems:
            raise CourseDataError(problems)
        return sources

    def run(self, names: list[str] | None = None, *, force: bool = False, on_result=None) -> list[NotebookResult]:
        """Bring the notebooks up to date; raises ``CourseDataError`` naming every failure."""
        results = run_notebooks(
            self.sources(names),
            cache=self.cache,
            base_dir=self.notebooks_dir,
            timeout=self.timeout,
            jobs=self.jobs,
            force=force,
            execute=self.execute,
            on_result=on_result,
        )
        for result in results:
            self._results[result.name] = result
            self._write_copies(result)
        return results

    def results(self) -> list[NotebookResult]:
        return list(self._results.values())

    # -- MkDocs ----------------------------------------------------------------------

    def publish_under(self, docs_dir: Path) -> None:
        """Publish the notebooks where they sit in docs_dir (``notebooks/`` if they are outside it)."""
        docs_dir, notebooks_dir = Path(docs_dir).resolve(), self.notebooks_dir.resolve()
        if notebooks_dir.is_relative_to(docs_dir) and notebooks_dir != docs_dir:
            self.site_dir = notebooks_dir.relative_to(docs_dir).as_posix()

    def index_uri(self) -> str:
        """The notebooks page: every notebook, its session and the execution report."""
        return self.uri("index.md")

    def on_files(self, files, config, sessions: dict[str, tuple[str, str]] | None = None):
        """Execute or load every notebook and swap the raw sources for the published files.
        ``sessions`` maps a notebook to the (label, page source path) of the session showing it."""
        from mkdocs.structure.files import File
        from mkdocs.utils import get_relative_url

        docs_dir = Path(config.docs_dir).resolve()
        if self.cache.root.resolve().is_relative_to(docs_dir):
            raise CourseDataError([Problem(display_path(self.cache.root, self.root), 0, 0,
                                           "the notebook cache must be outside docs_dir (mkdocs serve would rebuild forever); "
                                           "set the plugin's cache_dir to e.g. .cache/course")])
        notebooks_dir = self.notebooks_dir.resolve()
        self.publish_under(docs_dir)
        self._results = {}
        results = self.run()
        sources = {notebooks_dir / f"{r.name}.py" for r in results}
        generated = {self.uri(f"{r.name}.ipynb") for r in results} | {self.index_uri(), self.uri("notebook.css")}
        for file in list(files):
            path = Path(file.abs_src_path).resolve() if file.abs_src_path else None
            in_notebooks = path is not None and path.is_relative_to(notebooks_dir)
            if file.src_uri in generated or path in sources or (in_notebooks and "__pycache__" in path.parts):
                files.remove(file)
        published = {file.src_uri for file in files}
        for result in results:
            files.append(File.generated(config, self.uri(f"{result.name}.ipynb"), abs_src_path=str(self._download_path(result.name))))
            # the Colab setup cell downloads these from the site: make sure they are published where it looks
            for dependency in (result.deps.local_files + result.deps.data_files) if result.deps else ():
                uri = self.uri(dependency.resolve().relative_to(notebooks_dir).as_posix())
                if uri not in published:
                    files.append(File.generated(config, uri, abs_src_path=str(dependency)))
                    published.add(uri)
        files.append(File.generated(config, self.uri("notebook.css"), abs_src_path=str(self._stylesheet())))
        links = {name: (label, get_relative_url(src, self.index_uri())) for name, (label, src) in (sessions or {}).items()}
        files.append(File.generated(config, self.index_uri(), content=report_markdown(results, sessions=links)))
        return files

    def embed_html(self, name: str, page_url: str = "", *, heading_offset: int = 0) -> str:
        """The executed notebook rendered by mkdocs-jupyter, with its toolbar, for the page at ``page_url``
        (``page.url``: links are made relative to it).  ``heading_offset`` demotes the notebook's headings
        (2 turns its ``#`` title into an ``<h3>`` under the page's ``## Notebook``).  Call after
        ``on_files``; insert the result into the page's HTML (``on_page_content``), not its Markdown."""
        from mkdocs.utils import get_relative_url

        if name not in self._results:
            raise KeyError(f"notebook '{name}' has not been run in this build (available: {', '.join(self._results)})")
        return render.embed(
            render.prefix_ids(render.demote_headings(self._rendered_body(name), heading_offset)),
            name=name,
            css_href=get_relative_url(self.uri("notebook.css"), page_url),
            colab_href=colab.colab_url(self.repo_url, self.colab_branch, name, self.site_dir),
            download_href=get_relative_url(self.uri(f"{name}.ipynb"), page_url),
        )

    def report_markdown(self) -> str:
        return report_markdown(self.results())

    # -- files in the cache ------------------------------------------------------------

    def _render_path(self, name: str) -> Path:
        return self.cache.root / "render" / f"{name}.ipynb"

    def _download_path(self, name: str) -> Path:
        return self.cache.root / "download" / f"{name}.ipynb"

    def _write_copies(self, result: NotebookResult) -> None:
        """The notebook as rendered on the page, and the download copy with the Colab setup cell."""
        if result.nb is None:
            return
        write_if_changed(self._render_path(result.name), nbformat.writes(result.nb))
        files = result.deps.relative(self.notebooks_dir.resolve()) if result.deps else []
        base_url = colab.files_base_url(self.site_url, self.repo_url, self.colab_branch, self.site_dir)
        if files and not base_url:
            log.warning("notebook %s: set site_url so its download can fetch %s on Colab", result.name, ", ".join(files))
        download = colab.download_notebook(result.nb, files, base_url)
        write_if_changed(self._download_path(result.name), nbformat.writes(download))

    def _rendered_body(self, name: str) -> str:
        source = self._render_path(name).read_text(encoding="utf-8")
        digest = render.content_hash(source + render.converter_version() + self.theme)
        path = self.cache.root / "html" / f"{name}-{digest}.html"
        if path.exists():
            return path.read_text(encoding="utf-8")
        body = render.convert(self._render_path(name), self.theme)
        body = render.strip_mathjax(render.split_styles(body, render.shared_styles(self.theme)))
        write_if_changed(path, body)
        for old in path.parent.glob(f"{name}-*.html"):
            if old != path and old.name[len(name) + 1 : -5].isalnum() and len(old.name) == len(path.name):
                old.unlink(missing_ok=True)
        return body

    def _stylesheet(self) -> Path:
        digest = render.content_hash(render.converter_version() + self.theme)
        path = self.cache.root / "html" / f"notebook-{self.theme}-{digest}.css"
        if not path.exists():
            write_if_changed(path, render.shared_stylesheet(self.theme))
        return path
