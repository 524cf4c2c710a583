"""``course notebooks run|list``: the notebooks outside a build, with a progress bar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from course.ground.errors import CourseDataError, Problem
from course.ground.layout import Layout

if TYPE_CHECKING:  # the runner is imported when a command runs, not when the CLI starts
    from course.notebooks.run import NotebookResult, Notebooks


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "notebooks",
        help="execute the lecture notebooks and fill the cache",
        description="Execute the lecture notebooks (the plugin's notebooks_dir in mkdocs.yml) and fill the build's cache "
                    "(its cache_dir), exactly as `mkdocs build` would.",
        epilog="Example: course notebooks run gpt-from-scratch   (then `mkdocs build` starts no kernel)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="notebooks_command", metavar="COMMAND")
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)

    run = commands.add_parser(
        "run",
        help="execute notebooks whose code or inputs changed (all, or those named)",
        description="Execute each notebook whose cache key changed, in parallel, and store the results.",
        epilog="Examples:\n  course notebooks run\n  course notebooks run --force gpt-from-scratch",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("names", nargs="*", metavar="NAME", help="notebook name, e.g. gpt-from-scratch (default: all)")
    run.add_argument("--force", action="store_true", help="execute even when the cached outputs are current")
    run.add_argument("--jobs", "-j", type=int, default=None, help="kernels at once (default: one per core)")
    run.add_argument("--timeout", type=int, default=None, help="seconds per cell, unless a notebook sets its own (default: the plugin's notebook_timeout)")
    run.add_argument("--shard", metavar="I/N", help="run only shard I of N (a stable partition by notebook), e.g. 1/2: "
                                                     "N jobs run in parallel, each into its own --cache-dir")
    run.add_argument("--cache-dir", type=Path, metavar="DIR", help="the cache to fill (default: the plugin's cache_dir)")
    run.set_defaults(handler=_run)

    merge = commands.add_parser(
        "merge", help="merge the caches of shard jobs into the build's cache",
        description="Copy the executed notebooks of each DIR (a --cache-dir of `course notebooks run --shard`) into the "
                    "build's cache, so that `mkdocs build` starts no kernel.",
        epilog="Example: course notebooks merge shard-1 shard-2")
    merge.add_argument("folders", nargs="+", type=Path, metavar="DIR", help="a shard's cache folder")
    merge.set_defaults(handler=_merge)

    listing = commands.add_parser(
        "list",
        help="list the notebooks and whether their cached outputs are current",
        epilog="Example: course notebooks list",
    )
    listing.set_defaults(handler=_list)


def _notebooks(args, **options) -> Notebooks:
    """The project's notebooks, with the folders, cache and options of mkdocs.yml (as the build has them);
    raises ``CourseDataError`` for a mistake in mkdocs.yml."""
    from dataclasses import replace

    from course.notebooks.run import Notebooks

    layout = Layout.from_mkdocs_yml(Path(args.root))
    if getattr(args, "cache_dir", None):
        layout = replace(layout, cache_dir=str(args.cache_dir.resolve()))
    return Notebooks(layout, **options)


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise CourseDataError([Problem("--shard", 0, 0, f"{text!r} is not a shard; write I/N with 1 <= I <= N, e.g. 1/2")])
    return int(index), int(count)


def _merge(args) -> int:
    from course.notebooks.cache import NotebookCache, merge_caches

    missing = [folder for folder in args.folders if not (folder / "notebooks" / "entries").is_dir()]
    if missing:
        print(f"error: {missing[0]} holds no notebook cache (no notebooks/entries/ in it); give the --cache-dir of a "
              "`course notebooks run --shard` job", file=sys.stderr)
        return 1
    try:
        notebooks = _notebooks(args, execute=False)
    except CourseDataError as error:
        print(error, file=sys.stderr)
        return 1
    names = merge_caches(notebooks.cache, [NotebookCache(folder / "notebooks") for folder in args.folders])
    print(f"merged {len(names)} notebooks into {notebooks.layout.show(notebooks.cache.root)}: {', '.join(names)}")
    return 0


def _run(args) -> int:
    from tqdm import tqdm

    from course.notebooks.publish import Publisher
    from course.notebooks.run import raise_failures, shard

    try:
        notebooks = _notebooks(args, timeout=args.timeout, jobs=args.jobs)
        sources = notebooks.sources(args.names or None)
        if args.shard:
            sources = shard(sources, *_shard(args.shard))
    except CourseDataError as error:
        print(error, file=sys.stderr)
        return 1
    bar = tqdm(total=len(sources), desc="notebooks", unit="nb", file=sys.stderr, dynamic_ncols=True)
    done: list[NotebookResult] = []

    def on_result(result: NotebookResult) -> None:
        done.append(result)
        bar.set_postfix_str(f"{result.name}: {result.status}")
        bar.update(1)

    results = notebooks.run(sources, force=args.force, on_result=on_result)
    bar.close()
    publisher = Publisher(notebooks.layout, notebooks.cache)  # the downloads, as the build would write them
    for result in results:
        publisher.write_copies(result)
    _print_summary(done)
    try:
        raise_failures(results)
    except CourseDataError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _print_summary(results: list[NotebookResult]) -> None:
    for r in sorted(results, key=lambda r: r.name):
        seconds = f"{r.seconds:7.1f} s" if r.seconds is not None else "        –"
        memory = f"{r.peak_mb:7.0f} MB" if r.peak_mb else "         –"
        note = f"  ({r.reason})" if r.status in ("executed", "failed") and r.reason else ""
        print(f"{r.name:30} {r.status:9} {seconds} {memory}{note}")


def _list(args) -> int:
    try:
        notebooks = _notebooks(args, execute=False)
        sources = notebooks.sources()
    except CourseDataError as error:
        print(error, file=sys.stderr)
        return 1
    for source in sources:
        print(f"{source.name:30} {notebooks.status(source)}")
    return 0
