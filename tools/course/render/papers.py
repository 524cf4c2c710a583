"""One page per paper with its backlinks (a first version; the knowledge base extends it)."""

from __future__ import annotations

from ..data.load import CourseData
from ..graph import backlinks
from . import urls
from .env import GeneratedFile, SiteContext, render_page


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    return paper_pages(data, ctx) + readings_index(data, ctx)


def paper_pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    bib = data.bibliography
    if bib is None:
        return []
    links = backlinks(data)
    return [
        render_page("paper.md.j2", urls.paper_page(key), title=paper.title or key, p=paper, links=links.get(key, []), bib=bib)
        for key, paper in bib.papers.items()
    ]


def readings_index(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    if data.bibliography is None:
        return []
    return [render_page("readings.md.j2", urls.READINGS, title="Readings", keys=data.bibliography.keys(), bib=data.bibliography)]
