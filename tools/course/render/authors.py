"""The authors index, and a page for each author with more than one paper: their papers in the course,
and where each is used (an author with one paper is found through it: the index links it)."""

from __future__ import annotations

from itertools import groupby

from course.data.load import CourseData
from course.ground import urls
from course.ground.layout import Layout
from course.link.backlinks import backlinks
from course.render.env import GeneratedFile, Rendered, SiteContext, environment, render_page
from course.render.exports import coins
from course.render.papers import author_hrefs, bibtex_pattern, describe, paper_hrefs

NAV_TITLE = None  # reached from the readings page and from every paper page


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.AUTHORS, "authors/")


def exists(data: CourseData) -> bool:
    return bool(data.bibliography and data.bibliography.authors)


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    bib = data.bibliography
    authors = bib.authors
    letters = [(letter, list(group)) for letter, group in groupby(authors.values(), key=lambda a: a.initial)]
    index = render_page("authors_index.md.j2", urls.AUTHORS, title="Authors", letters=letters, bib=bib,
                        href=author_hrefs(bib, urls.AUTHORS), paper_href=paper_hrefs(bib, urls.AUTHORS))
    links = backlinks(data, ctx.hand_written)
    template = environment().get_template("author.md.j2")
    macros = environment().get_template("_paper_macros.md.j2").module
    page = urls.author_page("x")  # links from every author page are alike
    hrefs, bibtex = paper_hrefs(bib, page), bibtex_pattern(page)

    def u(target: str, anchor: str = "") -> str:
        return urls.relative(page, target, anchor)

    def entry(key: str):
        uses = macros.backlinks(links[key], u, describe) if key in links else ""
        return macros.entry(bib[key], hrefs[key], extra=uses + coins(bib[key]))

    entries = Rendered(entry)  # a paper's entry is the same on each of its authors' pages
    return [index] + [render_page(template, urls.author_page(a.slug), title=a.name, author=a, entries=entries,
                                  bibtex=bibtex)
                      for a in authors.values() if a.has_page]
