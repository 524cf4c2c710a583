"""``course schema``: write or check the JSON Schemas of the data files."""

from __future__ import annotations


from course.data import schemas
from course.commands import project_layout


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="write or check the JSON Schemas editors use to check the data files",
        description="Generate JSON Schemas for readings/*.yml from the data models.",
        epilog="Example: course schema --write   (after changing a model)\n         course schema --check   (exit 1 if a schema is stale)",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="write readings/schemas/*.schema.json")
    group.add_argument("--check", action="store_true", help="exit 1 if a schema or a file's $schema line is out of date")
    parser.set_defaults(handler=run)


def run(args) -> int:
    layout = project_layout(args)
    if layout is None:
        return 1
    data_dir = layout.data
    stale = []
    for name in schemas.SCHEMAS:
        path = schemas.schema_path(data_dir, name)
        text = schemas.schema_text(name)
        if args.write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(layout.root)}")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(f"{path.relative_to(layout.root)}: out of date; run `course schema --write`")
        for data_file in schemas.data_files(data_dir, name):
            expected = schemas.schema_reference(data_file, data_dir, name)
            first = data_file.read_text(encoding="utf-8").split("\n", 1)[0]
            if first != expected:
                stale.append(f"{data_file.relative_to(layout.root)}:1:1: the first line should be `{expected}`")
    if not args.write:
        for line in stale:
            print(line)
        if not stale:
            print(f"OK: {len(schemas.SCHEMAS)} schemas up to date.")
    return 1 if stale else 0
