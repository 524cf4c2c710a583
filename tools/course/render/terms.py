"""Past terms: a page that lists them, and each archived term's own pages under /<term-id>/.

An archived term (``course.data.load.Archive``) is rendered by the same page kinds as the current one
(schedule and sessions, assignments, presentations), inside ``pages_of_term``: they write the same
pages, which land under the term's folder and link to the shared pages (papers, readings, notebooks).
Each gets a banner naming its term, and stays out of the search index (the current term's pages are
what a search should find).
"""

from __future__ import annotations

from dataclasses import replace

from markupsafe import Markup, escape

from course.data.load import Archive, CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.render import assignments, presentations, schedule
from course.render.env import GeneratedFile, SiteContext, pages_of_term, render_page

NAV_TITLE = "Past terms"
KINDS = (schedule, assignments, presentations)  # the pages a term has of its own, besides its home


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.PAST_TERMS, *(f"{term}/" for term in layout.archived_terms()))


def exists(data: CourseData) -> bool:
    return bool(data.archives)


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    newest_first = data.archives[::-1]
    result = [render_page("past_terms.md.j2", urls.PAST_TERMS, title="Past terms", course=data.course,
                          archives=newest_first)]
    # A past term's pages show its data only: no notes, notebooks or sign-up buttons (those are today's).
    quiet = replace(ctx, hand_written={}, repo_url=None, notebooks=())
    for archive in newest_first:
        term = _without_notebooks(archive.data)
        with pages_of_term(archive.id):
            files = [render_page("term.md.j2", urls.HOME, title=f"{term.course.code}, {archive.name}",
                                 course=term.course, current=data.course, sessions=term.sessions,
                                 assignments=term.assignments, announcements=term.announcements,
                                 has_presentations=term.presentations is not None)]
            files += [file for kind in KINDS if kind.exists(term) for file in kind.pages(term, quiet)]
        result += [_with_banner(file, archive, data) for file in files]
    return result


def _without_notebooks(data: CourseData) -> CourseData:
    sessions = tuple(replace(s, entry=s.entry.model_copy(update={"notebook": None})) for s in data.sessions)
    return replace(data, sessions=sessions)


def _with_banner(file: GeneratedFile, archive: Archive, data: CourseData) -> GeneratedFile:
    """The page with a banner naming its term and linking to today's, and out of the search index."""
    head, _, body = file.content.partition("\n---\n\n")
    current = urls.relative(file.src, urls.HOME)
    past = urls.relative(file.src, urls.PAST_TERMS)
    banner = Markup(
        '<aside class="cs-term-banner" role="note"><p>This page is from <strong>{term}</strong>, a past term of '
        '{code}. <a href="{current}">Go to the current term ({now})</a> or see <a href="{past}">all past terms</a>.'
        '</p></aside>\n\n').format(term=archive.name, code=data.course.code, current=current, now=data.course.term.name,
                                   past=past)
    return GeneratedFile(file.src, f'{head}\nsearch: {{"exclude": true}}\n---\n\n{banner}{body}')
