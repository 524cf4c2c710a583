"""What the site shows of an executed notebook: the HTML embedded in its lecture page, the download, the run record.

The HTML is mkdocs-jupyter's (execution off), which inlines about 600 kB of CSS
into every notebook: the CSS that is the same for every notebook moves into one
shared stylesheet (cached by the browser across lecture pages) and the rest of
the converter's HTML stays as is (Pygments highlighting, outputs, images inline
as base64 PNG).  The converter's MathJax 2 (from a CDN) is dropped: the site
typesets ``$...$`` with its own KaTeX.  Everything is written to the cache.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import tempfile
from functools import lru_cache
from pathlib import Path


from course.ground.layout import Layout
from course.notebooks import cells, colab, exercises, slim
from course.notebooks.cache import NotebookCache, write_if_changed
from course.notebooks.catalogue import notebook_description, notebook_title
from course.notebooks.converter import THEME, convert, converter_version, shared_styles, shared_stylesheet, split_styles, strip_mathjax
from course.notebooks.run import NotebookResult
from course.render.env import NotebookRun

log = logging.getLogger("mkdocs.plugins.course.notebooks")

class Publisher:
    """Writes and reads the published forms of the notebooks of one layout, in its cache."""

    def __init__(self, layout: Layout, cache: NotebookCache):
        self.layout = layout
        self.cache = cache
        self.site_dir = layout.notebooks_site_dir
        self._bodies: dict[str, tuple[tuple, Path, str]] = {}  # name -> (its render copy's stat, its HTML's file, the HTML)

    def uri(self, filename: str) -> str:
        """Where a file of the notebooks folder is published, e.g. ``notebooks/lab/gpt.py``."""
        return f"{self.site_dir}/{filename}"

    def write_copies(self, result: NotebookResult) -> None:
        """The notebook as rendered on the page, and the download copy with the Colab setup cell."""
        import nbformat
        if result.nb is None:
            return
        files = result.deps.relative(self.layout.notebooks.resolve()) if result.deps else []
        base_url = colab.files_base_url(self.layout.site_url, self.layout.repo_url, self.layout.colab_branch, self.site_dir)
        if files and not base_url:
            log.warning("notebook %s: set site_url so its download can fetch %s on Colab", result.name, ", ".join(files))
        # The copies are made again only when what makes them changed (nbformat's writing and checking is most
        # of a warm build's notebook stage): the notebook (named by what it is made of, where the run says),
        # its files, the site's address and the code that copies.
        key = content_hash(json.dumps([result.made_of or result.nb, files, base_url, _copying_code()]))
        if self.cache.copies_made_from(result.name, key):
            return
        write_if_changed(self.cache.render_path(result.name), nbformat.writes(result.nb))
        write_if_changed(self.cache.download_path(result.name), nbformat.writes(colab.download_notebook(result.nb, files, base_url)))
        student = self.cache.exercises_path(result.name)
        if exercises.has_solutions(result.nb):
            write_if_changed(student, nbformat.writes(colab.download_notebook(exercises.student_copy(result.nb), files, base_url)))
        else:
            student.unlink(missing_ok=True)
        self.cache.record_copies(result.name, key)

    def record(self, result: NotebookResult) -> NotebookRun:
        """How a notebook's outputs were made, and where it opens, for the Notebooks pages."""
        student = self.cache.exercises_path(result.name).exists() and result.nb is not None
        return NotebookRun(result.name, notebook_title(result), result.status, result.reason, result.seconds,
                           result.peak_mb, result.executed_at, notebook_description(result), exercises.count(result.nb),
                           self.colab(result.name), self.colab(f"{result.name}-exercises") if student else None)

    def colab(self, notebook_file: str) -> str | None:
        return colab.colab_url(self.layout.repo_url, self.layout.colab_branch, notebook_file, self.site_dir)

    def embed(self, name: str, css_href: str, download_href: str, section_level: int | None = None,
              exercises_href: str | None = None) -> str:
        """The notebook's HTML with its toolbar; ``section_level``: see ``nest``; ``exercises_href`` links the
        student copy, when there is one."""
        body = prefix_ids(nest(self.rendered_body(name), section_level), name)
        links = [(self.colab(name), download_href, name)]
        if exercises_href:
            links.append((self.colab(f"{name}-exercises"), exercises_href, f"{name}-exercises"))
        return embed(body, name=name, css_href=css_href, links=links)

    def rendered_body(self, name: str) -> str:
        """The notebook's HTML (cached by its render copy and the converter); read and hashed once while the
        render copy's stat and the converter stay the same (a build asks three times, mkdocs serve every build)."""
        render = self.cache.render_path(name)
        stat = render.stat()
        seen = (stat.st_mtime_ns, stat.st_size, stat.st_ino, converter_version())
        known = self._bodies.get(name)
        if known is None or known[0] != seen:
            known = self._bodies[name] = (seen, *self._rendered_body(name))
        return known[2]

    def _rendered_body(self, name: str) -> tuple[Path, str]:
        source = self.cache.render_path(name).read_text(encoding="utf-8")
        path = self.cache.html_path(name, content_hash(source + converter_version() + THEME))
        if path.exists():
            return path, path.read_text(encoding="utf-8")
        body = self._convert(name, json.loads(source))
        body = exercises.fold_solutions(strip_mathjax(split_styles(body, self.shared_styles())))
        write_if_changed(path, body)
        self.cache.keep_only_html(name, path)
        return path, body

    def _convert(self, name: str, nb: dict) -> str:
        """The converter's HTML of the render copy ``nb``: the last render's with only the new prose rendered,
        where that holds (see ``cells``), else all of it; kept cut into cells for the next one."""
        kept_path, version = self.cache.cells_path(name), f"{converter_version()} {THEME}"

        def render_alone(part: dict) -> str:
            with tempfile.TemporaryDirectory(dir=self.cache.root) as folder:
                path = Path(folder) / f"{name}.ipynb"
                path.write_text(json.dumps(part), encoding="utf-8")
                return convert(path, THEME)

        rendered = cells.splice(cells.load(kept_path), nb, version, render_alone)
        if rendered is None:
            rendered = convert(self.cache.render_path(name), THEME)
        cells.keep(kept_path, cells.cut(rendered, nb, version))
        return rendered

    def shared_styles(self) -> tuple[str, ...]:
        """``shared_styles``, kept in the cache by the converter's version: finding them renders a notebook,
        which a build that renders one edited notebook need not do twice."""
        path = self.cache.stylesheet_path(f"{THEME}-blocks", content_hash(converter_version() + THEME)).with_suffix(".json")
        try:
            return tuple(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            styles = shared_styles(THEME)
            write_if_changed(path, json.dumps(styles))
            return styles

    def stylesheet(self) -> Path:
        path = self.cache.stylesheet_path(THEME, content_hash(converter_version() + THEME))
        if not path.exists():
            write_if_changed(path, shared_stylesheet(THEME))
        return path

    def used_stylesheet(self, names) -> Path:
        """The shared stylesheet cut to the rules the notebooks ``names`` use (a tenth of it or less)."""
        names = sorted(names)
        full = self.stylesheet()
        bodies = [self.rendered_body(name) for name in names]  # the HTML files are named by their content:
        known = self.cache.stylesheet_path(f"{THEME}-used-by", content_hash(  # the same files, the same classes
            full.name + " ".join(self._bodies[name][1].name for name in names))).with_suffix(".txt")
        try:
            path = known.parent / known.read_text(encoding="utf-8")
            if path.is_file():
                return path
        except OSError:
            pass
        classes = self._classes({self._bodies[name][1].name: body for name, body in zip(names, bodies)})
        path = self.cache.stylesheet_path(f"{THEME}-used", content_hash(full.name + " ".join(sorted(classes))))
        if not path.exists():
            write_if_changed(path, slim.used_css(full.read_text(encoding="utf-8"), classes))
        write_if_changed(known, path.name)
        return path


    def _classes(self, bodies: dict[str, str]) -> frozenset[str]:
        """The classes the HTML files ``bodies`` (by file name: named by their content) use, each file's kept in the
        cache: after a prose edit, one notebook's HTML is read for them, not every notebook's."""
        kept = self.cache.stylesheet_path(f"{THEME}-classes", "by-file").with_suffix(".json")
        try:
            known = json.loads(kept.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        found = {name: known[name] if isinstance(known.get(name), list) else sorted(slim.used_classes([body]))
                 for name, body in bodies.items()}
        if found != known:
            write_if_changed(kept, json.dumps(found, sort_keys=True))
        return frozenset(name for names in found.values() for name in names)


@lru_cache(maxsize=1)
def _copying_code() -> str:
    return content_hash("".join(Path(module.__file__).read_text(encoding="utf-8") for module in (colab, exercises)))


def toolbar(links: list[tuple[str | None, str, str]]) -> str:
    """Buttons for each (Colab link, download link, file name): the notebook, then its student copy."""
    buttons = []
    for colab_href, download_href, name in links:
        what = " (exercises)" if name.endswith("-exercises") else ""
        if colab_href:
            buttons.append(f'<a class="md-button" href="{html.escape(colab_href)}" target="_blank" rel="noopener">'
                           f"Open in Colab{what}</a>")
        label = "Exercises .ipynb" if what else "Download .ipynb"
        buttons.append(f'<a class="md-button" href="{html.escape(download_href)}" download="{html.escape(name)}.ipynb">{label}</a>')
    return '<p class="course-notebook-toolbar">' + " ".join(buttons) + "</p>"


def embed(body: str, *, name: str, css_href: str, links: list[tuple[str | None, str, str]]) -> str:
    return (
        f'<link rel="stylesheet" href="{html.escape(css_href)}">\n'
        f'<div class="course-notebook" data-notebook="{html.escape(name)}">\n'
        f"{toolbar(links)}\n{body}\n</div>\n"
    )


_HEADING = re.compile(r"<(/?)h([1-6])\b")
_TITLE = re.compile(r"<h1\b.*?</h1>\s*", re.S)


def nest(body: str, level: int | None) -> str:
    """The notebook as a section of a page, under a heading of ``level`` that names it: its title (the
    first ``<h1>``) goes, so the page does not say it twice, and its ``<h2>`` sections become
    ``<h{level + 1}>``. ``None``: the whole notebook, as it is."""
    if level is None:
        return body
    return demote_headings(_TITLE.sub("", body, count=1), level - 1)


def demote_headings(body: str, offset: int) -> str:
    """``<h1>`` -> ``<h{1+offset}>`` (at most ``<h6>``), so the notebook nests under the page's headings."""
    if offset <= 0:
        return body
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + offset)}", body)


# An id or a link to one, not prefixed yet. Each pattern starts with its literal (the word boundary checked behind
# it): a regex that starts with a literal is searched for fast, and a notebook's HTML is megabytes.
_ID = re.compile(r'id(?<!\wid)="(?!nb-)')
_LINK = re.compile(r'href(?<!\whref)="#(?!nb-)')


def id_prefix(name: str) -> str:
    return f"nb-{name}-"


def prefix_ids(body: str, name: str) -> str:
    """Give the notebook's ids (and links to them) an ``nb-<name>-`` prefix: a notebook headed
    "The logit lens" must not reuse the id of the page's own heading of that name, nor two notebooks on
    one page each other's ("Takeaways", cell ids)."""
    prefix = id_prefix(name).replace("\\", "\\\\")  # a replacement template: a backslash would be an escape
    return _LINK.sub('href="#' + prefix, _ID.sub('id="' + prefix, body))


_SECTION = re.compile(r'<h(?P<level>[1-6]) id="(?P<id>[^"]+)"[^>]*>(?P<title>.*?)</h(?P=level)>', re.S)
_TAG = re.compile(r"<[^>]+>")


def section_headings(html_text: str, level: int) -> list[tuple[str, str]]:
    """(id, plain text) of each ``<h{level}>`` with an id, in order: the notebook's entries in the page's
    table of contents (the permalink sign dropped)."""
    return [(m["id"], html.unescape(_TAG.sub("", m["title"].split('<a class="anchor-link"')[0])).strip())
            for m in _SECTION.finditer(html_text) if int(m["level"]) == level]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
