"""What the generator needs from mkdocs.yml (docs_dir, the ``course`` plugin's options, the site's and the
repository's address), read the way MkDocs would, for the ``course`` commands.

mkdocs.yml may hold tags of its own (``!!python/name:...`` for Material's extensions, ``!ENV``), which are
read as nothing here.  A mistake in the parts we read is a ``path:line:col`` problem, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from course.ground.errors import CourseDataError, Problem
from course.ground.source_files import read_source
from course.ground.words import did_you_mean

PLUGIN_NAME = "course"


class _Lenient(yaml.SafeLoader):
    """Reads mkdocs.yml's own tags as nothing: we need plain keys only."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)


def read_mkdocs_yml(path: Path, display: str, root: Path, option_types: dict[str, type]) -> dict:
    """``{"docs_dir": ..., "site_url": ..., "repo_url": ..., "options": {...}}``, the values that are there;
    raises ``CourseDataError`` for a mistake in them."""
    text, problems = read_source(path, display, root)
    if text is None:
        raise CourseDataError(problems)
    try:
        node = yaml.compose(text, Loader=_Lenient)
        config = yaml.load(text, Loader=_Lenient) if node is not None else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise CourseDataError([Problem(display, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0,
                                       f"YAML syntax error: {error.problem or error}")]) from None
    except (yaml.YAMLError, RecursionError) as error:
        raise CourseDataError([Problem(display, 0, 0, f"cannot be read as YAML ({type(error).__name__})")]) from None
    if not isinstance(config, dict) or not isinstance(node, yaml.MappingNode):
        raise CourseDataError([Problem(display, 1, 1, "must be a mapping of settings, such as 'site_name: My course'")])
    found: dict = {}
    problems = []
    for key in ("docs_dir", "site_url", "repo_url"):
        value = config.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(_at(display, _value_node(node, key), f"'{key}' must be text, e.g. {key}: content"))
        elif value is not None:
            found[key] = value
    plugins = config.get("plugins") or []
    entries = plugins if isinstance(plugins, list) else []
    plugins_node = _value_node(node, "plugins")
    for index, plugin in enumerate(entries):
        if isinstance(plugin, dict) and PLUGIN_NAME in plugin:
            entry = plugins_node.value[index] if isinstance(plugins_node, yaml.SequenceNode) else None
            found["options"], more = _options(plugin[PLUGIN_NAME], _value_node(entry, PLUGIN_NAME), display, option_types)
            problems += more
    if problems:
        raise CourseDataError(problems)
    return found


def written_site_url(path: Path) -> str | None:
    """``site_url`` as the file writes it, or None where it has none in plain text.  ``mkdocs serve`` gives the
    build its own address (http://127.0.0.1:8000/) instead; MkDocs has validated the file already."""
    try:
        config = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Lenient)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None
    value = config.get("site_url") if isinstance(config, dict) else None
    return value if isinstance(value, str) else None


def _options(options: object, node, display: str, types: dict[str, type]) -> tuple[dict, list[Problem]]:
    if options is None:
        return {}, []
    if not isinstance(options, dict):
        return {}, [_at(display, node, f"the '{PLUGIN_NAME}' plugin's options must be a mapping, such as 'notebooks_dir: notebooks'")]
    problems, known = [], {}
    for name, value in options.items():
        where = _key_node(node, name)
        if name not in types:
            hint = did_you_mean(str(name), types, template="; did you mean {!r}?")
            problems.append(_at(display, where, f"unknown option {name!r} of the '{PLUGIN_NAME}' plugin{hint} "
                                                f"(its options: {', '.join(types)})"))
        elif not isinstance(value, types[name]) or (types[name] is int and isinstance(value, bool)):
            kind = {str: "text", bool: "true or false", int: "a whole number"}[types[name]]
            problems.append(_at(display, _value_node(node, name), f"the option '{name}' must be {kind}, not {value!r}"))
        else:
            known[name] = value
    return known, problems


def _entry(mapping, key: str) -> tuple:
    """The key's node and its value's node in a mapping node, or (None, None)."""
    if isinstance(mapping, yaml.MappingNode):
        for key_node, value_node in mapping.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
    return None, None


def _key_node(mapping, key: str):
    return _entry(mapping, key)[0] or mapping


def _value_node(mapping, key: str):
    return _entry(mapping, key)[1]


def _at(display: str, node, message: str) -> Problem:
    if node is None:
        return Problem(display, 0, 0, message)
    return Problem(display, node.start_mark.line + 1, node.start_mark.column + 1, message)
