"""``syllabus.pdf``: the Syllabus page's data as a printable document, typeset with Typst.

The template (``templates/syllabus.typ``) is fixed; the data reaches it as one JSON string
(``sys.inputs``), so no text of the course is ever read as Typst markup.  Typst embeds its own
fonts (system fonts are ignored) and the document has no date: the same data gives the same
bytes on any machine.  The PDF is kept under ``<cache_dir>/syllabus/``, keyed by that JSON, the
template and Typst's version, so it is typeset again only when its data changes.
"""

from __future__ import annotations

import json
from importlib import metadata

from course.data.load import CourseData
from course.ground import urls
from course.ground.keyed_files import KeyedStore, key_of, sha_text
from course.ground.layout import Layout
from course.ground.words import clock, day
from course.render.env import TEMPLATES, GeneratedFile, SiteContext

NAV_TITLE = None
TEMPLATE = TEMPLATES / "syllabus.typ"


def paths(layout: Layout) -> tuple[str, ...]:
    return (urls.SYLLABUS_PDF,)


def exists(data: CourseData) -> bool:
    return True


def facts(data: CourseData, site_url: str | None = None) -> dict:
    """Everything the PDF shows, as plain strings (the Syllabus page's data, and the dated schedule)."""
    course, bib = data.course, data.bibliography
    meetings = course.meetings
    parts = {part.id: part.title for part in course.outline}

    def reference(key: str) -> str:
        paper = bib[key] if bib is not None and key in bib else None
        if paper is None:
            return key
        ref = paper.citation
        authors = paper.author_list(3) if ref.authors else ""
        return " ".join(x for x in (authors, f"({ref.when}).", ref.title, ref.within + ref.venue) if x.strip())

    return {
        "code": course.code, "title": course.title, "tagline": course.tagline or "",
        "institution": course.institution or "", "term": course.term.name,
        "credits": "" if course.credits is None else str(course.credits),
        "meetings": f"{', '.join(meetings.days)} {clock(meetings.start)}–{clock(meetings.end)}, {meetings.location}",
        "instructors": [" · ".join(x for x in (p.name, p.role or "", p.email or "") if x) for p in course.instructors],
        "description": _paragraphs(course.description),
        "outcomes": [_flat(o) for o in course.outcomes],
        "prerequisites": {"note": _flat(course.prerequisites.note), "courses": list(course.prerequisites.courses),
                          "skills": [{"name": s.name, "description": _flat(s.description)} for s in course.prerequisites.skills]},
        "materials": {"intro": _flat(course.materials.intro),
                      "items": [{"reference": reference(m.key), "comment": _flat(m.comment), "start_here": m.start_here}
                                for m in course.materials.items]},
        "grading": [{"component": g.component, "weight": f"{g.weight}%", "description": _flat(g.description)} for g in course.grading],
        "outline": [{"title": p.title, "topics": list(p.topics)} for p in course.outline],
        "project": _flat(course.final_project.summary) if course.final_project else "",
        "schedule": [{"number": str(s.number), "date": f"{day(s.date)} {s.date.year}", "title": s.title,
                      "part": parts.get(s.entry.part, ""), "cancelled": s.cancelled} for s in data.sessions],
        "site": site_url or "",
    }


def render_pdf(data: CourseData, site_url: str | None = None) -> bytes:
    """The PDF's bytes: from the cache when its data has not changed, else typeset now."""
    import typst

    inputs = json.dumps(facts(data, site_url), ensure_ascii=False, sort_keys=True)
    template = TEMPLATE.read_text(encoding="utf-8")
    key_inputs = {"data": sha_text(inputs), "template": sha_text(template), "typst": metadata.version("typst")}
    key = key_of(key_inputs)
    store = KeyedStore(data.layout.cache / "syllabus")
    found = store.lookup("syllabus", key)
    if found is not None:
        return found["syllabus.pdf"].read_bytes()
    pdf = typst.compile(template.encode("utf-8"), root=str(TEMPLATES), ignore_system_fonts=True,
                        sys_inputs={"data": inputs})
    store.store("syllabus", key, key_inputs, {"syllabus.pdf": pdf})
    return pdf


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    # The published address (the layout's), not the one a preview is served at: a PDF leaves the site.
    return [GeneratedFile(urls.SYLLABUS_PDF, render_pdf(data, data.layout.site_url))]


def _paragraphs(text: str | None) -> list[str]:
    return [_flat(p) for p in (text or "").split("\n\n") if p.strip()]


def _flat(text: str | None) -> str:
    """One paragraph of text on one line (Typst would keep the data's line breaks)."""
    return " ".join((text or "").split())
