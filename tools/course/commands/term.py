"""``course term archive`` and ``course term new``: teach the course again without losing the term before.

``archive`` freezes the current term as data in ``archive/<term-id>/`` (the site builds it under
``/<term-id>/``); ``new`` archives the current term and moves the course onto new dates.  The files
are edited in ruamel.yaml's round trip, so comments and layout stay, and written atomically.
"""

from __future__ import annotations

import argparse
import sys

from course.commands import project_data

EXAMPLES = """Examples:
  course term archive                 (writes archive/2027-spring/ for the term "Spring 2027")
  course term new --name "Fall 2027" --start 2027-08-24 --end 2027-12-10"""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "term", help="archive the current term, or start the next one",
        description="Keep past terms on the site (as data in archive/) and roll the course over to a new term.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="term_command", metavar="COMMAND")
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)
    archive = commands.add_parser(
        "archive", help="freeze the current term into archive/<term-id>/",
        description="Copy the current term's course facts, sessions (with their dates pinned), assignments, "
                    "announcements and presentations into archive/<term-id>/. An existing archive is never overwritten.",
        epilog="Example: course term archive --id 2027-spring")
    archive.add_argument("--id", help="the archive's folder and URL, e.g. 2027-spring (default: from the term's name)")
    archive.set_defaults(handler=_archive)
    new = commands.add_parser(
        "new", help="archive the current term and start a new one",
        description="Archive the current term, write the new term's name and dates into course.yml, clear the "
                    "claims and announcements, keep the sessions (they lay themselves onto the new dates), and "
                    "print what you must still check.",
        epilog='Example: course term new --name "Fall 2027" --start 2027-08-24 --end 2027-12-10')
    new.add_argument("--name", required=True, help='the new term\'s name, e.g. "Fall 2027"')
    new.add_argument("--start", required=True, help="its first day of classes, YYYY-MM-DD")
    new.add_argument("--end", required=True, help="its last day, YYYY-MM-DD")
    new.add_argument("--id", help="the current term's archive folder (default: from its name)")
    new.set_defaults(handler=_new)


def _archive(args) -> int:
    from course.commands.term_files import archive_term

    def archive(data) -> list[str]:
        folder = archive_term(data, args.id)
        return [f"archived {data.course.term.name} in {data.layout.show(folder)}/: the site builds it under /{folder.name}/"]

    return _change(args, archive)


def _new(args) -> int:
    from course.commands.term_files import start_term

    return _change(args, lambda data: start_term(data, args.name, args.start, args.end, args.id))


def _change(args, change) -> int:
    """Run ``change(data)`` on the current term's data and print the lines it returns, or why it refused."""
    from course.commands.term_files import TermError

    data = project_data(args, check_notebooks=False, before=" before changing terms")
    if data is None:
        return 1
    try:
        report = change(data)
    except TermError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("\n".join(report))
    return 0
