"""The notebook stage of a build: the MkDocs part of the notebook engine, and all of it that MkDocs sees.

``on_files`` brings every notebook up to date (cache or kernel), takes the raw
``.py`` sources out of the site, and adds the executed ``.ipynb`` downloads, the
local files their Colab setup cell fetches, and the shared notebook stylesheet.
``embed_html`` then gives a lecture page the rendered notebook.  Everything
written goes to the cache directory, never to docs_dir.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.structure.toc import AnchorLink

from course.ground.errors import CourseDataError, Problem
from course.ground.layout import Layout
from course.notebooks import slim
from course.notebooks.publish import Publisher
from course.notebooks.run import Notebooks, NotebookResult, raise_failures
from course.render.env import NotebookRun


class NotebookStage:
    def __init__(self, layout: Layout, *, execute: bool | None = None, timeout: int | None = None, jobs: int | None = None):
        self.layout = layout
        self.notebooks = Notebooks(layout, execute=execute, timeout=timeout, jobs=jobs)
        self.publisher = Publisher(layout, self.notebooks.cache)
        self._results: dict[str, NotebookResult] = {}

    def run(self, names: list[str] | None = None, **options) -> list[NotebookResult]:
        """Bring the notebooks up to date and publish them; raises ``CourseDataError`` naming every failure."""
        results = self.notebooks.run(self.notebooks.sources(names), **options)
        for result in results:
            self._results[result.name] = result
            self.publisher.write_copies(result)
        raise_failures(results)
        return results

    def on_files(self, files, config) -> tuple[NotebookRun, ...]:
        """Execute or load every notebook and swap the raw sources for the published files;
        how each notebook's outputs were made, for the Notebooks page."""
        from mkdocs.structure.files import File

        docs_dir = Path(config.docs_dir).resolve()
        if self.notebooks.cache.root.resolve().is_relative_to(docs_dir):
            raise CourseDataError([Problem(self.layout.show(self.layout.cache), 0, 0,
                                           "the notebook cache must be outside docs_dir (mkdocs serve would rebuild forever); "
                                           "set the plugin's cache_dir to e.g. .cache/course")])
        folder = self.layout.notebooks.resolve()
        self._results = {}
        results = self.run()
        if not results:
            return ()  # a course without notebooks gets no notebook files at all
        uri = self.publisher.uri
        sources = {folder / f"{r.name}.py" for r in results}
        generated = {uri(f"{r.name}{s}.ipynb") for r in results for s in ("", "-exercises")} | {uri("notebook.css")}
        for file in list(files):
            path = Path(file.abs_src_path).resolve() if file.abs_src_path else None
            in_notebooks = path is not None and path.is_relative_to(folder)
            if file.src_uri in generated or path in sources or (in_notebooks and "__pycache__" in path.parts):
                files.remove(file)
        published = {file.src_uri for file in files}
        for result in results:
            files.append(File.generated(config, uri(f"{result.name}.ipynb"), abs_src_path=str(self.notebooks.cache.download_path(result.name))))
            student = self.notebooks.cache.exercises_path(result.name)
            if result.nb is not None and student.exists():
                files.append(File.generated(config, uri(f"{result.name}-exercises.ipynb"), abs_src_path=str(student)))
            # the Colab setup cell downloads these from the site: make sure they are published where it looks
            for dependency in (result.deps.local_files + result.deps.data_files) if result.deps else ():
                target = uri(dependency.resolve().relative_to(folder).as_posix())
                if target not in published:
                    files.append(File.generated(config, target, abs_src_path=str(dependency)))
                    published.add(target)
        files.append(File.generated(config, uri("notebook.css"), abs_src_path=str(self.publisher.used_stylesheet(r.name for r in results))))
        for name, path in self._figure_files(results).items():
            files.append(File.generated(config, uri(f"figures/{name}"), abs_src_path=str(path)))
        return tuple(self.publisher.record(result) for result in results)

    def embed_html(self, name: str, page_url: str = "", *, section_level: int | None = None) -> str:
        """The executed notebook rendered by mkdocs-jupyter, with its toolbar, for the page at ``page_url``
        (``page.url``: links are made relative to it).  ``section_level``: the level of the page's heading
        the notebook sits under, which names it (2: its title goes and its ``##`` sections become
        ``<h3>``); None, the whole notebook.  Call after
        ``on_files``; insert the result into the page's HTML (``on_page_content``), not its Markdown."""
        from mkdocs.utils import get_relative_url

        if name not in self._results:
            raise KeyError(f"notebook '{name}' has not been run in this build (available: {', '.join(self._results)})")
        uri = self.publisher.uri
        student = self.notebooks.cache.exercises_path(name).exists()
        html = self.publisher.embed(name, css_href=get_relative_url(uri("notebook.css"), page_url),
                                    download_href=get_relative_url(uri(f"{name}.ipynb"), page_url),
                                    section_level=section_level,
                                    exercises_href=get_relative_url(uri(f"{name}-exercises.ipynb"), page_url) if student else None)
        html = slim.mark_heading_cells(slim.plain_tokens(slim.focusable_code(html)))
        return slim.link_figures(html, lambda figure: get_relative_url(uri(f"figures/{figure}"), page_url))

    def _figure_files(self, results) -> dict[str, Path]:
        """The notebooks' output images as files in the cache (named by their content), to publish."""
        folder = self.notebooks.cache.root / "figures"
        found: dict[str, Path] = {}
        for result in results:
            for name, data in slim.figures(self.publisher.rendered_body(result.name)).items():
                path = found[name] = folder / name
                if not path.exists():  # named by content: written once, whole (another build may read it)
                    folder.mkdir(parents=True, exist_ok=True)
                    partial = folder / f".{name}.{os.getpid()}.tmp"
                    partial.write_bytes(data)
                    os.replace(partial, path)
        return found


def list_sections(toc, anchor: str, sections: list[tuple[str, str]]) -> None:
    """The page's table of contents lists the notebook's own sections under its heading (MkDocs made
    the table from the page's Markdown, before the notebook was put in)."""
    for item in toc:
        if item.id == anchor:
            item.children.extend(AnchorLink(title, id, item.level + 1) for id, title in sections)
            return
        list_sections(item.children, anchor, sections)
