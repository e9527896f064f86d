"""Write outputs where nobody sees them until they are complete.

A build writes into a hidden sibling directory and swaps it into place only when every
file is written, so a crash, a bad input or a kill leaves the previous outputs as they were.

Hidden siblings are named ``.<target>.kg-<pid>-<random>`` (staging) and
``.<target>.old-<pid>-<random>`` (the previous outputs during the swap). SIGINT and SIGTERM
let the owner remove its own; after a SIGKILL they stay until the next write to the same
target, which sweeps those of processes that no longer run (`sweep_stale`).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGING = "kg"
RETIRED = "old"
_SWAP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """Yield an empty directory beside `target`; on success it replaces `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(target)
    staging = Path(tempfile.mkdtemp(prefix=_prefix(target, STAGING), dir=target.parent))
    try:
        yield staging
        os.chmod(staging, 0o755)
        _replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def staged_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it is renamed to `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(target)
    fd, name = tempfile.mkstemp(prefix=_prefix(target, STAGING), dir=target.parent)
    os.close(fd)
    staging = Path(name)
    try:
        yield staging
        os.chmod(staging, 0o644)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)


def sweep_stale(target: Path) -> list[Path]:
    """Remove the hidden siblings of `target` left by processes that no longer run; returns them.

    Previous outputs retired by a swap that was killed between its two renames are put
    back first when `target` is missing, so they are never lost.
    """
    target = Path(target)
    owned = re.compile(rf"\.{re.escape(target.name)}\.({STAGING}|{RETIRED})-(\d+)-")
    swept = []
    for sibling in sorted(target.parent.iterdir()):
        match = owned.match(sibling.name)
        if match is None or _running(int(match.group(2))):
            continue
        if match.group(1) == RETIRED and not os.path.lexists(target) and (sibling / target.name).exists():
            os.rename(sibling / target.name, target)
        if sibling.is_dir() and not sibling.is_symlink():
            shutil.rmtree(sibling, ignore_errors=True)
        else:
            sibling.unlink(missing_ok=True)
        swept.append(sibling)
    return swept


def _prefix(target: Path, role: str) -> str:
    return f".{target.name}.{role}-{os.getpid()}-"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _replace(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    if not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a directory")
    retired = Path(tempfile.mkdtemp(prefix=_prefix(target, RETIRED), dir=target.parent))
    # No SIGINT / SIGTERM between the two renames: the target is never missing on a clean stop.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _SWAP_SIGNALS)
    try:
        os.rename(target, retired / target.name)
        os.rename(staging, target)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    shutil.rmtree(retired, ignore_errors=True)
