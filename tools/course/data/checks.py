"""Rules that span records: references between files, uniqueness, dates in the term.

Each check adds ``path:line:col`` problems; they run on whatever validated, so
that one mistake does not hide another.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from course.data.assignments import DUE_TIME, Assignment, moment
from course.data.bibliography import Bibliography
from course.data.course import Course
from course.data.schedule import ScheduleFile, Session, lay_out
from course.data.talks import Series, unsourced
from course.ground.errors import Problem
from course.ground.layout import Layout
from course.ground.words import did_you_mean
from course.ground.yaml_source import YamlDocument


def valid_items(document: YamlDocument | None, key: str, model) -> list[tuple[int, object]]:
    """When a file has errors, the items of its list ``key`` that are valid on their own.

    Cross-record checks (paper keys, parts) still run on those, so one mistake
    does not hide another.
    """
    if document is None or not isinstance(document.data, dict) or not isinstance(document.data.get(key), list):
        return []
    items = []
    for i, raw in enumerate(document.data[key]):
        try:
            items.append((i, model.model_validate(raw)))
        except ValidationError as error:
            # Without its invalid optional fields (already reported), the rest of the item is still checked.
            bad = {item["loc"][0] for item in error.errors() if item["loc"]}
            if isinstance(raw, dict):
                try:
                    items.append((i, model.model_validate({k: v for k, v in raw.items() if k not in bad})))
                except ValidationError:
                    continue
    return items


class Checks:
    """Rules that span records: references, uniqueness, dates."""

    def __init__(self, problems: list[Problem], bibliography: Bibliography | None):
        self.problems = problems
        self.warnings: list[Problem] = []  # what the site leaves out, and why (the build still succeeds)
        self.first_citation: tuple[str, str] | None = None  # a paper key used while there is no bibliography
        self.bibliography = bibliography

    def paper(self, key: str, document: YamlDocument, loc: tuple) -> None:
        if self.bibliography is None:
            self.first_citation = self.first_citation or (key, document.problem(loc, "").where)
            return
        if key in self.bibliography:
            return
        hint = did_you_mean(key, self.bibliography.keys(), 0.7)
        self.problems.append(document.problem(loc, f"unknown paper key {key!r}: {hint}add it to {self.bibliography.display} or fix the key"))

    def papers(self, keys, document: YamlDocument, loc: tuple) -> None:
        for i, key in enumerate(keys):
            self.paper(key, document, loc + (i,))

    def notebooks(self, names, document: YamlDocument, loc: tuple, layout: Layout, known: list[str] | None) -> None:
        """Each name is a notebook in the notebooks folder (``known``; None where the folder is not read)."""
        for i, name in enumerate(names):
            if known is not None and name not in known:
                self.problems.append(document.problem(loc + (i,), (
                    f"no notebook {name!r} in {layout.show(layout.notebooks)}/: {did_you_mean(name, known)}"
                    f"add {name}.py there or fix the name")))

    def unique(self, items: list[tuple[str, tuple]], document: YamlDocument, what: str) -> None:
        first: dict[str, tuple] = {}
        for value, loc in items:
            if value in first:
                line = document.positions.of_value(first[value])[0]
                self.problems.append(document.problem(loc, f"{what} id {value!r} is already used on line {line}; ids must be unique"))
            else:
                first[value] = loc

    def unique_across(self, items: list[tuple[str, YamlDocument, tuple]], what: str) -> None:
        first: dict[str, YamlDocument] = {}
        for value, document, loc in items:
            if value in first:
                self.problems.append(document.problem(loc, f"{what} id {value!r} is already used in {first[value].display}"))
            else:
                first[value] = document

    def course(self, course: Course, document: YamlDocument) -> None:
        self.unique([(p.id, ("outline", i, "id")) for i, p in enumerate(course.outline)], document, "part")
        for i, item in enumerate(course.materials.items):
            self.paper(item.key, document, ("materials", "items", i, "key"))
        if course.final_project:
            for i, idea in enumerate(course.final_project.ideas):
                self.papers(idea.readings, document, ("final_project", "ideas", i, "readings"))
        term = course.term
        for i, holiday in enumerate(term.holidays):
            if not term.start <= holiday.date <= term.end:
                self.problems.append(document.problem(("term", "holidays", i, "date"), f"holiday {holiday.date} is outside the term ({term.start} to {term.end})"))

    def session_references(self, course: Course | None, entries: list, document: YamlDocument, layout: Layout,
                           notebook_names: list[str] | None) -> None:
        """Checks of each session on its own: its part, papers and notebook exist."""
        self.unique([(s.id, ("sessions", i, "id")) for i, s in entries], document, "session")
        parts = [part.id for part in course.outline] if course else None
        for i, entry in entries:
            loc = ("sessions", i)
            if parts is not None and entry.part is not None and entry.part not in parts:
                known = f"parts are the outline ids in course.yml: {', '.join(parts)}" if parts else \
                    "course.yml has no outline: add one, or remove 'part'"
                self.problems.append(document.problem(loc + ("part",), f"unknown part {entry.part!r}: {did_you_mean(entry.part, parts)}{known}"))
            self.papers(entry.readings, document, loc + ("readings",))
            self.papers(entry.further_reading, document, loc + ("further_reading",))
            self.notebooks(entry.notebooks, document, loc + ("notebooks",), layout, notebook_names)

    def schedule(self, course: Course, schedule: ScheduleFile, document: YamlDocument) -> list[Session]:
        """The sessions' dates: checks that need the whole, valid schedule."""
        entries = schedule.sessions
        sessions, slips = lay_out(course, entries)
        for slip in slips:
            self.problems.append(document.problem(("sessions", slip.index, slip.field), slip.message))
        return sessions

    def assignments(self, course: Course, sessions: list[Session], entries: list, document: YamlDocument,
                    layout: Layout, notebook_names: list[str] | None, session_ids: list[str]) -> list[Assignment]:
        """Each assignment's dates (released before due, due inside the term) and what it refers to.
        ``session_ids``: every session of schedule.yml, dated or not (one that could not be dated is the
        schedule's problem, already reported)."""
        self.unique([(a.id, ("assignments", i, "id")) for i, a in entries], document, "assignment")
        by_id, zone, term = {s.id: s for s in sessions}, ZoneInfo(course.term.timezone), course.term
        found = []
        for i, entry in entries:
            loc = ("assignments", i)
            self.papers(entry.readings, document, loc + ("readings",))
            self.notebooks(entry.notebooks, document, loc + ("notebooks",), layout, notebook_names)
            times = {}
            for key, default in (("released", dt.time(0, 0)), ("due", DUE_TIME)):
                value = getattr(entry, key)
                if value is None:
                    continue
                got = moment(value, by_id, zone, default_time=default)
                if got == "no session" and value in session_ids:
                    break  # a session whose date has a problem of its own
                if isinstance(got, str):
                    reason = f"no session with id {value!r}{did_you_mean(value, by_id, template='; did you mean {!r}?')}" \
                        if got == "no session" else got
                    self.problems.append(document.problem(loc + (key,), reason))
                else:
                    times[key] = got
            if "due" not in times or (entry.released is not None and "released" not in times):
                continue
            (due, due_session), (released, released_session) = times["due"], times.get("released", (None, None))
            if released is not None and due <= released:
                self.problems.append(document.problem(loc + ("due",), (
                    f"{entry.id!r} is due ({due:%Y-%m-%d %H:%M}) before or when it is released ({released:%Y-%m-%d %H:%M}); "
                    "check 'released' and 'due'")))
            elif not term.start <= due.date() <= term.end:
                self.problems.append(document.problem(loc + ("due",), (
                    f"{entry.id!r} is due on {due.date()}, outside the term ({term.start} to {term.end}); "
                    "pick a date inside it")))
            else:
                found.append(Assignment(entry, released, due, released_session, due_session))
        return sorted(found, key=lambda a: (a.due, a.id))

    def talks(self, series: Series | None, talks: list, document: YamlDocument) -> None:
        self.unique([(t.id, ("talks", i, "id")) for i, t in talks], document, "talk")
        for i, talk in talks:
            self.papers(talk.recommended, document, ("talks", i, "recommended"))
            self.papers(talk.related, document, ("talks", i, "related"))
        if series is None:
            return
        if unsourced(series):
            self.warn(document, ("series",), unsourced(series), "the series")
        for i, talk in talks:
            if unsourced(series, talk):
                self.warn(document, ("talks", i), unsourced(series, talk), "the talk")

    def warn(self, document: YamlDocument, loc: tuple, names: list[str], whose: str) -> None:
        quoted = [f"'{name}'" for name in names]
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
        self.warnings.append(document.problem(loc + (names[0],), (
            f"{listed} of {whose} {'has' if len(names) == 1 else 'have'} no source, so the site leaves "
            f"{'it' if len(names) == 1 else 'them'} out (its talks are all-day events in the calendar): add 'source:' "
            "with the address of the page that gives them, or remove them"), at_key=True))

    def podcast(self, episodes: list, document: YamlDocument) -> None:
        self.unique([(str(e.number), ("episodes", i, "number")) for i, e in episodes], document, "episode number")
        for i, episode in episodes:
            self.papers(episode.papers, document, ("episodes", i, "papers"))
            self._topic_papers(episode.topics, document, ("episodes", i, "topics"))

    def _topic_papers(self, topics, document, loc) -> None:
        for i, topic in enumerate(topics):
            self.papers(topic.papers, document, loc + (i, "papers"))
            self._topic_papers(topic.topics, document, loc + (i, "topics"))
