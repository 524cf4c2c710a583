"""``course new DIR``: a new course that builds at once, from the generator's own scaffold (package data, so it
works outside this repository): mkdocs.yml, course facts and a few sessions with their schema lines, an empty
papers.bib, content/, the README with the two commands, the Makefile, CI and the deploy workflow."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from string import Template

from course.commands import empty_folder

SCAFFOLD = Path(__file__).resolve().parent.parent / "scaffold"
# Scaffold files whose names start with a dot in the course (package data leaves dot-files out).
DOT_NAMES = {"ci-run": ".ci/run", "gitignore": ".gitignore", "github-deploy.yml": ".github/workflows/deploy.yml"}


def register(subparsers) -> None:
    monday = _next_monday(dt.date.today())
    parser = subparsers.add_parser(
        "new", help="start a new course in a new folder, ready to build",
        description="Write a new course (mkdocs.yml, readings/, papers.bib, content/, README, Makefile, CI) into DIR. "
                    "Without options it uses placeholders, and the result still builds.",
        epilog='Example: course new ../num210 --code "NUM 210" --title "Numerical Linear Algebra" --term "Winter 2027/28" '
               "--start 2027-10-18 --end 2028-02-11 --days Mon,Wed,Fri --time 10:15-11:45 --timezone Europe/Berlin",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, metavar="DIR", help="a folder that does not exist yet (or is empty)")
    parser.add_argument("--code", default="COURSE 101", help="the course code, e.g. \"MATH 598B\"")
    parser.add_argument("--title", default="A new course", help="the course title")
    parser.add_argument("--term", default="Next term", help="the term's name, e.g. \"Spring 2027\"")
    parser.add_argument("--start", default=monday.isoformat(), help="first day of term, YYYY-MM-DD (default: next Monday)")
    parser.add_argument("--end", default=(monday + dt.timedelta(weeks=15, days=4)).isoformat(), help="last day of term")
    parser.add_argument("--days", default="Tue,Thu", help="meeting days, e.g. Mon,Wed,Fri")
    parser.add_argument("--time", default="10:00-11:15", help="meeting time, HH:MM-HH:MM")
    parser.add_argument("--timezone", default="America/Denver", help="an IANA time zone, e.g. Europe/Berlin")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from course.data.course import Course
    from course.data.validate import message_for
    from pydantic import ValidationError

    folder: Path = args.folder
    if not empty_folder(folder):
        return 1
    start_time, _, end_time = args.time.partition("-")
    days = [day.strip() for day in args.days.split(",") if day.strip()]
    facts = {"code": args.code, "title": args.title, "term": {"name": args.term, "start": args.start, "end": args.end,
                                                              "timezone": args.timezone},
             "meetings": {"days": days, "start": start_time, "end": end_time, "location": "To be announced"}}
    try:
        Course.model_validate(facts)  # the options as course.yml will have them: refused here, with the reason
    except ValidationError as error:
        for item in error.errors(include_url=False):
            where = ".".join(str(part) for part in item["loc"] if not str(part).startswith("function-"))
            print(f"error: {where}: {message_for(item)}", file=sys.stderr)
        return 1
    values = {"site_name": json.dumps(f"{args.code}: {args.title}", ensure_ascii=False),
              "code": json.dumps(args.code, ensure_ascii=False), "title": json.dumps(args.title, ensure_ascii=False),
              "term": json.dumps(args.term, ensure_ascii=False), "start": args.start, "end": args.end,
              "timezone": args.timezone, "days": ", ".join(days), "meeting_start": start_time, "meeting_end": end_time}
    for source in sorted(p for p in SCAFFOLD.rglob("*") if p.is_file()):
        relative = source.relative_to(SCAFFOLD).as_posix()
        target = folder / DOT_NAMES.get(relative, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = Template(source.read_text(encoding="utf-8")).safe_substitute(values)
        if relative == "README.md":  # Markdown, not YAML: the name as written
            text = text.replace(values["site_name"], f"{args.code}: {args.title}")
        target.write_text(text, encoding="utf-8")
        if relative == "ci-run":
            target.chmod(0o755)
    (folder / "content").mkdir(exist_ok=True)
    _write_schemas(folder)
    print(f"wrote a new course in {folder}: `cd {folder} && make site` builds it, `make check` checks the data")
    return 0


def _write_schemas(folder: Path) -> None:
    from course.data import schemas

    for name in schemas.SCHEMAS:
        path = schemas.schema_path(folder / "readings", name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schemas.schema_text(name), encoding="utf-8")


def _next_monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 or 7)
