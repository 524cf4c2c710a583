"""`course signup claim|release|list|form|apply-issues`: presentation sign-ups from the command line.

The modules that do the work are imported by each command, so other `course` commands do not pay for them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from course.ground.errors import CourseDataError
from course.commands import project_layout

if TYPE_CHECKING:  # the data is loaded when a command runs, not when the CLI starts
    from course.data.load import CourseData

EXAMPLES = """Examples:
  course signup claim --name "Ada L." --paper olsson2022context --slot paper-presentations-2
  course signup release --paper olsson2022context
  course signup list --json
  course signup form            (regenerate .github/ISSUE_TEMPLATE/presentation-signup.yml)
  course signup apply-issues issues.json --outcomes outcomes.json"""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "signup", help="paper-presentation sign-ups: claim, release, list, form, apply-issues",
        description="Manage paper-presentation sign-ups in readings/presentations.yml.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="signup_command", metavar="COMMAND")
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)

    claim = commands.add_parser(
        "claim", help="record that a student presents a paper", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Record a claim, if it breaks no rule; a refused claim prints the reason and exits with status 1.",
        epilog='Example: course signup claim --name "Ada L." --paper olsson2022context --handle adal')
    claim.add_argument("--name", required=True, help="the student's name as shown on the site")
    claim.add_argument("--paper", required=True, help="the BibTeX key of the paper")
    claim.add_argument("--slot", help="slot id (default: the earliest slot with a free place)")
    claim.add_argument("--handle", help="the student's GitHub user name (not published)")
    _now_option(claim)
    claim.set_defaults(handler=_claim)

    release = commands.add_parser(
        "release", help="remove a claim", description="Remove the claim of a paper (not pinned or presented ones).",
        epilog="Example: course signup release --paper olsson2022context")
    release.add_argument("--paper", required=True, help="the BibTeX key of the paper")
    release.add_argument("--name", help="whose claim, when several students claimed the paper")
    release.set_defaults(handler=_release)

    listing = commands.add_parser(
        "list", help="slots with their free places, and each paper's status",
        description="Show the slots with their free places and each open or claimed paper's status.",
        epilog="Example: course signup list --json")
    listing.add_argument("--json", action="store_true", help='print {"slots": [...], "papers": [...]} as JSON')
    listing.set_defaults(handler=_list)

    generate = commands.add_parser(
        "form", help="write the GitHub issue form from the data",
        description="Write the issue form of the sign-up buttons, .github/ISSUE_TEMPLATE/presentation-signup.yml "
                    "(its slot dropdown comes from readings/presentations.yml).",
        epilog="Example: course signup form --check   (exit status 1 if the form is out of date)")
    generate.add_argument("--check", action="store_true", help="only check that the form is up to date")
    generate.set_defaults(handler=_form)

    apply = commands.add_parser(
        "apply-issues", help="record the sign-up issues of a JSON file (the sign-up workflow runs this)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Record sign-up issues, first come, first served by creation time. Running it again on the "
                    "same issues changes nothing.",
        epilog="Example:\n  gh issue list --label presentation-signup --json number,title,body,author,createdAt,labels,state > issues.json\n"
               "  course signup apply-issues issues.json --outcomes outcomes.json")
    apply.add_argument("files", nargs="*", type=Path, metavar="ISSUES.json", help="issues as `gh issue list --json` or the REST API write them")
    apply.add_argument("--from-env", action="store_true", help="also the issue in ISSUE_NUMBER, ISSUE_BODY, ISSUE_AUTHOR, ISSUE_CREATED_AT")
    apply.add_argument("--outcomes", type=Path, help="write the outcome of each issue here as JSON (number, status, comment, ...)")
    apply.set_defaults(handler=_apply_issues)


def _now_option(parser) -> None:
    parser.add_argument("--now", type=_moment, help=argparse.SUPPRESS)  # pretend it is this time (tests, dry runs)


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a time such as 2027-03-01T09:30:00-07:00") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r} needs a UTC offset, e.g. 2027-03-01T09:30:00-07:00")
    from course.data.fields import in_years

    try:
        return in_years(moment, value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _load(args) -> CourseData | None:
    """The course data, or None after printing why sign-ups cannot be run on it."""
    from course.data.load import load_course_data

    layout = project_layout(args)
    if layout is None:
        return None
    try:
        data = load_course_data(layout)
    except CourseDataError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) in the course data; fix them first (course check lists them).", file=sys.stderr)
        return None
    if data.presentations is None:
        print(f"{layout.show(layout.presentations_file())}: not found; create it to run sign-ups (see the README's instructor guide)", file=sys.stderr)
        return None
    return data


def _change(args, decide):
    """Load the data, then run ``decide(draft)`` under the lock and write what it changed; None after an error."""
    from course.signups.store import StoreError, change

    data = _load(args)
    if data is None:
        return None
    try:
        return change(data, data.layout.cache / "signups.lock", decide)
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
    except CourseDataError as error:
        print(error, file=sys.stderr)
    return None


def _report(result, verb: str) -> int:
    if result is None:
        return 1
    if not result.ok:
        print(f"refused: {result.message}", file=sys.stderr)
        return 1
    print(f"{verb}: {result.message}")
    return 0


def _claim(args) -> int:
    from course.signups import actions

    candidate = actions.proposed(args.name, args.paper, args.slot, args.handle, args.now or dt.datetime.now(dt.timezone.utc))
    if isinstance(candidate, str):  # hostile or malformed text is refused before anything is read
        print(f"refused: {candidate}", file=sys.stderr)
        return 1
    return _report(_change(args, lambda draft: actions.claim(draft, candidate)), "recorded")


def _release(args) -> int:
    from course.signups import actions

    return _report(_change(args, lambda draft: actions.release(draft, args.paper, args.name)), "released")


def _list(args) -> int:
    from course.signups import actions

    data = _load(args)
    if data is None:
        return 1
    board = data.presentations
    state = actions.listing(board)
    if args.json:
        print(json.dumps(state, indent=2, ensure_ascii=False))
        return 0
    print("Slots")
    for slot in state["slots"]:
        info = board.slots[slot["id"]]
        print(f"  {slot['id']}  {info.when}  {slot['remaining']} of {slot['capacity']} places left")
    print("Papers")
    width = max((len(p["key"]) for p in state["papers"]), default=0)
    for paper in state["papers"]:
        who = f" by {paper['claimed_by']}" if paper["claimed_by"] else ""
        print(f"  {paper['key']:<{width}}  {paper['status']}{who}")
    return 0


def _form(args) -> int:
    from course.signups import form

    data = _load(args)
    if data is None:
        return 1
    text = form.render(data.presentations, data.layout.site_url)
    path = data.layout.root / form.FORM_PATH
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if args.check:
        if current != text:
            print(f"{form.FORM_PATH}: out of date; run `course signup form`", file=sys.stderr)
            return 1
        print(f"{form.FORM_PATH}: up to date")
        return 0
    if current != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {form.FORM_PATH}")
    else:
        print(f"{form.FORM_PATH}: already up to date")
    return 0


def _apply_issues(args) -> int:
    from course.signups import issues

    try:
        found = issues.read_issues(args.files)
        extra = issues.issue_from_env() if args.from_env else None
    except issues.IssueFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if extra is not None and all(i.number != extra.number for i in found):
        found.append(extra)
    outcomes = _change(args, lambda draft: issues.reconcile(draft, found))
    if outcomes is None:
        return 1
    for outcome in outcomes:
        print(f"#{outcome.number} {outcome.message}")
    if not outcomes:
        print("no open sign-up issues")
    if args.outcomes:
        args.outcomes.write_text(issues.outcomes_json(outcomes), encoding="utf-8")
    return 0
