"""Where a course project keeps its files, and every default of the generator, in one place.

The MkDocs plugin and every ``course`` command read the same ``Layout``: the
plugin from its typed config, the commands from ``mkdocs.yml`` (read leniently:
it may hold ``!!python`` tags for Material's extensions).  So ``course notebooks
run`` and ``mkdocs build`` agree on the notebooks folder, the cache and the URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from course.ground.errors import display_path

# A percent-format cell marker: "# %%", "# %% [markdown]", "# %% tags=[...]".
NOTEBOOK_CELL_MARKER = re.compile(r"^\s*#\s?%%(\s|$)")
PLUGIN_NAME = "course"


@dataclass(frozen=True)
class Layout:
    """A project's folders and options; the defaults here are the plugin's defaults."""

    root: Path
    docs_dir: str = "docs"  # MkDocs' own default; mkdocs.yml says "content" for the default course
    data_dir: str = "readings"
    bibliography: str = "papers.bib"
    notebooks_dir: str = "notebooks"  # inside docs_dir
    cache_dir: str = ".cache/course"  # outside docs_dir: `mkdocs serve` must not watch it
    execute_notebooks: bool = True
    notebook_timeout: int = 600  # seconds per cell, unless a notebook sets its own
    colab_branch: str = "gh-pages"  # the branch "Open in Colab" opens the executed notebooks from
    site_url: str | None = None  # http(s) only
    repo_url: str | None = None

    @classmethod
    def from_mkdocs_yml(cls, root: Path) -> "Layout":
        """The layout ``mkdocs.yml`` in ``root`` describes (the defaults where it has none)."""
        root = Path(root).resolve()
        config_file = root / "mkdocs.yml"
        config = {}
        if config_file.exists():
            config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Lenient) or {}
        options: dict = {}
        for plugin in config.get("plugins", []) or []:
            if isinstance(plugin, dict) and PLUGIN_NAME in plugin:
                options = plugin[PLUGIN_NAME] or {}
        known = {name: value for name, value in options.items() if name in cls.__dataclass_fields__ and name != "root"}
        layout = cls(root, docs_dir=str(config.get("docs_dir", cls.docs_dir)), **known)
        return layout.with_urls(config.get("site_url"), config.get("repo_url"))

    def with_urls(self, site_url: object, repo_url: object) -> "Layout":
        return replace(self, site_url=_web_url(site_url), repo_url=_web_url(repo_url))

    # -- folders and files ------------------------------------------------------------

    @property
    def docs(self) -> Path:
        return self.root / self.docs_dir

    @property
    def data(self) -> Path:
        return self.root / self.data_dir

    @property
    def notebooks(self) -> Path:
        return self.docs / self.notebooks_dir

    @property
    def cache(self) -> Path:
        return self.root / self.cache_dir

    @property
    def notebooks_site_dir(self) -> str:
        """Where the site publishes the notebooks: their folder in docs_dir (``notebooks`` if outside it)."""
        docs, notebooks = self.docs.resolve(), self.notebooks.resolve()
        if notebooks.is_relative_to(docs) and notebooks != docs:
            return notebooks.relative_to(docs).as_posix()
        return "notebooks"

    def bib_file(self) -> Path:
        return self.root / self.bibliography

    def course_file(self) -> Path:
        return self.data / "course.yml"

    def schedule_file(self) -> Path:
        return self.data / "schedule.yml"

    def announcements_file(self) -> Path:
        return self.data / "announcements.yml"

    def presentations_file(self) -> Path:
        return self.data / "presentations.yml"

    def talk_files(self) -> list[Path]:
        return sorted((self.data / "talks").glob("*.yml"))

    def podcast_files(self) -> list[Path]:
        return sorted((self.data / "podcasts").glob("*.yml"))

    @property
    def notes_dir(self) -> Path:
        return self.data / "notes"

    def notes_file(self, key: str) -> Path:
        """The instructor's notes on a paper."""
        return self.notes_dir / f"{key}.md"

    def notebook_files(self) -> list[Path]:
        return list_notebooks(self.notebooks)

    def notebook_names(self) -> list[str]:
        return [path.stem for path in self.notebook_files()]

    def page_sources(self) -> list[str]:
        """Every Markdown page in docs_dir, by its path there."""
        return [p.relative_to(self.docs).as_posix() for p in sorted(self.docs.rglob("*.md"))]

    def hand_written_pages(self) -> dict[str, str]:
        """Every Markdown page in docs_dir and its text, by its path there."""
        return {src: (self.docs / src).read_text(encoding="utf-8") for src in self.page_sources()}

    def watched(self) -> list[Path]:
        """Everything a live preview should watch besides docs_dir."""
        return [self.data, self.bib_file()]

    def show(self, path: Path) -> str:
        """A path as messages show it: relative to the project root."""
        return display_path(path, self.root)


def list_notebooks(folder: Path) -> list[Path]:
    """The notebooks directly in ``folder`` (local packages such as ``lab/`` are not notebooks)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.py") if is_notebook_file(p))


def is_notebook_file(path: Path) -> bool:
    """A ``.py`` file is a notebook when it has at least one percent cell marker."""
    if path.suffix != ".py" or not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as handle:
        return any(NOTEBOOK_CELL_MARKER.match(line) for line in handle)


def _web_url(value: object) -> str | None:
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else None


class _Lenient(yaml.SafeLoader):
    """Reads mkdocs.yml's own tags (``!!python/name:...``, ``!ENV``) as nothing: we need plain keys only."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
