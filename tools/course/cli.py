"""The ``course`` command line: a thin layer over library functions.

Each sub-command is a module of ``course.commands`` with a ``register(subparsers)`` function,
listed in ``COMMAND_MODULES``; a module imports what its work needs when it runs, so that
``course --help`` and ``course check`` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# The modules of the sub-commands, in the order ``course --help`` lists them.
COMMAND_MODULES = [
    "course.commands.new",
    "course.commands.check",
    "course.commands.schema",
    "course.commands.notebooks",
    "course.commands.signup",
    "course.commands.term",
    "course.commands.export",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course",
        description="Build tools for the course site: validate data, run notebooks, manage sign-ups.",
        epilog="Example: course check   (validates readings/*.yml and papers.bib)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--root", default=".", help="project root (the folder holding mkdocs.yml); default: .")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except OSError as error:  # a folder where a file goes, a file that cannot be written: say which, no traceback
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}; check that the path is a file you may write", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
