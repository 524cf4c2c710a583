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

from course.ground.errors import display_path
from course.ground.mkdocs_config import read_mkdocs_yml

# A percent-format cell marker: "# %%", "# %% [markdown]", "# %% tags=[...]".
NOTEBOOK_CELL_MARKER = re.compile(r"^\s*#\s?%%(\s|$)")
# The plugin's options in mkdocs.yml (the plugin declares the same names, with these defaults).
OPTIONS = ("data_dir", "bibliography", "notebooks_dir", "slides_dir", "execute_notebooks", "notebook_timeout", "cache_dir",
           "colab_branch", "archive_dir")
# An archived term's folder (and its URL segment): year first, so it never meets a page kind's folder.
TERM_ID = re.compile(r"^[0-9]{4}(-[a-z0-9]+)+$")


@dataclass(frozen=True)
class Layout:
    """A project's folders and options; the defaults here are the plugin's defaults."""

    root: Path
    docs_dir: str = "docs"  # MkDocs' own default; mkdocs.yml says "content" for the default course
    data_dir: str = "readings"
    bibliography: str = "papers.bib"
    notebooks_dir: str = "notebooks"  # inside docs_dir
    slides_dir: str = "slides"  # inside docs_dir: <session-id>.md decks in Marp Markdown, and their images
    cache_dir: str = ".cache/course"  # outside docs_dir: `mkdocs serve` must not watch it
    execute_notebooks: bool = True
    notebook_timeout: int = 600  # seconds per cell, unless a notebook sets its own
    colab_branch: str = "gh-pages"  # the branch "Open in Colab" opens the executed notebooks from
    archive_dir: str = "archive"  # past terms, as data: archive/<term-id>/course.yml, schedule.yml, ...
    site_url: str | None = None  # http(s) only
    repo_url: str | None = None

    @classmethod
    def from_mkdocs_yml(cls, root: Path) -> "Layout":
        """The layout ``mkdocs.yml`` in ``root`` describes (the defaults where it has none)."""
        root = Path(root).resolve()
        config_file = root / "mkdocs.yml"
        if not config_file.exists():
            return cls(root)
        types = {name: type(getattr(cls, name)) for name in OPTIONS}
        config = read_mkdocs_yml(config_file, "mkdocs.yml", root, types)
        layout = cls(root, docs_dir=config.get("docs_dir", cls.docs_dir), **config.get("options", {}))
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
    def slides(self) -> Path:
        return self.docs / self.slides_dir

    def deck_files(self) -> list[Path]:
        """The lecture decks: the Markdown files directly in the slides folder."""
        return sorted(p for p in self.slides.glob("*.md") if p.is_file()) if self.slides.is_dir() else []

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

    def assignments_file(self) -> Path:
        return self.data / "assignments.yml"

    def topics_file(self) -> Path:
        return self.data / "topics.yml"

    def presentations_file(self) -> Path:
        return self.data / "presentations.yml"

    @property
    def archive(self) -> Path:
        return self.root / self.archive_dir

    def archived_terms(self) -> list[str]:
        """The folders in the archive that hold a term (a course.yml); a dot-folder is one being written."""
        if not self.archive.is_dir():
            return []
        return sorted(p.name for p in self.archive.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and (p / "course.yml").is_file())

    def term_layout(self, term_id: str) -> "Layout":
        """The layout of an archived term: its data folder is the archive's; papers.bib and docs_dir are shared."""
        return replace(self, data_dir=f"{self.archive_dir}/{term_id}")

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
        """Every Markdown page in docs_dir, by its path there (MkDocs skips names that start with a dot; decks are not pages)."""
        sources, decks = [], set(self.deck_files())
        for path in sorted(self.docs.rglob("*.md")):
            src = path.relative_to(self.docs)
            if not any(part.startswith(".") for part in src.parts) and path.is_file() and path not in decks:
                sources.append(src.as_posix())
        return sources

    def watched(self) -> list[Path]:
        """Everything a live preview should watch besides docs_dir."""
        return [self.data, self.bib_file(), self.archive]

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
