"""Where each generated page lives, and relative links between pages.

Pages are addressed by their source path (``schedule/attention-heads.md``), as
MkDocs does; links inside raw HTML are not rewritten by MkDocs, so we compute
the final relative URL ourselves (directory URLs: ``schedule/attention-heads/``).
"""

from __future__ import annotations

import posixpath


def page_url(src: str, directory_urls: bool = True) -> str:
    """The site URL of a page or file, relative to the site root."""
    if not src.endswith(".md"):
        return src
    stem = src[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative(from_src: str, to_src: str, anchor: str = "", directory_urls: bool = True) -> str:
    """A link from the page ``from_src`` to the page or file ``to_src``."""
    here = page_url(from_src, directory_urls)
    there = page_url(to_src, directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    if not base or base == "/":
        link = there or "./"
    else:
        link = _relpath(there or ".", base.rstrip("/") or ".")
        if (not there or there.endswith("/")) and not link.endswith("/"):
            link += "/"
        if link == "./" or link == ".":
            link = "./"
    return link + (f"#{anchor}" if anchor else "")


def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for two paths from the site's root, by their parts (a site has many thousand links)."""
    if ".." in path or ".." in start:
        return posixpath.relpath(path, start)
    to = [part for part in path.split("/") if part not in ("", ".")]
    base = [part for part in start.split("/") if part not in ("", ".")]
    common = 0
    while common < min(len(to), len(base)) and to[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + to[common:]) or "."


# The source paths of every page kind, in one place.
HOME = "index.md"
SYLLABUS = "syllabus.md"
SYLLABUS_PDF = "syllabus.pdf"
PROJECT = "project.md"
SCHEDULE = "schedule/index.md"
TALKS = "talks/index.md"
EPISODES = "episodes/index.md"
READINGS = "readings/index.md"
AUTHORS = "authors/index.md"
PRESENTATIONS = "presentations/index.md"
CALENDAR = "calendar.ics"
FEED = "feed.xml"


ASSIGNMENTS = "assignments/index.md"


PAST_TERMS = "past-terms.md"
NOTEBOOK_RUNS = "about/notebook-runs.md"  # how this build ran the notebooks, beside the benchmarks
# The pages a term has of its own; an archived term has them under /<term-id>/, and shares every other page.
TERM_PAGES = (HOME, "schedule/", "assignments/", "presentations/", CALENDAR)


def in_term(term_id: str | None, src: str) -> str:
    """Where the page ``src`` of the archived term ``term_id`` lives (the current term's, for None)."""
    if term_id and any(src == p or (p.endswith("/") and src.startswith(p)) for p in TERM_PAGES):
        return f"{term_id}/{src}"
    return src


def assignment_page(assignment_id: str) -> str:
    return f"assignments/{assignment_id}.md"


def session_page(session_id: str) -> str:
    return f"schedule/{session_id}.md"


def talk_calendar(series_id: str) -> str:
    return f"talks/{series_id}.ics"


def talk_page(series_id: str, talk_id: str) -> str:
    return f"talks/{series_id}/{talk_id}.md"


def episode_page(podcast_id: str, number: int) -> str:
    return f"episodes/{podcast_id}-{number}.md"


def paper_page(key: str) -> str:
    return f"papers/{paper_slug(key)}.md"


def author_page(author_slug: str) -> str:
    return f"authors/{author_slug}.md"


def paper_downloads(key: str) -> str:
    """The stem of a paper's downloads (``.bib``, ``.ris``, ``.json``), next to its page."""
    slug = paper_slug(key)
    return f"papers/{slug}/{slug}"


def cite_anchor(key: str) -> str:
    """The id of a page's first citation of ``key`` (paper pages link back to it)."""
    return "cite-" + paper_slug(key)


def notebook_anchor(name: str) -> str:
    """The id of the section of a session page that shows the notebook ``name``."""
    return "notebook-" + name


def notebook_cite_anchor(name: str, key: str) -> str:
    """The id of the notebook ``name``'s first citation of ``key`` on a page (its ids are its own: see
    ``course.notebooks.publish.prefix_ids``)."""
    return f"nb-{name}-{cite_anchor(key)}"


def paper_slug(key: str) -> str:
    """A stable URL segment for a BibTeX key (keys may contain ':' or '/')."""
    safe = []
    for ch in key.lower():
        safe.append(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-")
    return "".join(safe)


def listed_folders(page_urls) -> frozenset[str]:
    """The addresses of the navigation's pages (``page.url``) and of every folder above them."""
    return frozenset("/".join(parts[:i]) for url in page_urls for parts in [url.rstrip("/").split("/")]
                     for i in range(len(parts) + 1))


def shared_parts_key(url: str, listed: frozenset[str]) -> str | None:
    """For a page outside the navigation (a paper's, an author's), its folder: every page there shows the same
    navigation, tabs and footer, which the theme renders once per folder (``course_shared_key``); None for a
    page the navigation lists, or any of its folders."""
    url = url.rstrip("/")
    return None if url in listed else url.rpartition("/")[0]
