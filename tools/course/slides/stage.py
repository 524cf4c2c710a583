"""The deck stage of a build: every deck from the cache or from Marp, and the files MkDocs publishes.

A deck's key is a hash of its source, the images it shows, what it shows of the papers it
cites, its session's title and page, and the versions of Marp and Chromium: a warm build
renders nothing.  The deck's Markdown source is taken out of the site (it is not a page);
``slides/<id>.html``, ``.pdf`` and ``.NNN.png`` are added beside it, from the cache
(``<cache_dir>/slides/<id>/``), never from docs_dir.
"""

from __future__ import annotations

import html as html_text
import re
import time
from pathlib import Path

from markupsafe import escape

from course.data.decks import Deck
from course.data.load import CourseData
from course.ground import urls
from course.ground.errors import CourseDataError, Problem
from course.ground.keyed_files import KeyedStore, key_of, sha_file, sha_text
from course.render.env import DeckRun
from course.slides.marp import MarpError, Tools
from course.slides.source import cited_labels, marp_markdown

ENGINE_VERSION = "2"  # bump when the way a deck is made changes
_SECTIONS = re.compile(r"<section\b[^>]*\bid=\"\d+\"")
_HEADING = re.compile(r"<h([1-3])\b[^>]*>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


class DeckStage:
    def __init__(self, data: CourseData, *, site_url: str | None = None):
        self.data = data
        self.layout = data.layout
        self.site_url = site_url
        self.store = KeyedStore(self.layout.cache / "slides")
        self._tools: Tools | None = None

    def tools(self, display: str) -> Tools:
        if self._tools is None:
            self._tools = Tools.find(self.layout.root)
            if self._tools is None:
                raise CourseDataError([Problem(display, 0, 0, "the deck needs Marp, which is not installed: run `npm ci` "
                                                              "in the project (make site does), or set MARP to its path")])
        return self._tools

    def run(self) -> tuple[DeckRun, ...]:
        """Bring every deck up to date; raises ``CourseDataError`` naming every deck that failed."""
        runs, problems = [], []
        for deck in self.data.decks:
            try:
                runs.append(self._deck(deck))
            except MarpError as error:
                problems.append(error.problem)
        if problems:
            raise CourseDataError(problems)
        return tuple(runs)

    def key_inputs(self, deck: Deck, tools: Tools) -> dict:
        session = next(s for s in self.data.sessions if s.id == deck.session_id)
        return {
            "engine": ENGINE_VERSION,
            "source": sha_text(deck.text),
            "images": {self.layout.show(p): sha_file(p) for p in deck.images},
            "cited": cited_labels(deck, self.data),
            "session": [session.number, session.title, deck.html_src],
            "site_url": self.site_url,
            "tools": tools.versions,
        }

    def _deck(self, deck: Deck) -> DeckRun:
        display = self.layout.show(deck.path)
        tools = self.tools(display)
        inputs = self.key_inputs(deck, tools)
        key = key_of(inputs)
        files = self.store.lookup(deck.session_id, key)
        status, seconds = "cached", None
        if files is None:
            started = time.perf_counter()
            files = self.store.store(deck.session_id, key, inputs, self._render(deck, tools, display))
            status, seconds = "rendered", round(time.perf_counter() - started, 2)
        stem = deck.src[: -len(".md")]
        thumbnails = tuple(f"{stem}.{name}" for name in sorted(files) if name.endswith(".png"))
        titles = slide_titles(files["html"].read_text(encoding="utf-8"))
        return DeckRun(deck.session_id, deck.html_src, deck.pdf_src, thumbnails, status, seconds, titles)

    def _render(self, deck: Deck, tools: Tools, display: str) -> dict[str, bytes]:
        session = next(s for s in self.data.sessions if s.id == deck.session_id)
        title = None if deck.front_matter.get("title") else f"{session.number}. {session.title}"
        html = tools.convert(marp_markdown(deck, self.data, for_browser=False), display, "html", title=title)["html"]
        browser_md = marp_markdown(deck, self.data, for_browser=True, site_url=self.site_url)
        outputs = {"html": _with_back_link(html.decode("utf-8"), deck, session).encode("utf-8")}
        outputs.update(tools.convert(browser_md, display, "pdf", title=title))
        images = tools.convert(browser_md, display, "png", title=title)
        slides = len(_SECTIONS.findall(html.decode("utf-8")))
        if len(images) != slides:
            raise MarpError(Problem(display, 0, 0, f"Marp made {len(images)} thumbnails for {slides} slides; "
                                                   "run the build again, and report it if it persists"))
        outputs.update(images)
        return outputs

    def on_files(self, files, config) -> tuple[DeckRun, ...]:
        """Make every deck and swap the deck sources for the published files."""
        from mkdocs.structure.files import File

        if self.store.root.resolve().is_relative_to(Path(config.docs_dir).resolve()):
            raise CourseDataError([Problem(self.layout.show(self.layout.cache), 0, 0,
                                           "the cache must be outside docs_dir (mkdocs serve would rebuild forever); "
                                           "set the plugin's cache_dir to e.g. .cache/course")])
        sources = {deck.src for deck in self.data.decks} | {p.relative_to(self.layout.docs).as_posix() for p in self.layout.deck_files()}
        for file in [f for f in files if f.src_uri in sources]:
            files.remove(file)
        runs = self.run()
        for run in runs:
            folder = self.store.entry_dir(run.session_id)
            stem = run.html[: -len(".html")]
            for src in (run.html, run.pdf, *run.thumbnails):
                files.append(File.generated(config, src, abs_src_path=str(folder / src[len(stem) + 1:])))
        return runs


def slide_titles(deck_html: str) -> tuple[str, ...]:
    """Each slide's first heading (or "" for a slide without one), in order: the thumbnails' text."""
    starts = [m.start() for m in _SECTIONS.finditer(deck_html)] + [len(deck_html)]
    titles = []
    for start, end in zip(starts, starts[1:]):
        heading = _HEADING.search(deck_html, start, end)
        text = html_text.unescape(_TAG.sub("", heading.group(2))) if heading else ""
        titles.append(" ".join(text.split()))
    return tuple(titles)


def _with_back_link(html: str, deck: Deck, session) -> str:
    """The deck with a link back to its session's page (and to its PDF), above the slides."""
    back = urls.relative(deck.html_src, urls.session_page(session.id))
    pdf = urls.relative(deck.html_src, deck.pdf_src)
    bar = (f'<nav class="course-deck-nav" aria-label="Course" style="position:fixed;top:8px;left:8px;z-index:100;'
           f'display:flex;gap:6px;font:14px/1.5 system-ui,sans-serif">'
           f'<a href="{escape(back)}" style="{_LINK}">&larr; {escape(session.number)}. {escape(session.title)}</a>'
           f'<a href="{escape(pdf)}" style="{_LINK}">PDF</a></nav>')
    return html.replace("<body>", "<body>" + bar, 1) if "<body>" in html else html.replace("</body>", bar + "</body>", 1)


_LINK = ("color:#fff;background:rgba(0,0,0,.6);padding:2px 10px;border-radius:4px;text-decoration:none;"
         "white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:70vw")
