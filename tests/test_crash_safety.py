"""Killing `kg build` midway never loses the last good build.

A real `python -m kg build` of a corpus large enough to take several seconds is signalled
once it is writing (its staging directory exists and holds a file). SIGINT, SIGTERM and SIGHUP
stop it cleanly: exit 130, previous outputs byte-identical, nothing hidden left beside them;
so does closing the terminal it runs in. SIGKILL cannot be cleaned up after: the previous
outputs survive, its staging directory stays until the next build sweeps it
(kg.staging.sweep_stale).
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.workflow import build
from kg.cli import INTERRUPTED
from kg.errors import KgError
from kg.corpus import read_papers
from kg.staging import staged_directory, sweep_stale

LARGE_CORPUS_PAPERS = 600
"""The bundled listing three times over with fresh ids: about 8 s of extraction, then 2-3 s
of writing, long enough to signal the build while it writes."""
START_TIMEOUT_S = 300


def write_corpus(path: Path, papers: int) -> Path:
    listing = list(read_papers([]))
    with open(path, "w", encoding="utf-8") as out:
        for number in range(papers):
            paper = listing[number % len(listing)]
            out.write(json.dumps({"id": f"copy-{number}", "title": paper.title,
                                  "abstract": paper.abstract}) + "\n")
    return path


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpora")
    return {"small": write_corpus(folder / "small.jsonl", 5),
            "large": write_corpus(folder / "large.jsonl", LARGE_CORPUS_PAPERS)}


@pytest.fixture
def previous(corpora: dict[str, Path], tmp_path: Path) -> tuple[Path, dict[Path, bytes]]:
    """A finished build in tmp_path/outputs and its files' bytes."""
    out = tmp_path / "outputs"
    build([corpora["small"]], out)
    return out, contents(out)


def contents(out: Path) -> dict[Path, bytes]:
    return {path.relative_to(out): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def hidden_siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@dataclass(frozen=True)
class Stopped:
    pid: int
    returncode: int
    stderr: str


def writing(out: Path) -> bool:
    """Whether a build into `out` is writing: its staging directory exists and holds a file."""
    return any(any(p.iterdir()) for p in out.parent.glob(f".{out.name}.kg-*") if p.is_dir())


def wait_until(process: subprocess.Popen[str], moment: Callable[[], bool]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not moment():
        assert process.poll() is None, f"kg build ended before the moment: {process.communicate()}"
        assert time.monotonic() < deadline, "kg build did not reach the moment"
        time.sleep(0.01)


def signal_while_writing(corpus: Path, out: Path, signum: int) -> Stopped:
    """Run `python -m kg build corpus -o out`, send `signum` once it writes, wait for the end."""
    process = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "-q", "-o", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(process, lambda: writing(out))
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=START_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return Stopped(process.pid, process.returncode, stderr)


def hang_up(corpus: Path, out: Path, moment: Callable[[str], bool]) -> int:
    """Run `python -m kg build corpus -o out` in a terminal of its own (a pseudo-terminal: its
    input, its outputs, so its progress bar shows, and its controlling terminal), close the
    terminal as a dropped ssh session does once `moment(what the terminal shows)` holds, and
    wait for the end; returns the exit status."""
    terminal, kg_side = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out)],
                               stdin=kg_side, stdout=kg_side, stderr=kg_side, start_new_session=True,
                               preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    os.close(kg_side)
    shown = ""

    def reached() -> bool:
        nonlocal shown
        if select.select([terminal], [], [], 0.01)[0]:
            with suppress(OSError):  # EIO: kg has ended
                shown += os.read(terminal, 65536).decode(errors="replace")
        return moment(shown)

    try:
        wait_until(process, reached)
    finally:
        os.close(terminal)
    try:
        return process.wait(timeout=START_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


STOPS = pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                                ids=["SIGINT", "SIGTERM", "SIGHUP"])


@STOPS
def test_interrupted_build_leaves_previous_outputs_and_no_staging(
        corpora: dict[str, Path], previous: tuple[Path, dict[Path, bytes]], signum: int) -> None:
    out, before = previous
    finished = signal_while_writing(corpora["large"], out, signum)
    assert finished.returncode == 130, finished.stderr
    assert finished.stderr == INTERRUPTED + "\n"
    assert contents(out) == before
    assert hidden_siblings(out) == []


@pytest.mark.parametrize("moment", ["extracting", "writing"])
def test_a_closed_terminal_stops_the_build_cleanly(
        corpora: dict[str, Path], previous: tuple[Path, dict[Path, bytes]], moment: str) -> None:
    """The terminal of `kg build` closes (an ssh session drops) while its progress bar counts the
    papers extracted, or while it writes: it stops as for SIGTERM though the terminal refuses
    what it still writes there (the bar's last line, the message): exit 130, the previous
    outputs as they were, nothing hidden left beside them."""
    out, before = previous
    moments = {"extracting": lambda shown: shown.count("extracting") > 1,  # the bar is redrawn
               "writing": lambda shown: writing(out)}
    assert hang_up(corpora["large"], out, moments[moment]) == 130
    assert contents(out) == before
    assert hidden_siblings(out) == []


def test_killed_build_leaves_previous_outputs_and_the_next_build_sweeps_its_staging(
        corpora: dict[str, Path], previous: tuple[Path, dict[Path, bytes]]) -> None:
    out, before = previous
    finished = signal_while_writing(corpora["large"], out, signal.SIGKILL)
    assert finished.returncode == -signal.SIGKILL
    assert contents(out) == before
    (left,) = hidden_siblings(out)  # nobody could remove it
    assert left.startswith(f".outputs.kg-{finished.pid}-")
    stats = build([corpora["small"]], out)
    assert stats["papers"] == 5
    assert hidden_siblings(out) == []


# ------------------------------------------------------------------ sweep_stale on its own

def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", ""])
    process.wait()
    return process.pid


def test_sweep_removes_only_what_dead_processes_left(tmp_path: Path) -> None:
    target = tmp_path / "outputs"
    target.mkdir()
    dead, alive = dead_pid(), os.getpid()
    stale_dir = tmp_path / f".outputs.kg-{dead}-abc"
    stale_file = tmp_path / f".outputs.kg-{dead}-def"
    stale_dir.mkdir()
    (stale_dir / "graph.json").write_text("half")
    stale_file.write_text("half")
    kept = [tmp_path / f".outputs.kg-{alive}-ghi", tmp_path / ".outputs.kg-abcdefgh",
            tmp_path / f".other.kg-{dead}-jkl", tmp_path / f".outputs.kgx-{dead}-mno"]
    for path in kept:
        path.mkdir()
    assert sweep_stale(target) == sorted([stale_dir, stale_file])
    assert sorted(tmp_path.iterdir()) == sorted([target, *kept])


def test_sweep_puts_back_outputs_retired_by_a_killed_swap(tmp_path: Path) -> None:
    target = tmp_path / "outputs"
    retired = tmp_path / f".outputs.old-{dead_pid()}-abc"
    (retired / "outputs").mkdir(parents=True)
    (retired / "outputs" / "graph.json").write_text("previous")
    sweep_stale(target)
    assert (target / "graph.json").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"]


def test_a_new_staging_directory_names_its_owner(tmp_path: Path) -> None:
    with staged_directory(tmp_path / "outputs") as staging:
        assert staging.name.startswith(f".outputs.kg-{os.getpid()}-")
        (staging / "x").write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"]


@contextmanager
def raising_interrupt(signum: int) -> Iterator[None]:
    """`signum` raises KeyboardInterrupt in the block, as the command line has every stop signal do."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signum, interrupt)
    try:
        yield
    finally:
        signal.signal(signum, previous)


@STOPS
def test_a_stop_during_the_swap_waits_until_the_new_outputs_are_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int) -> None:
    """A stop right after the previous outputs are moved aside is held until the swap is done."""
    target = tmp_path / "outputs"
    target.mkdir()
    (target / "graph.json").write_text("previous")
    real_rename = os.rename

    def rename_then_interrupt(source: str | Path, destination: str | Path) -> None:
        real_rename(source, destination)
        if Path(source) == target:
            os.kill(os.getpid(), signum)

    monkeypatch.setattr(os, "rename", rename_then_interrupt)
    with raising_interrupt(signum), pytest.raises(KeyboardInterrupt):
        with staged_directory(target) as staging:
            (staging / "graph.json").write_text("new")
    assert (target / "graph.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"]


def test_an_error_quoting_a_staged_file_quotes_it_where_it_was_to_go(tmp_path: Path) -> None:
    """The query cache's process reports a full disk in a message that quotes graph.nt and the
    store's files in the staging directory, which is gone by the time the user reads it."""
    target = tmp_path / "outputs"
    with pytest.raises(KgError) as raised:
        with staged_directory(target) as staging:
            raise KgError(f"{staging / 'graph.nt'}: could not be loaded (IO error: While appending to "
                          f"file: {staging / '.graph.nt.oxigraph.new-x' / '000010.sst'}: No space left on device)")
    assert str(raised.value) == (f"{target / 'graph.nt'}: could not be loaded (IO error: While appending to "
                                 f"file: {target / '.graph.nt.oxigraph.new-x' / '000010.sst'}: No space left on device)")
    assert list(tmp_path.iterdir()) == []
