"""Write outputs where nobody sees them until they are complete.

A build writes into a hidden sibling directory and swaps it into place only when every
file is written, so a crash, a bad input or a kill leaves the previous outputs as they were.

Hidden siblings are named ``.<target>.kg-<pid>-<random>`` (staging) and
``.<target>.old-<pid>-<random>`` (the previous outputs during the swap). A stop signal
(`STOP_SIGNALS`: SIGINT, SIGTERM, SIGHUP) lets the owner remove its own; after a SIGKILL
they stay until the next write to the same target, which sweeps those of processes that no
longer run (`sweep_stale`).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import KgError, KgInputError

STAGING = "kg"
RETIRED = "old"
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))
"""The signals on which a command stops cleanly, removing what it staged and stopping its child
processes: Ctrl-C, SIGTERM, and a hang-up (the terminal closed, the ssh session dropped; Windows
has no SIGHUP). The command line has each raise KeyboardInterrupt, as Ctrl-C does."""
_STORAGE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""A full disk, a quota or a size limit: raised by a write or a close, which name no file."""


def check_replaceable(target: str | Path, *, local: Path | None, is_dir: bool,
                      names: Callable[[], Iterable[str]], ours: Callable[[str], bool], earlier: str) -> None:
    """Refuse to replace the existing output directory `target` as a whole, which deletes what
    it holds: when it is not a directory, when it holds anything but `ours` (it is not an
    `earlier` output: the input perhaps, the user's notes), or when, at the local path `local`
    (None: not on this machine), it holds the current directory. `names` lists its entries."""
    if local is not None and Path.cwd().is_relative_to(local):  # the shell would be left in a deleted directory
        raise KgInputError("holds the current directory, and a build replaces its output directory "
                           "as a whole; not replacing it (choose a new -o)", target)
    if not is_dir:
        raise KgInputError("exists and is not a directory; not replacing it (choose a new -o)", target)
    foreign = sorted(name for name in names() if not ours(name))
    if foreign:
        raise KgInputError(f"is a directory that is not an earlier {earlier} (it holds {foreign[0]!r}"
                           f"{f' and {len(foreign) - 1} more' if len(foreign) > 1 else ''}); "
                           "not replacing it (choose a new -o)", target)


def check_not_an_input(target: str | Path, inputs: Iterable[str | Path], reason: str) -> None:
    """Refuse `target` (KgInputError naming it as given, with `reason`) when it is one of the
    files the command reads: the staged output would replace its own input."""
    if Path(target).exists() and any(Path(i).exists() and os.path.samefile(i, target) for i in inputs):
        raise KgInputError(reason, target)


@contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """Yield an empty directory beside `target`; on success it replaces `target` (what it
    leads to when it is a symbolic link: `_followed`)."""
    target = _followed(Path(target))
    with _parents_made(target), _errors_naming(target):
        sweep_stale(target)
        staging = Path(tempfile.mkdtemp(prefix=_prefix(target, STAGING), dir=target.parent))
        try:
            yield staging
            os.chmod(staging, permitted(0o777))
            _replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def staged_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it is renamed to `target` (what it
    leads to when it is a symbolic link: `_followed`)."""
    target = _followed(Path(target))
    with _parents_made(target), _errors_naming(target):
        sweep_stale(target)
        fd, name = tempfile.mkstemp(prefix=_prefix(target, STAGING), dir=target.parent)
        os.close(fd)
        staging = Path(name)
        try:
            yield staging
            os.chmod(staging, permitted(0o666))
            os.replace(staging, target)
        finally:
            staging.unlink(missing_ok=True)


def permitted(mode: int) -> int:
    """`mode` less the process's umask: the mode open() and mkdir() give what they make, which a
    staged file or directory takes in place of the owner-only one mkstemp and mkdtemp give it
    (under ``umask 077`` every output stays private, not only those written with open())."""
    umask = os.umask(0o077)  # the only way to read it; 077 for the instant it is in force
    os.umask(umask)
    return mode & ~umask


def _followed(target: Path) -> Path:
    """`target`, or the path it leads to when it is a symbolic link (an output directory linked
    to a larger disk, say): what the link leads to is replaced and the link stays. A rename onto
    the link would replace the link itself, leaving the new outputs in its place and the
    earlier ones where it led."""
    return Path(os.path.realpath(target)) if target.is_symlink() else target


@contextmanager
def _errors_naming(target: Path) -> Iterator[None]:
    """The system's refusals in the block (a read-only directory, a full disk) name `target`,
    the path the user gave, rather than its hidden staging sibling or a file in that. A full
    disk met by a write names no file at all: it is `target`'s then, the file (or directory)
    the block writes. kg's own errors that quote a hidden path (the query cache's, made in
    another process) quote `target` instead."""
    hidden = re.compile(rf"\.{re.escape(target.name)}\.(?:{STAGING}|{RETIRED})-\d+-[^/]*")
    try:
        yield
    except OSError as err:
        if err.filename is None and err.errno in _STORAGE_ERRORS:
            raise OSError(err.errno, err.strerror, str(target)) from None
        if not isinstance(err.filename, str) or not hidden.search(err.filename):
            raise
        raise OSError(err.errno, err.strerror, hidden.sub(lambda _: target.name, err.filename, count=1)) from None
    except KgError as err:
        if not hidden.search(str(err)):
            raise
        err.args = (hidden.sub(lambda _: target.name, str(err)),)
        raise


@contextmanager
def _parents_made(target: Path) -> Iterator[None]:
    """Make the missing directories above `target`; if the block fails, remove those it made,
    so that a failed write leaves no trace (nor an empty directory of its own)."""
    missing = []
    parent = target.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    if not parent.is_dir():
        raise KgInputError(f"is a file, not a directory: {target} cannot be written there", parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield
    except BaseException:
        for directory in missing:  # the deepest first
            try:
                directory.rmdir()
            except OSError:  # not empty (someone else wrote there meanwhile) or gone
                break
        raise


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
    # A stop must never find the target missing (between the renames) nor leave the retired
    # outputs behind, so the stop signals wait until the swap is over.
    with _signals_held():
        retired = Path(tempfile.mkdtemp(prefix=_prefix(target, RETIRED), dir=target.parent))
        try:
            os.rename(target, retired / target.name)
            try:
                os.rename(staging, target)
            except OSError:
                os.rename(retired / target.name, target)
                raise
        finally:
            shutil.rmtree(retired, ignore_errors=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold the stop signals until the block ends, then raise the first one received.

    Python handlers, not a signal mask: any thread of the process may receive a signal, and
    Python runs its handlers in the main thread. Elsewhere nothing is held, as no signal
    interrupts a thread other than the main one.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, frame: received.append(signum))
                for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if received:
            signal.raise_signal(received[0])
