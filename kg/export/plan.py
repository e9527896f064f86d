"""How `kg build` writes its exports: which process writes which, and the forked children.

With ``jobs`` > 1 the exports too are spread over processes: each is written by one
process, the parent writing its own share while ``jobs - 1`` forked children write theirs.
Children are forked rather than spawned because they need the whole graph (gigabytes at
100k papers), which a fork shares copy-on-write instead of pickling. The graph is frozen
out of the collector's generations (``gc.freeze()``) while the exports are written: no
collection then touches (and so copies) every page of it, and in one process the
collections that the writers' garbage triggers do not walk its millions of objects again.
A child reports its files, or its exception, through a pipe; the parent re-raises the
exception as it was. If anything fails or the parent is stopped (Ctrl-C, SIGTERM, a hang-up:
`kg.staging.STOP_SIGNALS`), the children still running are killed before the staging
directory is removed, so nothing is left behind. Without a safe "fork" (Windows, macOS) the
exports are written one after the other.

The query cache of graph.nt is made by a process of its own, stopped like the children. With
more than one job it starts as soon as graph.nt is written (its task comes first in the
parent's share) and runs while the other exports are written. With one job it starts once
they are written, so that one process works at a time: ``--jobs 1`` is for a machine, or a
share of one, with a single CPU to give.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

import kg
from kg.errors import KgWorkerError
from kg.export import EXPORTS, JOINT_WRITERS, Export, Joint, Written
from kg.staging import STOP_SIGNALS

QUERY_CACHE_COST = 45.0
"""Rough seconds to make the query cache of a 100k-paper graph.nt (as `Export.cost`: 71 CPU
seconds in 45 here, its bulk load running two threads). It is made by a process of its own,
but takes the CPU from the exports written meanwhile, so it counts in the share that starts it."""


@dataclass(frozen=True)
class ExportTask:
    """What one process writes in a row: an export, or the exports a joint writer makes
    together; with `query_cache`, the query cache of the graph.nt among them is made too
    (by `_run_share`, in a process of its own)."""

    exports: tuple[Export, ...]
    joint: Joint | None = None
    query_cache: bool = False

    @property
    def cost(self) -> float:
        cost = self.joint.cost if self.joint else sum(export.cost for export in self.exports)
        return cost + (QUERY_CACHE_COST if self.query_cache else 0)

    def run(self, graph: nx.MultiDiGraph, out_dir: Path, options: dict[str, Any]) -> list[Written]:
        if self.joint:
            return self.joint.write(graph, out_dir, **options)
        return [export.write(graph, out_dir, **options) for export in self.exports]


def export_plan(jobs: int, query_cache: bool = False) -> list[list[ExportTask]]:
    """The export tasks of `kg build` in `jobs` shares of about equal cost, the parent's first,
    each in EXPORTS order; with `query_cache`, graph.nt's task makes the query cache too: that
    task is first in the parent's share, so that the cache is made while the rest are written.

    Longest task first to the least loaded share; a share never holds nothing while
    another holds two tasks, and the plan is the same on every run."""
    def task(exports: tuple[Export, ...], joint: Joint | None = None) -> ExportTask:
        return ExportTask(exports, joint, query_cache and any(e.filename == "graph.nt" for e in exports))

    tasks = [task(joint.exports, joint) for joint in JOINT_WRITERS]
    joined = {export.filename for task in tasks for export in task.exports}
    tasks += [task((export,)) for export in EXPORTS if export.filename not in joined]
    tasks.sort(key=lambda task: EXPORTS.index(task.exports[0]))
    shares: list[list[ExportTask]] = [[] for _ in range(max(1, min(jobs, len(tasks))))]
    for task in sorted(tasks, key=lambda task: (not task.query_cache, -task.cost)):
        min(shares, key=lambda share: sum(t.cost for t in share)).append(task)
    return [sorted(share, key=lambda task: (not task.query_cache, tasks.index(task))) for share in shares]


def write_exports(graph: nx.MultiDiGraph, out_dir: Path, options: dict[str, Any],
                  jobs: int = 1, query_cache: bool = False) -> list[Written]:
    """Write every export of EXPORTS into `out_dir` (with `query_cache`, and the query cache
    of graph.nt) over `jobs` processes when "fork" is available; returns what was written,
    in EXPORTS order."""
    shares = export_plan(jobs if _can_fork() else 1, query_cache)
    gc.freeze()  # the graph leaves the collector's generations: no collection walks it again
    try:
        if len(shares) == 1:
            written = _run_share(shares[0], graph, out_dir, options, overlap_cache=jobs > 1)
        else:
            written = _run_forked(shares, graph, out_dir, options)
    finally:
        gc.unfreeze()
    order = {export.filename: index for index, export in enumerate(EXPORTS)}
    return sorted(written, key=lambda w: order[w.path.name])


def _run_forked(shares: list[list[ExportTask]], graph: nx.MultiDiGraph, out_dir: Path,
                options: dict[str, Any]) -> list[Written]:
    """The first share in this process, each other one in a forked child, all at once."""
    children: list[_Child] = []
    try:
        for share in shares[1:]:
            with _stops_blocked():  # a stop received meanwhile is raised once the child is listed
                children.append(_Child(lambda share=share: _run_share(share, graph, out_dir, options)))
        written = _run_share(shares[0], graph, out_dir, options)
        for child in children:
            written += child.result()
    finally:
        for child in children:
            child.stop()
    return written


def _run_share(share: list[ExportTask], graph: nx.MultiDiGraph, out_dir: Path,
               options: dict[str, Any], overlap_cache: bool = True) -> list[Written]:
    """Write `share` in this process. When it makes the query cache, a process of its own makes
    it: started as soon as graph.nt is written, while the share's other exports are written,
    or with `overlap_cache` false once they are."""
    written: list[Written] = []
    cache: _CacheProcess | None = None
    try:
        for task in share:
            written += task.run(graph, out_dir, options)
            if task.query_cache and overlap_cache:
                cache = _CacheProcess(out_dir / "graph.nt")
        if cache is None and any(task.query_cache for task in share):
            cache = _CacheProcess(out_dir / "graph.nt")
        if cache is not None:
            cache.wait()
    finally:
        if cache is not None:
            cache.stop()
    return written


def make_query_cache(data: Path) -> None:
    """Make the query cache of the graph.nt that `kg build` wrote (`kg.query.open_cached_store`,
    trusted: kg's own export) and close it."""
    from kg.query import open_cached_store

    store = open_cached_store(data, trusted=True)
    del store  # closed now: no lock or open file stays behind


@contextmanager
def _stops_blocked() -> Iterator[None]:
    """The stop signals held pending in the block, so that a child forked there starts with
    them blocked and only receives them once it has replaced the parent's handlers with its own
    (otherwise Ctrl-C right after the fork raises KeyboardInterrupt in the child's at-fork hooks)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _can_fork() -> bool:
    """Whether forking this process is safe: not on macOS, where system libraries loaded by now
    may crash a forked child (why Python itself stopped forking there by default)."""
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


class _Child:
    """A forked process running `work`; `result` returns what it returned or raises what it raised."""

    def __init__(self, work: Callable[[], list[Written]]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read)
            _child_main(work, write)
        os.close(write)
        self.pid: int | None = pid
        self.pipe = os.fdopen(read, "rb")

    def result(self) -> list[Written]:
        data = self.pipe.read()
        assert self.pid is not None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0:  # it exits with 0 once its message is sent
            raise KgWorkerError(f"an export process died ({_describe(os.waitstatus_to_exitcode(status))}, "
                                "e.g. killed when out of memory); nothing was written: try again with fewer jobs")
        return _unpacked(data)

    def stop(self) -> None:
        """Kill the child unless it has already reported, and reap it."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        self.pipe.close()


def _child_main(work: Callable[[], list[Written]], pipe: int) -> None:
    """Run `work` and send its `_outcome` through `pipe`; exit."""
    try:
        _child_signals()
        message = _outcome(work)
        with os.fdopen(pipe, "wb") as out:
            out.write(message)
    finally:
        os._exit(0)  # no atexit handler, no flush of the parent's buffers


class _CacheProcess:
    """`make_query_cache(data)` in a new Python process, while this one goes on writing.

    Not forked: a forked child would keep the graph's pages shared, and each page the writers
    here touch meanwhile (reference counts) would then be copied, up to the whole graph twice
    in memory. Not multiprocessing's "spawn" either, which imports the caller's main module
    again: a script calling `kg.workflow.build` without a ``__main__`` guard would build twice.
    The new process imports kg from where this one did, and holds only the store's bulk load."""

    def __init__(self, data: Path) -> None:
        kg_root = Path(kg.__file__).resolve().parent.parent
        with _stops_blocked():  # it starts with them blocked, until it ignores Ctrl-C itself
            self._process = subprocess.Popen([*_CACHE_COMMAND, str(kg_root), str(data)], env=_cache_environment(),
                                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)

    def wait(self) -> None:
        outcome, _ = self._process.communicate()
        if self._process.returncode != 0 or not outcome:  # it exits with 0 once its outcome is sent
            raise KgWorkerError(f"the process making the query cache died ({_describe(self._process.returncode)}, "
                                "e.g. killed when out of memory); nothing was written: "
                                "try again without the query cache")
        _unpacked(outcome)

    def stop(self) -> None:
        """Kill the process unless it has ended, and reap it."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        assert self._process.stdout is not None
        self._process.stdout.close()


CACHE_MALLOC_TUNABLES = "glibc.malloc.tcache_count=1000:glibc.malloc.mxfast=0"
"""glibc's allocator settings for a `_CacheProcess` (other C libraries ignore them): RocksDB's
bulk load spent a tenth of its time in glibc's malloc and free, mostly merging freed small blocks;
with no "fast bins" and more blocks kept per thread, the cache of 100k papers took 77-81 CPU
seconds instead of 83-93 (two runs each, on one core)."""


def _cache_environment() -> dict[str, str]:
    """This process's environment, with CACHE_MALLOC_TUNABLES before any tunables of its own
    (the later setting wins)."""
    own = os.environ.get("GLIBC_TUNABLES")
    return {**os.environ, "GLIBC_TUNABLES": f"{CACHE_MALLOC_TUNABLES}:{own}" if own else CACHE_MALLOC_TUNABLES}


_CACHE_COMMAND = (sys.executable, "-P", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                  "from kg.export.plan import cache_main; cache_main(sys.argv[2])")
"""A `_CacheProcess`'s command line, before the directory kg is imported from and graph.nt's path
(-P: a module in the current directory cannot shadow one kg imports)."""


def cache_main(data: str) -> None:
    """The work of a `_CacheProcess`: make the query cache, write the outcome to stdout."""
    _child_signals()
    sys.stdout.buffer.write(_outcome(lambda: make_query_cache(Path(data))))


def _child_signals() -> None:
    """Ctrl-C reaches the whole process group: a child ignores it and its parent stops it. The
    other stop signals end a child by default, not by the handler inherited from its parent
    (KeyboardInterrupt in its work): SIGTERM is sent to one process, and a hang-up, though it
    reaches the whole group, may be left unhandled by a script building through the API, whose
    children must then end by it themselves. One the parent ignores stays ignored (`nohup`)."""
    for signum in STOP_SIGNALS:
        ignored = signum == signal.SIGINT or signal.getsignal(signum) == signal.SIG_IGN
        signal.signal(signum, signal.SIG_IGN if ignored else signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _outcome(work: Callable[[], Any]) -> bytes:
    """``(True, result)`` or ``(False, exception)`` of `work`, pickled for the parent."""
    try:
        return pickle.dumps((True, work()))
    except BaseException as err:  # everything, to re-raise it in the parent
        try:
            message = pickle.dumps((False, err))
            pickle.loads(message)
            return message
        except Exception:  # an exception that does not pickle, or not back
            return pickle.dumps((False, KgWorkerError(f"{type(err).__name__}: {err}")))


def _unpacked(outcome: bytes) -> Any:
    """What a child's `work` returned; what it raised is raised here."""
    ok, value = pickle.loads(outcome)
    if not ok:
        raise value
    return value


def _describe(exit_code: int | None) -> str:
    """A child's end: a negative exit code is the signal that killed it."""
    return f"signal {-exit_code}" if exit_code is not None and exit_code < 0 else f"exit code {exit_code}"


