"""The file work of ``course term``: freeze a term into the archive, and move the data files onto a new term.

Every edit is a ruamel.yaml round trip (a file the instructor wrote keeps its comments, quoting and layout;
the default course's files come back byte for byte when nothing changes) and every write is atomic.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
from pathlib import Path

from course.data.load import CourseData, load_course_data
from course.ground.errors import CourseDataError
from course.ground.layout import TERM_ID, Layout
from course.ground.source_files import write_atomic
from course.ground.words import day, term_id
from course.signups.yamledit import round_trip_yaml

# The data files that belong to one term (talk series and podcasts do not: they outlive terms).
TERM_FILES = ("course.yml", "schedule.yml", "assignments.yml", "presentations.yml", "announcements.yml")
_SCHEMA_LINE = re.compile(r"(\$schema=)(schemas/)")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(.*)$")


class TermError(Exception):
    """A term change that cannot be made, and why; nothing was written."""


def _load(text: str):
    return round_trip_yaml().load(text)


def _dump(document) -> str:
    out = io.StringIO()
    round_trip_yaml().dump(document, out)
    return out.getvalue()


def archive_id(data: CourseData, chosen: str | None) -> str:
    term = data.course.term
    folder = chosen or term_id(term.name, term.start)
    if not TERM_ID.match(folder):
        raise TermError(f"{folder!r} cannot name an archived term: use the year, then the season, e.g. 2027-spring")
    return folder


def archive_term(data: CourseData, chosen: str | None = None) -> Path:
    """Write ``archive/<id>/`` from the current term and return it; refuse when it exists."""
    layout = data.layout
    folder = layout.archive / archive_id(data, chosen)
    if folder.exists():
        raise TermError(f"{layout.show(folder)} exists already, and an archive is never overwritten; choose another "
                        "folder with --id, or remove that one first if it is a mistake")
    staging = layout.archive / f".{folder.name}.partial"  # a dot-folder: the site ignores it while it is written
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    schemas = Path(os.path.relpath(layout.data / "schemas", folder)).as_posix() + "/"
    note = (f"# {data.course.term.name}, archived on {dt.date.today().isoformat()} by `course term archive`; the site "
            f"builds it under /{folder.name}/.\n")
    for name in TERM_FILES:
        source = layout.data / name
        if not source.is_file():
            continue
        text = source.read_text(encoding="utf-8")
        if name == "schedule.yml":
            text = _pin_dates(text, data)
        text = _SCHEMA_LINE.sub(lambda m: m[1] + schemas, text, count=1)
        first, _, rest = text.partition("\n")
        text = f"{first}\n{note}{rest}" if first.startswith("# yaml-language-server") else note + text
        (staging / name).write_text(text, encoding="utf-8")
    os.replace(staging, folder)
    return folder


def _pin_dates(text: str, data: CourseData) -> str:
    """The schedule with each session's laid-out date written in, so the archive keeps its dates whatever
    happens to the course's meeting days or to the way sessions are laid out."""
    document = _load(text)
    for session in data.sessions:
        entry = document["sessions"][session.index]
        if "date" in entry:
            entry["date"] = session.date
        else:
            entry.insert(list(entry).index("title") + 1, "date", session.date)
    return _dump(document)


def _parse_day(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise TermError(f"--{what} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-08-24") from None


class _Shift:
    """Moves a date by whole weeks, from one term to the other: the same weekday, in the same week of term."""

    def __init__(self, old_start: dt.date, new_start: dt.date):
        def monday(d: dt.date) -> dt.date:
            return d - dt.timedelta(days=d.weekday())

        self.weeks = (monday(new_start) - monday(old_start)).days // 7
        self.moved: list[str] = []

    def __call__(self, value, what: str):
        if isinstance(value, dt.date):  # ruamel reads a plain 2027-02-26 as a date (dt.datetime is one too)
            moved = value + dt.timedelta(weeks=self.weeks)
            shown = str(value)
        elif isinstance(value, str) and _DATE.match(value):
            head, tail = _DATE.match(value).groups()
            moved = type(value)(str(dt.date.fromisoformat(head) + dt.timedelta(weeks=self.weeks)) + tail)
            shown = value
        else:
            return value  # a session id: the session's new date moves it
        self.moved.append(f"{what}: {shown} -> {moved}")
        return moved


def start_term(data: CourseData, name: str, start: str, end: str, chosen: str | None = None) -> list[str]:
    """Archive the current term (unless it already is), move the data files onto the new term, and return what
    the instructor must still check."""
    layout, old = data.layout, data.course.term
    first, last = _parse_day(start, "start"), _parse_day(end, "end")
    if last <= first:
        raise TermError(f"the new term ends ({last}) before it starts ({first}); swap --start and --end")
    if first <= old.end:
        raise TermError(f"the new term starts ({first}) before the current one, {old.name}, ends ({old.end}); "
                        "a new term comes after the current one")
    folder = layout.archive / archive_id(data, chosen)
    report = []
    if folder.exists() and not _same_term(folder, data):
        raise TermError(f"{layout.show(folder)} exists already and holds another term; an archive is never "
                        "overwritten: name the current term's archive with --id")
    if folder.exists():
        report.append(f"{old.name} is archived already in {layout.show(folder)}/; it is left as it is")
    else:
        archive_term(data, chosen)
        report.append(f"archived {old.name} in {layout.show(folder)}/ (the site builds it under /{folder.name}/)")
    shift = _Shift(old.start, first)
    edits = {"course.yml": lambda doc: _new_course(doc, name, first, last, report),
             "schedule.yml": lambda doc: _new_schedule(doc, shift, report),
             "assignments.yml": lambda doc: _new_assignments(doc, shift),
             "presentations.yml": lambda doc: _new_presentations(doc, shift, report),
             "announcements.yml": lambda doc: _cleared(doc, "announcements", report)}
    texts = {}
    for file, change in edits.items():
        path = layout.data / file
        if path.is_file():
            document = _load(path.read_text(encoding="utf-8"))
            change(document)
            texts[path] = _dump(document)
    for path, text in texts.items():
        write_atomic(path, text)
    if shift.moved:
        report.append(f"moved these dates by {shift.weeks} weeks (same weekday, same week of term); check each:")
        report += [f"  {line}" for line in shift.moved]
    return report + _checklist(layout, folder)


def _same_term(folder: Path, data: CourseData) -> bool:
    archived = _load((folder / "course.yml").read_text(encoding="utf-8")).get("term") or {}
    term = data.course.term
    return str(archived.get("name")) == term.name and str(archived.get("start")) == str(term.start)


def _new_course(document, name: str, first: dt.date, last: dt.date, report: list[str]) -> None:
    term = document["term"]
    term["name"], term["start"], term["end"] = type(term["name"])(name), first, last
    for key, label in (("holidays", "holiday"), ("breaks", "break")):
        gone = term.get(key) or []
        for item in gone:
            when = item.get("date") or f"{item.get('start')} to {item.get('end')}"
            report.append(f"removed the {label} {when} ({item.get('name')}): add {name}'s {key} under term: in course.yml")
        if gone:
            tail = _trailing_comment(gone)
            term[key] = []
            if tail is not None:  # the blank line (or comment) after the list stays after it
                term.ca.items[key] = [None, None, tail, None]
    if "source" in term:
        del term["source"]
        report.append("removed term.source (it described the old dates): say where the new dates come from")


def _trailing_comment(sequence):
    """What follows a block list in the file (a blank line, a comment), which ruamel keeps on its last item."""
    last = sequence[-1]
    if not hasattr(last, "ca") or not len(last):
        return None
    entry = last.ca.items.get(list(last)[-1])
    return entry[2] if entry and len(entry) > 2 else None


def _new_schedule(document, shift: _Shift, report: list[str]) -> None:
    for entry in document.get("sessions") or []:
        if "date" in entry:
            entry["date"] = shift(entry["date"], f"session {entry.get('id')}")
        if entry.get("cancelled"):
            del entry["cancelled"]
            report.append(f"session {entry.get('id')} was cancelled last term; it is on again (add `cancelled: true` "
                          "back if it is still off)")


def _new_assignments(document, shift: _Shift) -> None:
    for entry in document.get("assignments") or []:
        for key in ("released", "due"):
            if key in entry:
                entry[key] = shift(entry[key], f"assignment {entry.get('id')} {key}")


def _new_presentations(document, shift: _Shift, report: list[str]) -> None:
    for slot in document.get("slots") or []:
        if "date" in slot:
            slot["date"] = shift(slot["date"], f"presentation slot {slot.get('id')}")
    _cleared(document, "claims", report)


def _cleared(document, key: str, report: list[str]) -> None:
    if document.get(key):
        report.append(f"cleared {len(document[key])} {key} (last term's are in the archive)")
        document[key] = []


def _checklist(layout: Layout, folder: Path) -> list[str]:
    """The new term as the site will lay it out, and what no command can decide for the instructor."""
    try:
        data = load_course_data(layout, check_notebooks=False)
    except CourseDataError as error:
        return [f"the data does not check out yet; fix these, then run `course check`:\n{error}"]
    term, sessions = data.course.term, data.sessions
    lines = [f"{term.name}: {len(sessions)} sessions from {day(sessions[0].date)} to {day(sessions[-1].date)} "
             f"{sessions[-1].date.year}" if sessions else f"{term.name}: no sessions"]
    if data.presentations:
        for slot in data.presentations.slots.values():
            lines.append(f"presentation slot {slot.id}: {day(slot.start.date())} {slot.start.year}; check it is the "
                         "right class")
    lines.append("still to check by hand: the holidays and breaks, slot sessions, and content/ (shared by every term)")
    lines.append("then run `course check` and `make site`")
    return lines
