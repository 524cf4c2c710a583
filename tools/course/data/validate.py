"""Turn pydantic's validation errors into ``path:line:col`` problems an instructor can act on."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from course.ground.errors import Problem
from course.ground.words import closest
from course.ground.yaml_source import YamlDocument

M = TypeVar("M", bound=BaseModel)


def validate(document: YamlDocument, model: type[M]) -> tuple[M | None, list[Problem]]:
    """Validate a whole document against ``model``; every error becomes a Problem."""
    data = document.data if document.data is not None else {}
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        items = error.errors(include_url=False)
        return None, [_problem(document, model, item) for item in items if not _follows_from_others(item, items)]


def _follows_from_others(item: dict, items: list[dict]) -> bool:
    """A list that is "too short" only because its entries are invalid: those entries' errors say it all."""
    if item["type"] != "too_short":
        return False
    loc = tuple(item["loc"])
    return any(tuple(other["loc"][:len(loc)]) == loc and len(other["loc"]) > len(loc) for other in items)


def _problem(document: YamlDocument, model: type[BaseModel], item: dict) -> Problem:
    loc = _data_loc(item["loc"])
    kind = item["type"]
    name = str(loc[-1]) if loc else "the file"
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1], document.data)
        close = closest(name, allowed)
        hint = f"; did you mean {close!r}?" if close else ""
        listing = f" (allowed here: {', '.join(allowed)})" if allowed and not close else ""
        return document.problem(loc, f"unknown key {name!r}{hint}{listing}", at_key=True)
    if kind == "missing":
        where = loc[:-1]
        return document.problem(where, f"missing required key {name!r}; add it")
    message = message_for(item)
    label = _label(loc)
    return document.problem(loc, f"{label}: {message}" if label else message)


def _data_loc(loc: tuple) -> tuple:
    """pydantic adds the names of union members and validator functions to locations; drop them."""
    return tuple(part for part in loc if isinstance(part, int) or not str(part).startswith(("function-", "literal[", "is-instance[")) and "[" not in str(part))


def _label(loc: tuple) -> str:
    names = [str(part) for part in loc if not isinstance(part, int)]
    return f"'{names[-1]}'" if names else ""


def message_for(item: dict) -> str:
    """One pydantic error item in an instructor's words (without where it is)."""
    kind, msg, given = item["type"], item["msg"], item.get("input")
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind == "assertion_error":
        return msg.removeprefix("Assertion failed, ")
    if kind == "literal_error":
        return f"{given!r} is not one of the allowed values: {item['ctx']['expected']}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{given!r} is not a whole number"
    if kind in ("bool_parsing", "bool_type"):
        return f"{given!r} is not true or false"
    if kind in ("list_type", "tuple_type"):
        return "expected a list (one '- item' per line, or [a, b])"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "expected a mapping of 'key: value' lines"
    if kind in ("string_type",):
        return "expected text, not a list or mapping"
    if kind == "too_short":
        return "must not be empty"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return msg.lower()
    return msg


def _fields_at(model: type[BaseModel], loc: tuple, data: object) -> list[str]:
    """The keys the model allows at ``loc`` (a path through mappings and lists)."""
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None
