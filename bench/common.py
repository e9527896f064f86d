"""What every benchmark here shares: the machine line, CPU timing, one child process per size."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable


def memory_gib() -> float:
    """Total memory of this machine in GiB (from /proc/meminfo)."""
    with open("/proc/meminfo") as meminfo:
        kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    return kb / 2**20


def machine() -> str:
    """One line describing the machine a figure was taken on."""
    return (f"{platform.processor() or platform.machine()}, nproc {os.cpu_count()}, "
            f"{memory_gib():.1f} GiB RAM, Python {platform.python_version()}")


def best_cpu_time(run: Callable[[], object], repeat: int = 1) -> float:
    """The least CPU time (seconds) of `repeat` calls of `run`."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def run_in_children(script: str, sizes: list[int]) -> list[dict]:
    """Run `script --child N` once per size, each in a fresh process so that peak memory is
    its own; each child prints one JSON object of figures."""
    rows = []
    for size in sizes:
        child = subprocess.run([sys.executable, script, "--child", str(size)], check=True,
                               capture_output=True, text=True)
        rows.append(json.loads(child.stdout))
        print(rows[-1], file=sys.stderr)
    return rows
