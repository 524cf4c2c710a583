"""The ``course`` command line: a thin layer over library functions.

Each sub-command lives in the module that owns its job and registers itself
through a ``register(subparsers)`` function listed in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules that contribute sub-commands, in the order ``course --help`` lists them.
COMMAND_MODULES = [
    "course.commands.check",
    "course.commands.schema",
    "course.notebooks.cli",
    "course.signups.cli",
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
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name and name.startswith(error.name):
                continue  # that part of the tool is not installed in this checkout
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
