"""Load every data file once, validate it, and check what refers to what.

Validation happens here and only here: everything downstream trusts the
records.  Problems from all files are collected and raised together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from course.data.announcements import Announcement, AnnouncementsFile
from course.data.assignments import Assignment, AssignmentEntry, AssignmentsFile
from course.data.bibliography import Bibliography, load_bibliography
from course.data.checks import Checks, valid_items
from course.data.course import Course
from course.data.decks import Deck, read_decks
from course.data.pages import Markdown, first_citation, read_markdown
from course.data.podcasts import Episode, Podcast, PodcastFile
from course.data.schedule import ScheduleFile, Session, SessionEntry
from course.data.signup_board import Presentations, read_presentations
from course.data.talks import Series, Talk, TalkSeriesFile
from course.data.topics import TopicsFile, apply_vocabulary
from course.data.validate import validate
from course.ground.errors import CourseDataError, Problem
from course.ground.layout import TERM_ID, Layout
from course.ground.words import now
from course.ground.yaml_source import YamlDocument, load_yaml


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
    assignments: tuple[Assignment, ...]  # by due date
    talk_series: tuple[TalkSeries, ...]
    podcasts: tuple[PodcastSeries, ...]
    announcements: tuple[Announcement, ...]
    bibliography: Bibliography | None
    presentations: Presentations | None = None  # readings/presentations.yml, when the course has one
    warnings: tuple[Problem, ...] = ()  # what the data leaves unsaid (e.g. talk times without a source)
    markdown: Markdown = Markdown()  # the hand-written pages and the notes on papers
    decks: tuple[Deck, ...] = ()  # the lecture decks (slides/<session-id>.md), by file name
    data_time: dt.datetime = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)  # when the data last changed
    archives: tuple["Archive", ...] = ()  # past terms, oldest first

    @property
    def pages(self) -> dict[str, str]:
        return self.markdown.pages

    @property
    def notes(self) -> dict[str, str]:
        return self.markdown.notes

    def deck(self, session_id: str) -> Deck | None:
        return next((deck for deck in self.decks if deck.session_id == session_id), None)

    @property
    def course_zone(self) -> ZoneInfo:
        return ZoneInfo(self.course.term.timezone)


@dataclass(frozen=True)
class Archive:
    """A past term, frozen as data by ``course term archive`` in ``archive/<id>/``: its course facts, sessions (with
    their dates pinned), assignments, announcements and presentations.  It shares papers.bib with the current term."""

    id: str
    data: CourseData

    @property
    def name(self) -> str:
        return self.data.course.term.name


def _data_time(layout: Layout) -> dt.datetime:
    """When the data files last changed (never later than now): what a calendar's DTSTAMP says."""
    files = [*layout.data.rglob("*.yml"), layout.bib_file()]
    newest = max((path.stat().st_mtime for path in files if path.is_file()), default=0)
    return min(dt.datetime.fromtimestamp(int(newest), dt.timezone.utc), now())


class _Reader:
    """Reads data files of one project, collecting every problem."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.problems: list[Problem] = []

    def document(self, path: Path, required: bool = True) -> YamlDocument | None:
        if not path.exists():
            if required:
                self.problems.append(Problem(self.layout.show(path), 0, 0, "file not found; create it (see the README's instructor guide)"))
            return None
        document, problems = load_yaml(path, self.layout.show(path), self.layout.root)
        self.problems.extend(problems)
        return document if not problems else None

    def model(self, path: Path, model, required: bool = True):
        document = self.document(path, required)
        if document is None:
            return None, None
        record, problems = validate(document, model)
        self.problems.extend(problems)
        return record, document


def load_course_data(layout: Layout, *, check_notebooks: bool = True) -> CourseData:
    """Read and check everything, the archived terms too; raise CourseDataError listing every problem found.
    ``check_notebooks``: a session's ``notebook`` must be a notebook in the layout's notebooks folder."""
    data = _load_term(layout, check_notebooks=check_notebooks)
    archives, problems = [], []
    for term in layout.archived_terms():
        if not TERM_ID.match(term):
            problems.append(Problem(layout.show(layout.archive / term), 0, 0, (
                "an archived term's folder is named by its year and season, e.g. 2027-spring (it becomes the URL "
                "of the term's pages); rename the folder")))
            continue
        try:  # a past term's notebooks are today's: its sessions link them, they are not checked against it
            archived = _load_term(layout.term_layout(term), check_notebooks=False, archived=True,
                                  bibliography=data.bibliography)
        except CourseDataError as error:
            problems.extend(error.problems)
            continue
        archives.append(Archive(term, replace(archived, layout=layout, markdown=data.markdown)))
    if problems:
        raise CourseDataError(problems)
    return replace(data, archives=tuple(sorted(archives, key=lambda a: (a.data.course.term.start, a.id))))


def _load_term(layout: Layout, *, check_notebooks: bool, archived: bool = False,
               bibliography: Bibliography | None = None) -> CourseData:
    """One term's data.  An ``archived`` term shares the current term's ``bibliography`` and hand-written pages:
    they are not read again."""
    reader = _Reader(layout)
    course, course_doc = reader.model(layout.course_file(), Course)
    schedule, schedule_doc = reader.model(layout.schedule_file(), ScheduleFile)
    announcements, announcements_doc = reader.model(layout.announcements_file(), AnnouncementsFile, required=False)
    assignments_file, assignments_doc = reader.model(layout.assignments_file(), AssignmentsFile, required=False)
    series_files = [reader.model(path, TalkSeriesFile) for path in layout.talk_files()]
    podcast_files = [reader.model(path, PodcastFile) for path in layout.podcast_files()]
    if not archived:  # an archived term shares the current term's bibliography (and its vocabulary)
        bibliography, bib_problems = load_bibliography(layout.bib_file(), layout.show(layout.bib_file()), layout.root)
        reader.problems.extend(bib_problems)
        topics, topics_doc = reader.model(layout.topics_file(), TopicsFile, required=False)
        if topics is not None and bibliography is not None:
            bibliography, problems = apply_vocabulary(bibliography, topics, topics_doc)
            reader.problems.extend(problems)

    notebook_names = layout.notebook_names() if check_notebooks else None
    sessions: list[Session] = []
    checks = Checks(reader.problems, bibliography)
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
        checks.talks(record.series if record is not None else None, talks, document)
    checks.unique_across([(r.series.id, d, ("series", "id")) for r, d in series_files if r], "talk series")
    for record, document in podcast_files:
        episodes = list(enumerate(record.episodes)) if record is not None else valid_items(document, "episodes", Episode)
        checks.podcast(episodes, document)
    checks.unique_across([(r.podcast.id, d, ("podcast", "id")) for r, d in podcast_files if r], "podcast")
    assignments: list[Assignment] = []
    if assignments_doc is not None and course is not None:
        entries = list(enumerate(assignments_file.assignments)) if assignments_file is not None else \
            valid_items(assignments_doc, "assignments", AssignmentEntry)
        session_ids = [e.id for e in schedule.sessions] if schedule is not None else \
            [e.id for _, e in valid_items(schedule_doc, "sessions", SessionEntry)]
        assignments = checks.assignments(course, sessions, entries, assignments_doc, layout, notebook_names, session_ids)
    if announcements is not None:
        checks.unique([(a.id, ("announcements", i, "id")) for i, a in enumerate(announcements.announcements)], announcements_doc, "announcement")
    markdown, problems = read_markdown(layout, bibliography) if not archived else (Markdown(), [])
    reader.problems.extend(problems)
    if not archived:  # a deck belongs to the course's content, shared by every term, not to a term's data
        entries = schedule.sessions if schedule is not None else [e for _, e in valid_items(schedule_doc, "sessions", SessionEntry)]
        decks, problems = read_decks(layout, [e.id for e in entries], bibliography, {e.id: e.slides for e in entries if e.slides})
        reader.problems.extend(problems)
    else:
        decks = ()
    cited = checks.first_citation or (first_citation(markdown, layout) if not archived else None)
    if bibliography is None and cited and not layout.bib_file().exists():
        key, where = cited
        reader.problems.append(Problem(layout.show(layout.bib_file()), 0, 0, (
            f"not found, but the course cites papers (the first is {key!r}, at {where}); add the file, or set the "
            "plugin's 'bibliography' option in mkdocs.yml to the file's name")))

    if reader.problems:
        raise CourseDataError(reader.problems)
    data = CourseData(
        layout=layout,
        course=course,
        sessions=tuple(sessions),
        assignments=tuple(assignments),
        talk_series=tuple(TalkSeries(r.series, r.talks) for r, _ in series_files),
        podcasts=tuple(PodcastSeries(r.podcast, r.episodes) for r, _ in podcast_files),
        announcements=tuple(sorted(announcements.announcements, key=lambda a: (a.date, a.id), reverse=True)) if announcements else (),
        bibliography=bibliography,
        warnings=tuple(sorted(checks.warnings)),
        markdown=markdown,
        decks=decks,
        data_time=_data_time(layout),
    )
    # Sign-ups are checked against the sessions and papers, so they come last.
    document = reader.document(layout.presentations_file(), required=False)
    if reader.problems:
        raise CourseDataError(reader.problems)
    if document is None:
        return data
    presentations, problems = read_presentations(document, data.course, data.sessions, data.bibliography)
    if problems:
        raise CourseDataError(problems)
    return replace(data, presentations=presentations)
