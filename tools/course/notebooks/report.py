"""The execution report page: per notebook, time, peak memory and cache status."""

from __future__ import annotations

from datetime import datetime, timezone

from course.notebooks.runner import NotebookResult

_CACHE = {"cached": "hit", "executed": "miss", "not-run": "not run (execution off)", "failed": "failed"}


def report_markdown(results: list[NotebookResult], now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    lines = [
        "# Notebook execution report",
        "",
        f"Site built {now:%Y-%m-%d %H:%M} UTC. Each notebook runs in its own kernel, in its own folder, with fixed",
        "seeds and one thread per math library. A cache **hit** means its code cells, local modules, data files",
        "and library versions are unchanged since the run shown, so no kernel was started; time and memory are",
        "those of that run.",
        "",
        "| Notebook | Cache | Time | Peak memory | Executed (UTC) |",
        "|---|---|---:|---:|---|",
    ]
    for result in results:
        cache = _CACHE.get(result.status, result.status)
        if result.status == "executed" and result.reason:
            cache += f" ({result.reason})"
        seconds = f"{result.seconds:.1f} s" if result.seconds is not None else "–"
        memory = f"{result.peak_mb:.0f} MB" if result.peak_mb else "–"
        date = result.executed_at.replace("T", " ")[:16] if result.executed_at else "–"
        lines.append(f"| [{_cell(result.name)}]({result.name}.ipynb) | {_cell(cache)} | {seconds} | {memory} | {date} |")
    if not results:
        lines.append("| (no notebooks) | | | | |")
    total = sum(r.seconds or 0 for r in results if r.status == "executed")
    lines += ["", f"Executed in this build: {sum(r.status == 'executed' for r in results)} notebook(s), {total:.1f} s of kernel time.", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
