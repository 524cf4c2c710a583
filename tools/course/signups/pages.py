"""The sign-up page (stub)."""

from __future__ import annotations

from ..data.load import CourseData
from ..render.env import GeneratedFile, SiteContext


def pages(data: CourseData, ctx: SiteContext) -> list[GeneratedFile]:
    return []
