"""YAML that means what it says, with the position of every value.

PyYAML's default resolvers turn ``NO`` into ``False``, ``14:30`` into ``870``
and ``012345`` into an octal number.  Here every scalar stays a string (only
``null``, ``~`` and an empty value mean "no value"); the typed models parse
dates, times and numbers themselves.  Alongside the plain data we keep where
each key and value was written, so a validation error can name ``path:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from course.ground.errors import Problem
from course.ground.source_files import read_source

Loc = tuple  # a path into the data: ("sessions", 3, "date")

NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass
class Positions:
    """Where each piece of a YAML document was written (1-based line and column)."""

    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def of_value(self, loc: Loc) -> tuple[int, int]:
        """The value at ``loc``, or the nearest enclosing value that was written."""
        loc = tuple(loc)
        while loc:
            if loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))

    def of_key(self, loc: Loc) -> tuple[int, int]:
        """The key of ``loc`` (where a misspelt key is), else its value's position."""
        loc = tuple(loc)
        if loc in self.keys:
            return self.keys[loc]
        return self.of_value(loc)


@dataclass
class YamlDocument:
    path: Path
    display: str  # the path as shown in messages
    data: object
    positions: Positions

    def problem(self, loc: Loc, message: str, *, at_key: bool = False) -> Problem:
        line, col = (self.positions.of_key if at_key else self.positions.of_value)(loc)
        return Problem(self.display, line, col, message)


class _StringLoader(yaml.SafeLoader):
    """A SafeLoader whose only implicit type is null; everything else is a string."""


class _FastStringLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same on libyaml's parser (ten times faster): a document it refuses is parsed again by
    ``_StringLoader``, so that every message and position of an error is PyYAML's own."""


_StringLoader.yaml_implicit_resolvers = {}
_FastStringLoader.yaml_implicit_resolvers = {}


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, display: str):
        self.display = display
        self.positions = Positions()
        self.problems: list[Problem] = []
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, loc: Loc) -> object:
        self.positions.values[loc] = _mark(node)
        if id(node) in self.seen:
            # An alias: expanding it could multiply the document ("billion laughs").
            line, col = _mark(node)
            self.problems.append(Problem(self.display, line, col, "anchors and aliases (&name, *name) are not supported; write the value out"))
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag != "tag:yaml.org,2002:str":
                line, col = _mark(node)
                self.problems.append(Problem(self.display, line, col, f"type tags like {node.tag.replace('tag:yaml.org,2002:', '!!')!r} are not allowed; remove the tag (quote the value if it must stay as written)"))
                return None
            if not node.style and node.value in NULLS:  # plain: None (PyYAML), "" (libyaml, when empty)
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, "tag:yaml.org,2002:seq")
            return [self.build(child, loc + (i,)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            self._check_tag(node, "tag:yaml.org,2002:map")
            result: dict[str, object] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = _mark(key_node)
                    self.problems.append(Problem(self.display, line, col, "a key must be a plain word, not a list or mapping"))
                    continue
                key = key_node.value
                if key == "<<":
                    line, col = _mark(key_node)
                    self.problems.append(Problem(self.display, line, col, "merge keys ('<<') are not supported; write the keys out"))
                    continue
                if key in result:
                    line, col = _mark(key_node)
                    first = self.positions.keys[loc + (key,)][0]
                    self.problems.append(Problem(self.display, line, col, f"duplicate key {key!r} (first given on line {first}); keep only one"))
                    continue
                self.positions.keys[loc + (key,)] = _mark(key_node)
                result[key] = self.build(value_node, loc + (key,))
            return result
        raise TypeError(node)  # pragma: no cover - the composer yields only these three

    def _check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            line, col = _mark(node)
            self.problems.append(Problem(self.display, line, col, f"type tags like {node.tag.replace('tag:yaml.org,2002:', '!!')!r} are not allowed; remove the tag"))


MAX_DEPTH = 30  # nesting levels; the default course's deepest file (a podcast's topics) has 8
_OPENS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_CLOSES = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


_SLOW = object()  # a document to parse again with PyYAML's own parser


def _compose(text: str, loader) -> yaml.Node | None | object:
    """The document's node tree by ``loader``, or ``_SLOW`` where it nests too deep (checked first: the
    composer recurses once per level)."""
    if _too_deep(text, "", loader) is not None:
        return _SLOW
    return yaml.compose(text, Loader=loader)


def _too_deep(text: str, display: str, loader) -> Problem | None:
    """Where the document nests deeper than MAX_DEPTH, found by the scanner, which does not recurse
    (the composer does, once per level: a deep document would end in a RecursionError)."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=loader):
            if isinstance(token, _OPENS):
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = _mark(token)
                    return Problem(display, line, col, f"the data is nested more than {MAX_DEPTH} levels deep here; "
                                                       "course data needs a few levels: check the brackets and the indentation")
            elif isinstance(token, _CLOSES):
                depth -= 1
    except yaml.YAMLError:
        return None  # the composer reports the syntax error itself
    return None


def parse_yaml(text: str, display: str, path: Path | None = None) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML document. Returns the document (None if unreadable) and the problems found."""
    try:
        node = _compose(text, _FastStringLoader)
    except (yaml.YAMLError, RecursionError):
        node = _SLOW  # refused: PyYAML's own parser says why, and where
    if node is _SLOW:
        deep = _too_deep(text, display, _StringLoader)
        if deep is not None:
            return None, [deep]
    try:
        node = yaml.compose(text, Loader=_StringLoader) if node is _SLOW else node
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = error.problem or "invalid YAML"
        if error.context:
            what = f"{error.context}, {what}"
        hint = _syntax_hint(text, line)
        return None, [Problem(display, line, col, f"YAML syntax error: {what}{hint}")]
    except yaml.reader.ReaderError as error:  # a character YAML does not allow: point at it
        line = text.count("\n", 0, error.position) + 1
        col = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        char = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "\0")
        return None, [Problem(display, line, col, f"the character U+{char:04X} is not allowed in YAML; remove it")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "mark", None)
        line = getattr(error, "line", None)
        if mark is not None:
            line, col = mark.line + 1, mark.column + 1
        else:
            col = 0
        return None, [Problem(display, line or 0, col, f"YAML error: {error}")]
    if node is None:
        return YamlDocument(path or Path(display), display, None, Positions()), []
    builder = _Builder(display)
    data = builder.build(node, ())
    return YamlDocument(path or Path(display), display, data, builder.positions), builder.problems


def _syntax_hint(text: str, line: int) -> str:
    lines = text.splitlines()
    if 0 < line <= len(lines) and "\t" in lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]:
        return " (indent with spaces, not tabs)"
    return " (check the indentation and quote values that contain ': ' or start with '*', '&', '!', '[' or '{')"


def load_yaml(path: Path, display: str, root: Path | None = None) -> tuple[YamlDocument | None, list[Problem]]:
    """Read and parse a YAML file (see ``read_source`` for what is refused before parsing)."""
    text, problems = read_source(path, display, root)
    if text is None:
        return None, problems
    return parse_yaml(text, display, path)
