"""Registers the JSON Schema of readings/presentations.yml with `course schema`."""

from __future__ import annotations

from ..schemas import register
from .model import PresentationsFile

register("presentations", PresentationsFile, "presentations.yml")
