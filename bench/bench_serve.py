"""The instructor's loop (issue 16): in ``mkdocs serve``, run as ``make serve`` runs it, the time from saving a
YAML file to the served page showing the change.  A session's title is changed in readings/schedule.yml (a new
title each time) and the session's page and the schedule are fetched every 50 ms until both show it: the time
from the save is the latency.  Also the time from starting ``mkdocs serve`` to its first page (its first build).
The copy of the course reuses the checkout's notebook cache, so no kernel runs.

    python -m bench.bench_serve
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.report import ROOT, RUNS, copy_course, environment, median, publish, set_cache_dir, table

GOAL = 2.0  # seconds from the save to the page showing it (issue 16)
EDITS = 5  # saves per server
POLL = 0.05  # seconds between two fetches of a page
SETTLE = 1.0  # seconds of quiet before each save (the watcher polls every 0.1 s: course/watching.py)
_SERVING = re.compile(r"Serving on (http://\S+)")
_BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")


@dataclass
class Server:
    """A running ``mkdocs serve``: its address (ending in '/'), its log, and how long it took to serve a page."""

    process: subprocess.Popen
    base: str
    log: Path
    started: float

    def text(self) -> str:
        return _tail(self.log, None)

    def builds(self) -> list[float]:
        """MkDocs' own figure for each build so far (the first build, then one per rebuild)."""
        return [float(seconds) for seconds in _BUILT.findall(self.text())]

    def building(self) -> int:
        """Builds started so far (finished or not)."""
        return self.text().count("Building documentation...")

    def cpu(self) -> float | None:
        """CPU seconds the server has used so far (Linux; None elsewhere): on a shared machine, less bent by the
        other work than the wall-clock (not free of it: cores that are shared run slower)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _mkdocs() -> list[str]:
    script = Path(sys.executable).parent / "mkdocs"  # .venv/bin/mkdocs, as make serve runs it
    return [str(script)] if script.exists() else [sys.executable, "-m", "mkdocs"]


def _fetch(url: str, timeout: float) -> str | None:
    """The page's HTML, or None while it is not served (the server waits for a rebuild before it answers)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


@contextlib.contextmanager
def serving(project: Path, page: str, *, timeout: float = 1200.0):
    """``mkdocs serve --livereload`` of ``project`` on a free port, as ``make serve`` runs it, until it serves
    ``page`` (a site path such as 'schedule/'): yields the ``Server``.  On leaving, whatever happens, the server's
    process group is interrupted (as Ctrl-C does: it removes its temporary site) and killed if it lingers."""
    log = project.parent / f"serve-{project.name}.log"
    command = _mkdocs() + ["serve", "--livereload", "--dev-addr", f"127.0.0.1:{_free_port()}"]
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=project, env=environment(), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        base = None
        while time.perf_counter() - start < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"mkdocs serve exited ({process.returncode}) in {project}:\n{_tail(log)}")
            if base is None and (match := _SERVING.search(_tail(log, None))):
                base = match[1].rstrip("/") + "/"
            if base and _fetch(base + page, timeout) is not None:
                yield Server(process, base, log, time.perf_counter() - start)
                return
            time.sleep(POLL)
        raise RuntimeError(f"mkdocs serve served no page within {timeout:.0f} s in {project}:\n{_tail(log)}")
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Ctrl-C to the server's process group, then a kill to whatever of the group is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _tail(log: Path, chars: int | None = 3000) -> str:
    text = log.read_text(encoding="utf-8", errors="replace")
    return text[-chars:] if chars else text


def first_session(schedule: Path) -> str:
    """The id of the first session of ``schedule`` (a schedule.yml)."""
    return re.search(r"(?m)^[ \t]*- id: *([\w-]+)", schedule.read_text(encoding="utf-8"))[1]


def retitle(schedule: Path, session_id: str, title: str) -> None:
    """Save ``schedule`` with the session ``session_id`` titled ``title`` (written in place, as an editor saves)."""
    text = schedule.read_text(encoding="utf-8")
    entry = re.search(rf"(?m)^([ \t]*)- id: *{re.escape(session_id)}[ \t]*(#.*)?$", text)
    title_line = re.compile(rf"(?m)^{entry[1]}  title: .*$")
    found = title_line.search(text, entry.end())
    schedule.write_text(text[:found.start()] + f'{entry[1]}  title: "{title}"' + text[found.end():], encoding="utf-8")


def save_and_wait(server: Server, schedule: Path, session_id: str, title: str, pages: list[str], *,
                  timeout: float = 300.0) -> float:
    """Seconds from saving ``schedule`` with the session retitled to every page of ``pages`` showing the title."""
    retitle(schedule, session_id, title)
    saved = time.perf_counter()
    waiting = list(pages)
    while waiting:
        if time.perf_counter() - saved > timeout:
            raise RuntimeError(f"{', '.join(waiting)} did not show {title!r} within {timeout:.0f} s:\n{_tail(server.log)}")
        waiting = [page for page in waiting if title not in (_fetch(server.base + page, timeout) or "")]
        if waiting:
            time.sleep(POLL)
    return time.perf_counter() - saved


def loop(project: Path, edits: int = EDITS, *, tag: str = "") -> dict:
    """One server of ``project``, ``edits`` saves of a session title: the figures of that server."""
    from course.ground import urls

    schedule = project / "readings" / "schedule.yml"
    session = first_session(schedule)
    pages = [urls.page_url(urls.session_page(session)), urls.page_url(urls.SCHEDULE)]
    latencies, cpu = [], []
    with serving(project, pages[0]) as server:
        for i in range(edits):
            time.sleep(SETTLE)
            before = server.cpu()
            latencies.append(save_and_wait(server, schedule, session, f"Retitled {tag}{i} {os.getpid()}", pages))
            if before is not None:
                cpu.append(server.cpu() - before)
        time.sleep(2 * SETTLE)  # a build that saved into a watched folder would start another one by now
        builds, started = server.builds(), server.building()
        first = server.started
    return {"latencies": latencies, "cpu": cpu, "first": first, "first_build": builds[0], "rebuilds": builds[1:],
            "started": started, "session": session}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        project = copy_course(work / "course")
        set_cache_dir(project, (ROOT / ".cache" / "course").resolve())  # the checkout's notebooks: no kernel runs
        runs = [loop(project, tag=f"{run}.") for run in range(RUNS)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    latencies = [x for run in runs for x in run["latencies"]]
    rebuilds = [x for run in runs for x in run["rebuilds"]]
    cpu = [x for run in runs for x in run["cpu"]]
    saves = len(latencies)
    started = sum(run["started"] for run in runs) - len(runs)  # builds started after the first ones
    verdict = "OK" if median(latencies) <= GOAL else "over"
    rows = [_row("save of schedule.yml to the page showing it", latencies, bold=True),
            _row("of which the rebuild (MkDocs' own figure)", rebuilds)]
    if cpu:
        rows.append(_row("CPU time of the server from the save to the page", cpu))
    rows += [_row("start to serving the first page", [run["first"] for run in runs]),
             _row("of which the first build (MkDocs' own figure)", [run["first_build"] for run in runs])]
    figures = table(["`make serve`", "median", "max"], rows)
    rebuilt = "one rebuild per save" if started == saves else f"{started} rebuilds for {saves} saves"
    goal = f"Goal: at most {GOAL:.0f} s from the save to the page (median): {verdict}; {rebuilt}."
    print(f"mkdocs serve, {len(runs)} server(s) x {EDITS} saves:\n\n{figures}\n\n{goal}\n")
    publish("serve", "The instructor's loop: edit, save, see",
            f"The default course in `mkdocs serve --livereload` (what `make serve` runs), its notebooks from the cache. "
            f"The title of its first session (`{runs[0]['session']}`) is changed in `readings/schedule.yml`, a new one each "
            f"time, and the session's page and the schedule are fetched every {POLL * 1000:.0f} ms until both show it "
            f"(the server answers once the rebuild is done). {len(runs)} server(s), {EDITS} saves each: figures over all "
            f"{saves} saves.\n\n{figures}\n\n{goal}", runs=saves)
    if started != saves:
        raise RuntimeError(f"mkdocs serve rebuilt {started} times for {saves} saves (a build writing into a watched folder?)")


def _row(label: str, seconds: list[float], *, bold: bool = False) -> list[str]:
    middle = f"{median(seconds):.1f} s"
    return [label, f"**{middle}**" if bold else middle, f"{max(seconds):.1f} s"]


if __name__ == "__main__":
    main()
