"""``course export DIR``: the site as a Markdown tree, for an engine other than MkDocs.

The core makes every page in memory (``render.registry.generate``); the MkDocs plugin hands them to
MkDocs, and this command writes them, together with the hand-written pages and files of docs_dir, into
DIR: the seam where an engine without MkDocs plugins would take over.  A session's notebook is left as
its marker, ``<!-- course:notebook NAME -->``, for that engine to fill (the plugin embeds it).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from course.commands import empty_folder, project_data


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="write the generated pages and docs_dir as one Markdown tree",
        description="Write every page the generator makes (Markdown with front matter, calendars, BibTeX files) and "
                    "the hand-written pages and files of docs_dir into DIR, for another site engine.",
        epilog="Example: course export build/markdown")
    parser.add_argument("folder", type=Path, metavar="DIR", help="a folder that does not exist yet (or is empty)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from course.render.env import SiteContext
    from course.render.registry import generate

    folder: Path = args.folder
    if not empty_folder(folder):
        return 1
    data = project_data(args)
    if data is None:
        return 1
    layout = data.layout
    ctx = SiteContext(site_url=layout.site_url, hand_written=dict(data.pages), repo_url=layout.repo_url)
    generated = generate(data, ctx)
    replaced = {file.src for file in generated}
    for path in sorted(p for p in layout.docs.rglob("*") if p.is_file()):
        src = path.relative_to(layout.docs).as_posix()
        if src not in replaced and not any(part.startswith(".") or part == "__pycache__" for part in Path(src).parts):
            (folder / src).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, folder / src)
    for file in generated:
        target = folder / file.src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.content if isinstance(file.content, bytes) else file.content.encode("utf-8"))
    pages = sum(1 for file in generated if file.src.endswith(".md"))
    print(f"wrote {pages} generated pages, {len(generated) - pages} other generated files and docs_dir into {folder}")
    return 0
