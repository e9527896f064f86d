"""Extraction spread over worker processes (`kg extract --jobs N`, `kg build --jobs N`).

Extracting one paper depends on nothing but that paper and the loaded pipeline, so papers
can be mapped over processes. Each worker loads the pipeline once (the pool's initializer)
and turns chunks of papers into their entities and results; only those small records
travel back, never spaCy Docs (shipping Docs made spaCy's own ``n_process=2`` slower than
one process). Chunks are yielded in input order, so the output is the same as with one
process, and at most a few chunks per worker are in flight, so memory does not grow with
the corpus. Workers are started with "spawn" (no state inherited from the parent) and
ignore SIGINT; when the consumer stops early, fails or is interrupted, the chunks not yet
started are cancelled and the workers killed (`_kill_workers`), even while they still load
their pipeline.
A parent that ends without shutting the pool down (killed by SIGKILL or the system) has its
workers exit too (`_exit_with_parent`).
A worker killed by the system (e.g. out of memory) fails the run with `KgWorkerError`
rather than hanging it, which is why this is a ProcessPoolExecutor, not a multiprocessing.Pool.
Without ``--jobs`` the command line takes `default_jobs`: a process per CPU for a large input.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path

from kg.errors import KgWorkerError
from kg.model import Entity, Paper, PaperExtraction, Result

CHUNK_SIZE = 64
"""Papers per task: large enough that pickling overhead is small, small enough to keep
every worker busy to the end and the progress bar moving."""
IN_FLIGHT_PER_JOB = 3

Found = tuple[tuple[Entity, ...], tuple[Result, ...]]

_extractor = None  # the worker process's Extractor, set by _load

PARALLEL_INPUT_BYTES = 2**20
"""Input (bytes of the files read) under which the command line's default is one process: below
it, workers (each loading its own pipeline, about 300 MB, before its first paper) gain little
for their memory. `kg build` of the bundled listing's 188 abstracts took 3.6 s in one process
and 3.4 s in two; of 1,000 abstracts (1.2 MB of JSON Lines), 5.8 s and 4.75 s."""
MOST_DEFAULT_JOBS = 8
"""The command line's default uses at most this many processes, each holding its own pipeline
(about 300 MB): more only when asked for."""


def default_jobs(sources: Sequence[str | Path]) -> int:
    """The command line's `--jobs` when not given: one process per CPU this process may run on
    (at most MOST_DEFAULT_JOBS), or one when `sources` (the bundled listing when empty) hold less
    than PARALLEL_INPUT_BYTES."""
    if sum(_size(Path(source)) for source in sources) < PARALLEL_INPUT_BYTES:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cpus, MOST_DEFAULT_JOBS)


def _size(path: Path) -> int:
    """Bytes of the file at `path`; 0 when it is missing (reading it fails with the usual error)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def extract_parallel(papers: Iterable[Paper], jobs: int, spacy_model: str | None = None,
                     chunk_size: int = CHUNK_SIZE) -> Iterator[PaperExtraction]:
    """The extractions of `papers`, in order, computed by `jobs` worker processes."""
    if spacy_model is not None:
        from kg.extract.pipeline import check_model

        check_model(spacy_model)
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_load, initargs=(spacy_model,))
    finished = False
    try:
        pending: deque[tuple[list[Paper], Future[list[Found]]]] = deque()
        chunks = _chunks(papers, chunk_size)
        for chunk in islice(chunks, jobs * IN_FLIGHT_PER_JOB):
            pending.append((chunk, executor.submit(_extract_chunk, chunk)))
        extracted_any = False
        while pending:
            chunk, future = pending.popleft()
            try:
                found = future.result()
                following = next(chunks, None)
                if following is not None:  # refused too once a worker has died, even between chunks
                    pending.append((following, executor.submit(_extract_chunk, following)))
            except BrokenProcessPool:
                raise KgWorkerError(_death(jobs, extracted_any)) from None
            extracted_any = True
            for paper, (entities, results) in zip(chunk, found):
                yield PaperExtraction(paper=paper, entities=entities, results=results)
        finished = True
    finally:
        if not finished:  # stopped, failed or interrupted: nothing the workers still make is used
            _kill_workers(executor)
        executor.shutdown(wait=True, cancel_futures=True)


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    """Kill `executor`'s workers now. Its shutdown cancels only the chunks no worker has taken:
    it would wait while each worker loads its pipeline (seconds) and extracts the chunks it has
    taken, one in hand and those queued for it. Python 3.14 has `kill_workers` for this; before
    it the workers are in the executor's table of processes.

    A worker killed while it sends a chunk's records (more than a pipe holds) leaves half a
    message in the results pipe, and the executor's thread reading it would wait for the rest
    for ever: this process holds the pipe's writing end too. So would the shutdown, which joins
    that thread (at exit too): a stopped `kg extract --jobs 2` hung about one time in eight.
    With this process's writing end closed, the read ends once the workers are dead, and the
    executor shuts down as broken."""
    kill = getattr(executor, "kill_workers", None)
    if kill is not None:
        kill()
    else:
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.kill()
    results = getattr(executor, "_result_queue", None)
    if results is not None:
        results._writer.close()


def _death(jobs: int, extracted_any: bool) -> str:
    """What a worker's death says. Before any paper came back, the worker may also have failed
    to start: "spawn" runs the caller's main module again in each worker, so a script that
    extracts with jobs at its top level, outside ``if __name__ == "__main__":``, extracts again
    in the worker, which multiprocessing refuses (its traceback is on stderr)."""
    if extracted_any:
        cause = "killed by the system, e.g. out of memory"
    else:
        cause = ("killed by the system, e.g. out of memory, or it could not start: a script that runs "
                 "kg with more than one job must do so under `if __name__ == \"__main__\":`, since each "
                 "worker imports the script again")
    return f"an extraction worker process died ({cause}); nothing was written: try again with fewer than {jobs} jobs"


def _chunks(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    iterator = iter(papers)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _load(spacy_model: str | None) -> None:
    """Pool initializer: load the pipeline once per worker; leave Ctrl-C to the parent."""
    global _extractor
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    from kg.extract import Extractor

    _extractor = Extractor(model=spacy_model)


def _exit_with_parent() -> None:
    """End this worker as soon as its parent process ends. A parent that is killed (SIGKILL, a
    closed terminal's SIGHUP in a script that leaves it unhandled, or the out-of-memory killer,
    which picks the largest process: the parent, holding the graph) never shuts the pool down,
    and its workers would otherwise wait for ever, each holding its pipeline, blocked on a
    queue that no process reads any more."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])  # ready once the parent has ended
        os._exit(1)

    threading.Thread(target=watch, name="kg-exit-with-parent", daemon=True).start()


def _extract_chunk(papers: list[Paper]) -> list[Found]:
    assert _extractor is not None, "worker used before its initializer ran"
    return [(extraction.entities, extraction.results) for extraction in _extractor.pipe(papers)]
