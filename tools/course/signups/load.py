"""Load readings/presentations.yml and attach the presentations to the course data (stub)."""

from __future__ import annotations

from ..data.load import CourseData
from ..errors import Problem


def attach(data: CourseData) -> tuple[CourseData, list[Problem]]:
    """Return the data with sign-up results in ``data.extras`` and any problems found.

    Keys this stage may set in extras: "presentations" (truthy: the sign-up page exists),
    "presentations_by_session" ({session_id: [objects with .presenter and .key]}),
    "backlinks" (graph.Backlink of kind "presentation"), "calendar_events" (render.calendar.Event).
    """
    return data, []
