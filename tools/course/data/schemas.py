"""JSON Schemas for the data files, generated from the typed models.

Each data file names its schema on its first line
(``# yaml-language-server: $schema=schemas/course.schema.json``) so editors
autocomplete keys and underline mistakes.  ``course schema --write`` regenerates
them; a test keeps them in sync with the models.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from course.data.announcements import AnnouncementsFile
from course.data.assignments import AssignmentsFile
from course.data.course import Course
from course.data.podcasts import PodcastFile
from course.data.presentations import PresentationsFile
from course.data.schedule import ScheduleFile
from course.data.talks import TalkSeriesFile
from course.data.topics import TopicsFile

# schema name -> (model, the data files (relative to the data dir) it describes)
SCHEMAS: dict[str, tuple[type, str]] = {
    "course": (Course, "course.yml"),
    "schedule": (ScheduleFile, "schedule.yml"),
    "announcements": (AnnouncementsFile, "announcements.yml"),
    "assignments": (AssignmentsFile, "assignments.yml"),
    "talks": (TalkSeriesFile, "talks/*.yml"),
    "podcasts": (PodcastFile, "podcasts/*.yml"),
    "presentations": (PresentationsFile, "presentations.yml"),
    "topics": (TopicsFile, "topics.yml"),
}


def schema_text(name: str) -> str:
    model, files = SCHEMAS[name]
    schema = model.model_json_schema(mode="validation")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{files} ({name})",
        "description": f"Generated from {model.__module__}.{model.__name__} by `course schema --write`; do not edit.",
        **schema,
    }
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def schema_path(data_dir: Path, name: str) -> Path:
    return data_dir / "schemas" / f"{name}.schema.json"


def schema_reference(data_file: Path, data_dir: Path, name: str) -> str:
    """The first line a data file should start with."""
    relative = os.path.relpath(schema_path(data_dir, name), data_file.parent)
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}"


def data_files(data_dir: Path, name: str) -> list[Path]:
    return sorted(data_dir.glob(SCHEMAS[name][1]))
