"""feed.xml: the announcements as an Atom feed (newest first), reproducible."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape, quoteattr

from course.data.load import CourseData
from course.ground import urls
from course.ground.inline_markdown import to_html
from course.ground.layout import Layout
from course.render.env import GeneratedFile, SiteContext


def _stamp(day: dt.date, time: dt.time | None, zone) -> str:
    return dt.datetime.combine(day, time or dt.time(9, 0), zone).isoformat()


NAV_TITLE = None


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.FEED,)


def exists(data: CourseData) -> bool:
    return True


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    return [GeneratedFile(urls.FEED, render(data, ctx.site_url))]


def render(data: CourseData, site_url: str | None = None) -> str:
    course = data.course
    base = site_url.rstrip("/") + "/" if site_url else ""
    zone = data.course_zone
    tag = f"tag:course-site,{course.term.start.year}:{course.code.replace(' ', '-').lower()}"
    items = data.announcements
    updated = _stamp(items[0].date, items[0].time, zone) if items else _stamp(course.term.start, None, zone)
    home = base + urls.page_url(urls.HOME) if base else urls.page_url(urls.HOME) or "./"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(course.code + ': ' + course.title)} announcements</title>",
        f"  <id>{escape(tag)}:announcements</id>",
        f"  <updated>{updated}</updated>",
        f"  <link rel=\"alternate\" href={quoteattr(home)}/>",
    ]
    if base:
        lines.append(f"  <link rel=\"self\" href={quoteattr(base + urls.FEED)}/>")
    authors = ", ".join(p.name for p in course.instructors) or f"{course.code}: {course.title}"
    lines.append(f"  <author><name>{escape(authors)}</name></author>")
    for a in items:
        link = a.url or (home + "#" + a.id)
        lines += [
            "  <entry>",
            f"    <title>{escape(a.title)}</title>",
            f"    <id>{escape(tag)}:announcement:{escape(a.id)}</id>",
            f"    <updated>{_stamp(a.date, a.time, zone)}</updated>",
            f"    <link rel=\"alternate\" href={quoteattr(link)}/>",
            f"    <content type=\"html\">{escape(str(to_html(a.body, lambda path, anchor: base + urls.page_url(path) + (f'#{anchor}' if anchor else ''))))}</content>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
