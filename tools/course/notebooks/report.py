"""The notebooks page: every notebook with its session and download, and how its last run went
(time, peak memory, cache status)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from course.notebooks.runner import NotebookResult
from course.render.env import md

_CACHE = {"cached": "hit", "executed": "miss", "not-run": "not run (execution off)", "failed": "failed"}


def report_markdown(results: list[NotebookResult], now: datetime | None = None,
                    sessions: dict[str, tuple[str, str]] | None = None) -> str:
    """The page's Markdown.  ``sessions`` maps a notebook to the (label, link) of the session that
    shows it; the link is relative to this page."""
    now = now or datetime.now(timezone.utc)
    sessions = sessions or {}
    lines = [
        "# Notebooks",
        "",
        "The course's code: each notebook trains its models from scratch on a CPU and checks its own",
        "claims with assertions. Read one on its session's page, download the executed `.ipynb`, or open",
        "it in Colab from there.",
        "",
        "## Execution report",
        "",
        f"Site built {now:%Y-%m-%d %H:%M} UTC. Each notebook runs in its own kernel, in its own folder, with fixed",
        "seeds and one thread per math library. A cache **hit** means its code cells, local modules, data files",
        "and library versions are unchanged since the run shown, so no kernel was started; time and memory are",
        "those of that run.",
        "",
        "| Notebook | Session | Cache | Time | Peak memory | Executed (UTC) |",
        "|---|---|---|---:|---:|---|",
    ]
    course_order = {name: i for i, name in enumerate(sessions)}  # the schedule's order, unlinked ones last
    for result in sorted(results, key=lambda r: (course_order.get(r.name, len(course_order)), r.name)):
        cache = _CACHE.get(result.status, result.status)
        if result.status == "executed" and result.reason:
            cache += f" ({result.reason})"
        seconds = f"{result.seconds:.1f} s" if result.seconds is not None else "–"
        memory = f"{result.peak_mb:.0f} MB" if result.peak_mb else "–"
        date = result.executed_at.replace("T", " ")[:16] if result.executed_at else "–"
        label, link = sessions.get(result.name, ("–", ""))
        session = f"[{_cell(label)}]({link})" if link else _cell(label)
        lines.append(f"| [{_cell(_title(result))}]({result.name}.ipynb) | {session} | {_cell(cache)} | {seconds} | {memory} | {date} |")
    if not results:
        lines.append("| (no notebooks) | | | | | |")
    total = sum(r.seconds or 0 for r in results if r.status == "executed")
    lines += ["", f"Executed in this build: {sum(r.status == 'executed' for r in results)} notebook(s), {total:.1f} s of kernel time.", ""]
    return "\n".join(lines)


def _title(result: NotebookResult) -> str:
    """The notebook's own title (its first ``#`` heading), or its name."""
    for cell in result.nb.cells if result.nb else ():
        if cell.cell_type == "markdown":
            match = re.search(r"(?m)^# +(.+?)\s*$", cell.source)
            if match:
                return match[1]
    return result.name


def _cell(text: str) -> str:
    """Text for a table cell: no column break, no Markdown or HTML of its own (session titles are data)."""
    return str(md(text))
