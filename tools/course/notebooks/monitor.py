"""Peak resident memory of a kernel process (and its children), sampled in the background."""

from __future__ import annotations

import threading
from pathlib import Path

import psutil


class PeakMemory:
    """Polls a process tree every ``interval`` seconds; on Linux also reads the kernel's exact
    high-water mark (VmHWM), which catches peaks shorter than the polling interval."""

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.peak_bytes = 0
        self._process: psutil.Process | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, pid: int | None) -> None:
        if pid is None:
            return
        try:
            self._process = psutil.Process(pid)
        except psutil.Error:
            return
        self._thread = threading.Thread(target=self._run, name=f"peak-memory-{pid}", daemon=True)
        self._thread.start()

    def sample(self) -> None:
        process = self._process
        if process is None:
            return
        try:
            total = process.memory_info().rss
            for child in process.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_bytes = max(self.peak_bytes, total, _high_water_mark(process.pid))
        except psutil.Error:
            pass

    def stop(self) -> float:
        """Stop polling; the peak in MB."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return round(self.peak_bytes / 2**20, 1)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()


def _high_water_mark(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0
