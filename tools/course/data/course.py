"""Course facts (readings/course.yml): who, when, where, and how the course is graded."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from .fields import BibKey, Date, Email, Line, Link, Paragraphs, Record, Slug, Time, TimeZone, Url, Weekday


class Holiday(Record):
    date: Date
    name: Line


class Break(Record):
    start: Date
    end: Date
    name: Line

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError(f"the break ends ({self.end}) before it starts ({self.start}); swap the dates")
        return self


class Term(Record):
    name: Line
    start: Date
    end: Date
    timezone: TimeZone
    holidays: tuple[Holiday, ...] = ()
    breaks: tuple[Break, ...] = ()
    source: Paragraphs | None = None  # where the dates come from

    @model_validator(mode="after")
    def _ordered(self):
        if self.end <= self.start:
            raise ValueError(f"the term ends ({self.end}) before it starts ({self.start})")
        return self

    def day_off(self, day: dt.date) -> str | None:
        """The holiday or break that falls on ``day``, if any."""
        for holiday in self.holidays:
            if holiday.date == day:
                return holiday.name
        for pause in self.breaks:
            if pause.start <= day <= pause.end:
                return pause.name
        return None


class Meetings(Record):
    days: tuple[Weekday, ...] = Field(min_length=1)
    start: Time
    end: Time
    location: Line

    @model_validator(mode="after")
    def _ordered(self):
        if self.end <= self.start:
            raise ValueError("the meeting ends before it starts; check 'start' and 'end'")
        return self


class Person(Record):
    name: Line
    role: Line | None = None
    email: Email | None = None
    url: Url | None = None


class OfficeHours(Record):
    location: Line | None = None
    times: Line | None = None
    poll: Url | None = None


class Skill(Record):
    name: Line
    description: Paragraphs


class Prerequisites(Record):
    note: Paragraphs | None = None
    courses: tuple[Line, ...] = ()
    skills: tuple[Skill, ...] = ()


class Material(Record):
    """One item of the recommended reading, in priority order."""

    key: BibKey
    comment: Paragraphs | None = None
    start_here: bool = False


class Materials(Record):
    intro: Paragraphs | None = None
    items: tuple[Material, ...] = ()


class GradeItem(Record):
    component: Line
    weight: int = Field(ge=0, le=100)
    description: Paragraphs


class Part(Record):
    """A part of the course outline; sessions belong to one."""

    id: Slug
    title: Line
    topics: tuple[Line, ...] = ()


class ProjectIdea(Record):
    title: Line
    description: Paragraphs
    readings: tuple[BibKey, ...] = ()


class FinalProject(Record):
    summary: Paragraphs
    details: tuple[Paragraphs, ...] = ()
    ideas: tuple[ProjectIdea, ...] = ()


class Course(Record):
    code: Line
    title: Line
    tagline: Line | None = None
    institution: Line | None = None
    credits: int | None = Field(default=None, ge=0, le=30)
    description: Paragraphs | None = None
    term: Term
    meetings: Meetings
    instructors: tuple[Person, ...] = ()
    contact: Email | None = None
    office: Line | None = None
    office_hours: OfficeHours | None = None
    links: tuple[Link, ...] = ()
    outcomes: tuple[Paragraphs, ...] = ()
    prerequisites: Prerequisites = Prerequisites()
    materials: Materials = Materials()
    grading: tuple[GradeItem, ...] = ()
    outline: tuple[Part, ...] = ()  # parts group the sessions; a course may have none
    final_project: FinalProject | None = None

    @model_validator(mode="after")
    def _grading_adds_up(self):
        if self.grading:
            total = sum(item.weight for item in self.grading)
            if total != 100:
                raise ValueError(f"the grading weights add up to {total}%, not 100%")
        return self

    def part(self, part_id: str) -> Part | None:
        return next((part for part in self.outline if part.id == part_id), None)
