"""Load every data file once, validate it, and link what refers to what.

Validation happens here and only here: everything downstream trusts the
records.  Problems from all files are collected and raised together.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from ..bibliography import Bibliography, load_bibliography
from ..errors import CourseDataError, Problem, display_path
from ..yamlsource import YamlDocument, load_yaml
from .announcements import Announcement, AnnouncementsFile
from .course import Course
from .podcasts import Episode, Podcast, PodcastFile
from .schedule import Deadline, Homework, ScheduleFile, Session, SessionEntry, lay_out
from .talks import Series, Talk, TalkSeriesFile
from .validate import validate


@dataclass(frozen=True)
class Layout:
    """Where the data lives, relative to the project root."""

    root: Path
    data_dir: str = "readings"
    bibliography: str = "papers.bib"
    notebooks_dir: str = "content/notebooks"

    @property
    def data(self) -> Path:
        return self.root / self.data_dir

    def course_file(self) -> Path:
        return self.data / "course.yml"

    def schedule_file(self) -> Path:
        return self.data / "schedule.yml"

    def announcements_file(self) -> Path:
        return self.data / "announcements.yml"

    def talk_files(self) -> list[Path]:
        return sorted((self.data / "talks").glob("*.yml"))

    def podcast_files(self) -> list[Path]:
        return sorted((self.data / "podcasts").glob("*.yml"))

    def bib_file(self) -> Path:
        return self.root / self.bibliography

    def watched(self) -> list[Path]:
        """Everything a live preview should watch."""
        return [self.data, self.bib_file()]


@dataclass(frozen=True)
class TalkSeries:
    series: Series
    talks: tuple[Talk, ...]


@dataclass(frozen=True)
class PodcastSeries:
    podcast: Podcast
    episodes: tuple[Episode, ...]


@dataclass(frozen=True)
class CourseData:
    layout: Layout
    course: Course
    sessions: tuple[Session, ...]
    homework: tuple[Homework, ...]
    deadlines: tuple[Deadline, ...]
    talk_series: tuple[TalkSeries, ...]
    podcasts: tuple[PodcastSeries, ...]
    announcements: tuple[Announcement, ...]
    bibliography: Bibliography | None
    extras: dict = field(default_factory=dict)  # results of later stages (e.g. sign-ups), keyed by name

    @property
    def course_zone(self) -> ZoneInfo:
        return ZoneInfo(self.course.term.timezone)

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)


class _Loader:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.problems: list[Problem] = []

    def show(self, path: Path) -> str:
        return display_path(path, self.layout.root)

    def document(self, path: Path, required: bool = True) -> YamlDocument | None:
        if not path.exists():
            if required:
                self.problems.append(Problem(self.show(path), 0, 0, "file not found; create it (see the README's instructor guide)"))
            return None
        document, problems = load_yaml(path, self.show(path))
        self.problems.extend(problems)
        return document if not problems else None

    def model(self, path: Path, model, required: bool = True):
        document = self.document(path, required)
        if document is None:
            return None, None
        record, problems = validate(document, model)
        self.problems.extend(problems)
        return record, document


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
        except Exception:
            continue
    return items


def load_course_data(layout: Layout, notebook_names: list[str] | None = None) -> CourseData:
    """Read and check everything; raise CourseDataError listing every problem found."""
    loader = _Loader(layout)
    course, course_doc = loader.model(layout.course_file(), Course)
    schedule, schedule_doc = loader.model(layout.schedule_file(), ScheduleFile)
    announcements, announcements_doc = loader.model(layout.announcements_file(), AnnouncementsFile, required=False)
    series_files = [loader.model(path, TalkSeriesFile) for path in layout.talk_files()]
    podcast_files = [loader.model(path, PodcastFile) for path in layout.podcast_files()]
    bibliography, bib_problems = load_bibliography(layout.bib_file(), loader.show(layout.bib_file()))
    loader.problems.extend(bib_problems)

    sessions: list[Session] = []
    checks = _Checks(loader.problems, bibliography)
    if course is not None:
        checks.course(course, course_doc)
    if schedule is not None:
        checks.session_references(course, list(enumerate(schedule.sessions)), schedule_doc, layout, notebook_names)
        if course is not None:
            sessions = checks.schedule(course, schedule, schedule_doc)
    else:
        checks.session_references(course, valid_items(schedule_doc, "sessions", SessionEntry), schedule_doc, layout, notebook_names)
    for record, document in series_files:
        talks = list(enumerate(record.talks)) if record is not None else valid_items(document, "talks", Talk)
        checks.talks(talks, document)
    checks.unique_across([(r.series.id, d, ("series", "id")) for r, d in series_files if r], "talk series")
    for record, document in podcast_files:
        episodes = list(enumerate(record.episodes)) if record is not None else valid_items(document, "episodes", Episode)
        checks.podcast(episodes, document)
    checks.unique_across([(r.podcast.id, d, ("podcast", "id")) for r, d in podcast_files if r], "podcast")
    if announcements is not None:
        checks.unique([(a.id, ("announcements", i, "id")) for i, a in enumerate(announcements.announcements)], announcements_doc, "announcement")

    if loader.problems:
        raise CourseDataError(loader.problems)
    data = CourseData(
        layout=layout,
        course=course,
        sessions=tuple(sessions),
        homework=schedule.homework,
        deadlines=schedule.deadlines,
        talk_series=tuple(TalkSeries(r.series, r.talks) for r, _ in series_files),
        podcasts=tuple(PodcastSeries(r.podcast, r.episodes) for r, _ in podcast_files),
        announcements=tuple(sorted(announcements.announcements, key=lambda a: (a.date, a.id), reverse=True)) if announcements else (),
        bibliography=bibliography,
    )
    # Later stages (sign-ups) read their own files and attach what they find to the data.
    from ..signups.load import attach

    data, problems = attach(data)
    if problems:
        raise CourseDataError(problems)
    return data


class _Checks:
    """Rules that span records: references, uniqueness, dates."""

    def __init__(self, problems: list[Problem], bibliography: Bibliography | None):
        self.problems = problems
        self.bibliography = bibliography

    def paper(self, key: str, document: YamlDocument, loc: tuple) -> None:
        if self.bibliography is None or key in self.bibliography:
            return
        close = difflib.get_close_matches(key, self.bibliography.keys(), n=1, cutoff=0.7)
        hint = f"did you mean {close[0]!r}? " if close else ""
        self.problems.append(document.problem(loc, f"unknown paper key {key!r}: {hint}add it to {self.bibliography.display} or fix the key"))

    def papers(self, keys, document: YamlDocument, loc: tuple) -> None:
        for i, key in enumerate(keys):
            self.paper(key, document, loc + (i,))

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

    def session_references(self, course: Course | None, entries: list, document: YamlDocument, layout: Layout, notebook_names) -> None:
        """Checks of each session on its own: its part, papers and notebook exist."""
        self.unique([(s.id, ("sessions", i, "id")) for i, s in entries], document, "session")
        parts = [part.id for part in course.outline] if course else None
        for i, entry in entries:
            loc = ("sessions", i)
            if parts is not None and entry.part not in parts:
                close = difflib.get_close_matches(entry.part, parts, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.problems.append(document.problem(loc + ("part",), f"unknown part {entry.part!r}: {hint}parts are the outline ids in course.yml: {', '.join(parts)}"))
            self.papers(entry.readings, document, loc + ("readings",))
            self.papers(entry.further_reading, document, loc + ("further_reading",))
            if entry.notebook and notebook_names is not None and entry.notebook not in notebook_names:
                close = difflib.get_close_matches(entry.notebook, notebook_names, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.problems.append(document.problem(loc + ("notebook",), f"no notebook {entry.notebook!r} in {layout.notebooks_dir}/: {hint}add {entry.notebook}.py there or fix the name"))

    def schedule(self, course: Course, schedule: ScheduleFile, document: YamlDocument) -> list[Session]:
        """Dates, homework and deadlines: checks that need the whole, valid schedule."""
        entries = schedule.sessions
        sessions, slips = lay_out(course, entries)
        for slip in slips:
            self.problems.append(document.problem(("sessions", slip.index, slip.field), slip.message))
        by_id = {s.id: s for s in sessions}
        ids = [e.id for e in entries]
        self.unique([(h.id, ("homework", i, "id")) for i, h in enumerate(schedule.homework)], document, "homework")
        for i, work in enumerate(schedule.homework):
            for key in ("out", "due"):
                ref = getattr(work, key)
                if ref not in ids:
                    close = difflib.get_close_matches(ref, ids, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    self.problems.append(document.problem(("homework", i, key), f"no session with id {ref!r}{hint}"))
            out, due = by_id.get(work.out), by_id.get(work.due)
            if out and due and due.date <= out.date:
                self.problems.append(document.problem(("homework", i, "due"), f"{work.id!r} is due ({due.date}) before or when it is handed out ({out.date})"))
        self.unique([(d.id, ("deadlines", i, "id")) for i, d in enumerate(schedule.deadlines)], document, "deadline")
        for i, deadline in enumerate(schedule.deadlines):
            if not course.term.start <= deadline.date <= course.term.end:
                self.problems.append(document.problem(("deadlines", i, "date"), f"{deadline.date} is outside the term ({course.term.start} to {course.term.end})"))
        return sessions

    def talks(self, talks: list, document: YamlDocument) -> None:
        self.unique([(t.id, ("talks", i, "id")) for i, t in talks], document, "talk")
        for i, talk in talks:
            self.papers(talk.readings, document, ("talks", i, "readings"))

    def podcast(self, episodes: list, document: YamlDocument) -> None:
        self.unique([(str(e.number), ("episodes", i, "number")) for i, e in episodes], document, "episode number")
        for i, episode in episodes:
            self.papers(episode.papers, document, ("episodes", i, "papers"))
            self._topic_papers(episode.topics, document, ("episodes", i, "topics"))

    def _topic_papers(self, topics, document, loc) -> None:
        for i, topic in enumerate(topics):
            self.papers(topic.papers, document, loc + (i, "papers"))
            self._topic_papers(topic.topics, document, loc + (i, "topics"))
