"""Add or remove one claim in presentations.yml and leave every other byte of the file alone.

ruamel.yaml's round-trip emitter writes the new claim (every string double-quoted,
so ``NO``, ``null`` or ``*x`` stay text); it goes in as lines after the last claim.
Comments, key order, blank lines and quoting elsewhere are untouched.  ruamel's
whole-document round trip is the fallback for a claims list written in flow style,
where no line belongs to one claim.  (A round trip of the whole document would
move the comment written above a claim when the claim before it is removed, since
ruamel attaches such comments to the preceding item.)
"""

from __future__ import annotations

import io
import re

import yaml

KEY = "claims"


def round_trip_yaml():
    """ruamel.yaml as the course's files are written: block style, 2-space mappings, lists indented by 4 with
    the dash at 2, lines never folded, quotes kept."""
    from ruamel.yaml import YAML  # imported on the first write only: a refused claim never needs it

    emitter = YAML(typ="rt")
    emitter.width = 4096  # never fold a long value onto a second line
    emitter.preserve_quotes = True
    emitter.indent(mapping=2, sequence=4, offset=2)
    return emitter


def _mapping(fields: dict):
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    item = CommentedMap()
    for key, value in fields.items():
        if value is None:
            continue
        item[key] = DoubleQuotedScalarString(value) if isinstance(value, str) else value
    return item


def item_lines(fields: dict, column: int) -> list[str]:
    """The claim as block-sequence lines whose dash stands at ``column``."""
    out = io.StringIO()
    round_trip_yaml().dump(_mapping(fields), out)
    lines = out.getvalue().splitlines()
    return [(" " * column + "- " if i == 0 else " " * (column + 2)) + line for i, line in enumerate(lines)]


def _root(text: str) -> yaml.MappingNode:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        raise ValueError("presentations.yml must be a mapping of keys such as 'slots' and 'claims'")
    return node


def _claims(root: yaml.MappingNode) -> tuple[yaml.Node, yaml.Node] | None:
    for key, value in root.value:
        if key.value == KEY:
            return key, value
    return None


def _last_line(node: yaml.Node) -> int:
    """The last line (0-based) holding part of ``node``."""
    if isinstance(node, yaml.ScalarNode) or (isinstance(node, yaml.CollectionNode) and node.flow_style):
        end = node.end_mark
        return end.line if end.column > 0 else end.line - 1
    children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
    return max([node.start_mark.line] + [_last_line(child) for child in children])


def _span(lines: list[str], seq: yaml.SequenceNode, index: int) -> tuple[int, int]:
    """First and last line (0-based, inclusive) of one item of a block sequence."""
    item = seq.value[index]
    column = seq.start_mark.column
    first = item.start_mark.line
    while first > seq.start_mark.line and not lines[first][column:].startswith("-"):
        first -= 1  # the item's dash stands on a line of its own
    last = _last_line(item)
    while last > first and not lines[last].strip():
        last -= 1  # blank lines a block scalar took in
    return first, last


def _lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, split where YAML counts lines (not at form feeds and the like)."""
    return [line for line in re.split(r"(?<=\n)", text) if line]


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def append_claim(text: str, fields: dict) -> str:
    """``text`` with one more claim at the end of the claims list."""
    nl = _newline(text)
    lines = _lines(text)
    found = _claims(_root(text))
    if found is None:  # no claims yet, and no key for them
        body = text if text.endswith(("\n", "\r")) or not text else text + nl
        return body + f"{KEY}:{nl}" + "".join(line + nl for line in item_lines(fields, 2))
    key, seq = found
    if isinstance(seq, yaml.SequenceNode) and seq.value and not seq.flow_style:
        _, last = _span(lines, seq, len(seq.value) - 1)
        new = [line + nl for line in item_lines(fields, seq.start_mark.column)]
        return "".join(lines[: last + 1] + new + lines[last + 1:])
    if isinstance(seq, yaml.SequenceNode) and seq.value:
        return _round_trip_append(text, fields)
    if isinstance(seq, yaml.MappingNode) or (isinstance(seq, yaml.ScalarNode) and seq.value):
        raise ValueError(f"'{KEY}' must be a list")
    # `claims:` with no value, or `claims: []`: drop the empty value and put the claim under the key.
    if isinstance(seq, yaml.SequenceNode):
        row, start, stop = seq.start_mark.line, seq.start_mark.column, seq.end_mark.column
        if seq.end_mark.line != row:
            raise ValueError(f"write the empty list of claims as '{KEY}: []' on one line")
        lines[row] = lines[row][:start].rstrip() + lines[row][stop:]
        if row != key.start_mark.line and not lines[row].strip():
            del lines[row]
    row = key.start_mark.line
    if not lines[row].endswith(("\n", "\r")):
        lines[row] += nl
    new = [line + nl for line in item_lines(fields, key.start_mark.column + 2)]
    return "".join(lines[: row + 1] + new + lines[row + 1:])


def remove_claim(text: str, index: int) -> str:
    """``text`` without the claim at ``index``; the comments around it stay."""
    lines = _lines(text)
    found = _claims(_root(text))
    if found is None or not isinstance(found[1], yaml.SequenceNode) or index >= len(found[1].value):
        raise ValueError(f"there is no claim number {index + 1}")
    seq = found[1]
    if seq.flow_style:
        return _round_trip_remove(text, index)
    first, last = _span(lines, seq, index)
    if first == seq.start_mark.line and lines[first][: seq.start_mark.column].strip():
        raise ValueError("the first claim starts on the line of its key; put '- name: ...' on a line of its own")
    return "".join(lines[:first] + lines[last + 1:])


def _round_trip_append(text: str, fields: dict) -> str:
    emitter = round_trip_yaml()
    document = emitter.load(text)
    document[KEY].append(_mapping(fields))
    out = io.StringIO()
    emitter.dump(document, out)
    return out.getvalue()


def _round_trip_remove(text: str, index: int) -> str:
    emitter = round_trip_yaml()
    document = emitter.load(text)
    del document[KEY][index]
    out = io.StringIO()
    emitter.dump(document, out)
    return out.getvalue()
