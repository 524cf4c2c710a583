"""The notebook stage of a build: the one object the MkDocs plugin talks to.

``on_files`` brings every notebook up to date (cache or kernel), takes the raw
``.py`` sources out of the site, and adds the executed ``.ipynb`` downloads, the
shared notebook stylesheet and the execution report.  ``embed_html`` then gives
a lecture page the rendered notebook.  Everything written goes to the cache
directory, never to docs_dir.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import nbformat

from course.ground.errors import CourseDataError, Problem, display_path
from course.ground.layout import Layout
from course.notebooks import colab, render
from course.notebooks.cache import NotebookCache, write_if_changed
from course.notebooks.runner import NotebookResult, run_notebooks
from course.notebooks.source import SourceNotebook, read_notebook
from course.render.env import NotebookRun

log = logging.getLogger("mkdocs.plugins.course.notebooks")

THEME = "light"  # mkdocs-jupyter's light theme; the site's own CSS adapts it to dark mode


class NotebookStage:
    def __init__(self, layout: Layout, *, execute: bool | None = None, timeout: int | None = None, jobs: int | None = None):
        self.layout = layout
        self.root = layout.root
        self.notebooks_dir = layout.notebooks
        self.cache = NotebookCache(layout.cache / "notebooks")
        self.execute = layout.execute_notebooks if execute is None else execute
        self.timeout = timeout or layout.notebook_timeout
        self.jobs = jobs
        self.site_url = layout.site_url
        self.repo_url = layout.repo_url
        self.colab_branch = layout.colab_branch
        self.theme = THEME
        self.site_dir = layout.notebooks_site_dir
        self._results: dict[str, NotebookResult] = {}

    def uri(self, filename: str) -> str:
        """Where a file of the notebooks folder is published, e.g. ``notebooks/report.md``."""
        return f"{self.site_dir}/{filename}"

    # -- notebooks -----------------------------------------------------------------

    def sources(self, names: list[str] | None = None) -> list[SourceNotebook]:
        """Read the notebooks (all, or those named); an unknown name is a ``CourseDataError``."""
        available = {path.stem: path for path in self.layout.notebook_files()}
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

    # -- MkDocs ----------------------------------------------------------------------

    def on_files(self, files, config) -> tuple[NotebookRun, ...]:
        """Execute or load every notebook and swap the raw sources for the published files;
        how each notebook's outputs were made, for the Notebooks page."""
        from mkdocs.structure.files import File

        docs_dir = Path(config.docs_dir).resolve()
        if self.cache.root.resolve().is_relative_to(docs_dir):
            raise CourseDataError([Problem(self.layout.show(self.layout.cache), 0, 0,
                                           "the notebook cache must be outside docs_dir (mkdocs serve would rebuild forever); "
                                           "set the plugin's cache_dir to e.g. .cache/course")])
        notebooks_dir = self.notebooks_dir.resolve()
        self._results = {}
        results = self.run()
        sources = {notebooks_dir / f"{r.name}.py" for r in results}
        generated = {self.uri(f"{r.name}.ipynb") for r in results} | {self.uri("notebook.css")}
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
        return tuple(_run(result) for result in results)

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


def _run(result: NotebookResult) -> NotebookRun:
    return NotebookRun(result.name, notebook_title(result), result.status, result.reason, result.seconds,
                       result.peak_mb, result.executed_at)


def notebook_title(result: NotebookResult) -> str:
    """The notebook's own title (its first ``#`` heading), or its name."""
    for cell in result.nb.cells if result.nb else ():
        if cell.cell_type == "markdown":
            match = re.search(r"(?m)^# +(.+?)\s*$", cell.source)
            if match:
                return match[1]
    return result.name
