"""The readings page (every paper, grouped by topic, "start here" first) and its BibTeX downloads."""

from __future__ import annotations

from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.render.env import GeneratedFile, SiteContext, environment, render_page
from course.render.papers import paper_hrefs

ALL_BIB = "readings/papers.bib"
OTHER = "Other"  # the group of papers without keywords


NAV_TITLE = "Readings"


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.READINGS, "readings/")


def exists(data: CourseData) -> bool:
    return bool(data.bibliography and data.bibliography.papers)


def topic_bib(slug: str) -> str:
    return f"readings/topics/{slug}.bib"


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    bib = data.bibliography
    topics = bib.topics
    materials = data.course.materials
    start = [(bib[item.key], item.comment or "", "Start here" if item.start_here else "")
             for item in materials.items if item.key in bib]
    untagged = sorted((k for k, p in bib.papers.items() if not p.keywords), key=bib.newest_first)
    hrefs = paper_hrefs(bib, urls.READINGS)
    entry = environment().get_template("_paper_macros.md.j2").module.entry
    entries = {key: entry(paper, hrefs[key]) for key, paper in bib.papers.items()}  # once, though listed per topic
    page = render_page(
        "readings.md.j2", urls.READINGS, title="Readings",
        bib=bib, topics=topics, start=start, untagged=untagged, other=OTHER, entries=entries, hrefs=hrefs,
        intro="The syllabus recommends these first, in this order." if start else "",
        all_bib=ALL_BIB, topic_bib={t.slug: topic_bib(t.slug) for t in topics},

    )
    downloads = [GeneratedFile(ALL_BIB, bib.export(bib.keys()))]
    downloads += [GeneratedFile(topic_bib(t.slug), bib.export(t.keys)) for t in topics]
    return [page] + downloads
