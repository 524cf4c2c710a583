"""Assemble the whole generated site from the records: pages, calendar, feed.

Independent of MkDocs: given the data, it returns files.  Hand-written pages
in docs_dir whose path matches a generated page are merged into it (session
notes go under "Lecture notes"; other pages get the hand-written text after
the generated part).
"""

from __future__ import annotations

from .data.load import CourseData
from .render import calendar, episodes, feed, home, papers, project, readings, schedule, syllabus, talks, urls
from .render.env import GeneratedFile, SiteContext
from .signups import pages as signups

# Every page kind: a module with ``pages(data, ctx) -> list[GeneratedFile]``.
PAGE_KINDS = [home, syllabus, schedule, talks, episodes, project, readings, papers, signups]


def generate(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    files: list[GeneratedFile] = []
    for kind in PAGE_KINDS:
        files += kind.pages(data, ctx)
    files.append(GeneratedFile(urls.CALENDAR, calendar.render(data, ctx.site_url)))
    files.append(GeneratedFile(urls.FEED, feed.render(data, ctx.site_url)))
    session_pages = {urls.session_page(s.id) for s in data.sessions}  # their notes are placed by the template
    merged = []
    for file in files:
        body = ctx.hand_written_body(file.src)
        if body is not None and file.src not in session_pages and isinstance(file.content, str):
            file = GeneratedFile(file.src, file.content.rstrip() + "\n\n" + body)
        merged.append(file)
    return merged
