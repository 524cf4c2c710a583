"""A course project on disk: where its mkdocs.yml, data and docs are, read the way the plugin reads them.

The command-line tools use this so ``course check`` and ``mkdocs build`` see the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .citations import check_citations
from .data.load import CourseData, Layout, load_course_data
from .errors import Problem


@dataclass(frozen=True)
class Project:
    root: Path
    docs_dir: Path
    options: dict
    site_url: str | None = None  # from mkdocs.yml, when it is an http(s) URL
    repo_url: str | None = None

    @classmethod
    def find(cls, root: Path) -> "Project":
        root = root.resolve()
        config_file = root / "mkdocs.yml"
        config = {}
        if config_file.exists():
            # mkdocs.yml may hold !!python tags (Material's emoji config); read only what we need.
            config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Lenient) or {}
        options = {}
        for plugin in config.get("plugins", []) or []:
            if isinstance(plugin, dict) and "course" in plugin:
                options = plugin["course"] or {}
        return cls(root, root / config.get("docs_dir", "docs"), options, _web_url(config, "site_url"), _web_url(config, "repo_url"))

    @property
    def notebooks_dir(self) -> Path:
        return self.docs_dir / self.options.get("notebooks_dir", "notebooks")

    @property
    def cache_dir(self) -> Path:
        return self.root / self.options.get("cache_dir", ".cache/course")

    @property
    def layout(self) -> Layout:
        return Layout(self.root, self.options.get("data_dir", "readings"), self.options.get("bibliography", "papers.bib"),
                      self.notebooks_dir.relative_to(self.root).as_posix())

    def notebook_names(self) -> list[str]:
        return sorted(p.stem for p in self.notebooks_dir.glob("*.py"))

    def load(self) -> CourseData:
        return load_course_data(self.layout, self.notebook_names())

    def hand_written_pages(self) -> dict[str, str]:
        return {p.relative_to(self.docs_dir).as_posix(): p.read_text(encoding="utf-8")
                for p in sorted(self.docs_dir.rglob("*.md"))}

    def extra_checks(self, data: CourseData) -> list[Problem]:
        """Checks that need the docs, not only the data: citations in hand-written pages."""
        return check_citations(self.hand_written_pages(), data, self.docs_dir.relative_to(self.root).as_posix())


def _web_url(config: dict, key: str) -> str | None:
    value = config.get(key)
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else None


class _Lenient(yaml.SafeLoader):
    pass


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
