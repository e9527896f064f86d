"""`--jobs N`: extraction spread over worker processes gives exactly the output of one
process, streams in input order, and leaves no worker behind when stopped or interrupted."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from kg.workflow import extract_papers
from kg.cli import main
from kg.corpus import read_papers
from kg.errors import KgWorkerError
from kg.model import Paper, PaperExtraction
from kg.parallel import (
    MOST_DEFAULT_JOBS,
    PARALLEL_INPUT_BYTES,
    default_jobs,
    extract_parallel,
)


@pytest.fixture(scope="module")
def papers(shared_data: Path) -> list:
    return list(read_papers([shared_data / "hf_papers_listing.jsonl"]))[:40]


def lines(extractions) -> list[str]:
    return [json.dumps(e.to_dict(), ensure_ascii=False) for e in extractions]


def test_two_workers_give_the_same_extractions_in_the_same_order(papers: list) -> None:
    one = list(extract_papers(papers, jobs=1))
    two = list(extract_parallel(papers, jobs=2, chunk_size=3))  # many chunks, more than in flight
    assert [e.id for e in two] == [p.id for p in papers]
    assert lines(two) == lines(one)
    assert [e.paper for e in two] == papers  # the parent's own Paper records, metadata included
    assert not multiprocessing.active_children()


def test_records_travel_between_processes_whole(papers: list) -> None:
    """What workers ship back (and the papers sent to them) comes out of pickle equal, field
    for field, including what equality ignores (a paper's metadata)."""
    paper = Paper("p1", "T", "A", url="u", year=2024, authors=("X",), metadata={"source": "csv"})
    extractions = [*extract_papers(papers[:5]), PaperExtraction(paper=paper)]
    copies = pickle.loads(pickle.dumps(extractions, protocol=pickle.HIGHEST_PROTOCOL))
    assert lines(copies) == lines(extractions)
    assert [c.paper.metadata for c in copies] == [e.paper.metadata for e in extractions]
    assert copies == extractions


def test_stopping_early_terminates_the_workers(papers: list) -> None:
    stream = extract_parallel(papers, jobs=2, chunk_size=2)
    assert next(stream).id == papers[0].id
    stream.close()
    assert not multiprocessing.active_children()


def test_stopping_early_does_not_wait_for_the_chunks_the_workers_hold(papers: list) -> None:
    """Stopped (Ctrl-C, a failure downstream), the run kills its workers rather than waiting for
    the papers they have in hand and queued: here one that takes many seconds each."""
    long = Paper("long", "Long", " ".join(paper.abstract for paper in papers) * 40)  # about 2 MB
    stream = extract_parallel([papers[0], *[long] * 6], jobs=2, chunk_size=1)
    assert next(stream).id == papers[0].id  # both workers are extracting a long paper now
    started = time.monotonic()
    stream.close()
    assert time.monotonic() - started < 5
    assert not multiprocessing.active_children()


def test_a_worker_killed_by_the_system_fails_the_run_instead_of_hanging(papers: list) -> None:
    stream = extract_parallel(papers * 5, jobs=2, chunk_size=2)
    next(stream)
    victim = multiprocessing.active_children()[0]
    os.kill(victim.pid, signal.SIGKILL)  # what the out-of-memory killer does
    with pytest.raises(KgWorkerError, match="worker process died .* fewer than 2 jobs"):
        list(stream)
    assert not multiprocessing.active_children()


def test_a_worker_killed_between_chunks_fails_the_run_the_same_way(papers: list) -> None:
    """Once the chunks in flight are done, the death shows when the next chunk is handed out."""
    stream = extract_parallel(papers * 5, jobs=2, chunk_size=2)
    next(stream)
    time.sleep(3)  # a dozen papers in flight: extracted well before
    os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)
    time.sleep(1)  # for the pool to notice
    with pytest.raises(KgWorkerError, match="worker process died .* fewer than 2 jobs"):
        list(stream)
    assert not multiprocessing.active_children()


def test_a_script_without_a_main_guard_is_told_to_add_one(papers: list, tmp_path: Path) -> None:
    """Each spawned worker imports the script again, so one extracting at its top level cannot
    start its workers: the error says why, instead of blaming the memory alone."""
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text("".join(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n"
                              for p in papers))
    script = tmp_path / "script.py"
    script.write_text("from kg.workflow import extract\n"
                      f"extract([{str(corpus)!r}], {str(tmp_path / 'out.jsonl')!r}, jobs=2)\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 1
    assert ("KgWorkerError: an extraction worker process died (killed by the system, e.g. out of memory, "
            "or it could not start: a script that runs kg with more than one job must do so under "
            '`if __name__ == "__main__":`') in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_cli_reports_a_dead_worker_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg import workflow

    def dying(*args, **kwargs):
        raise KgWorkerError("an extraction worker process died")
        yield

    monkeypatch.setattr(workflow, "extract_papers", dying)
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["kg: error: an extraction worker process died"]
    assert list(tmp_path.iterdir()) == []


def test_cli_extract_jobs_2_writes_the_same_file(tmp_path: Path, shared_data: Path) -> None:
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text("".join((shared_data / "hf_papers_listing.jsonl").read_text().splitlines(True)[:30]))
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}.jsonl"
        result = CliRunner().invoke(main, ["extract", str(corpus), "-o", str(out), "-q", "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") == 30


def test_by_default_small_inputs_take_one_process_and_large_ones_a_process_per_cpu(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    small.write_text("{}\n")
    with open(large, "wb") as out:
        out.truncate(PARALLEL_INPUT_BYTES)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2})
    assert default_jobs([]) == 1  # the bundled listing
    assert default_jobs([small]) == default_jobs([small, tmp_path / "missing.jsonl"]) == 1
    assert default_jobs([large]) == default_jobs([small, large]) == 3
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)))
    assert default_jobs([large]) == MOST_DEFAULT_JOBS


@pytest.mark.parametrize("command", ["build", "extract"])
def test_the_cli_uses_the_default_jobs_unless_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   command: str) -> None:
    import kg.workflow

    given: list[int] = []
    monkeypatch.setattr(kg.workflow, command, lambda *args, jobs, **options: given.append(jobs) or {})
    monkeypatch.setattr("kg.cli.build.default_jobs", lambda inputs: 5 if inputs == ("a.jsonl",) else 0)
    monkeypatch.setattr("kg.cli.build.format_summary", lambda stats, out_dir: "")
    for jobs in ([], ["--jobs", "2"]):
        result = CliRunner().invoke(main, [command, "a.jsonl", "-o", str(tmp_path / "out"), *jobs])
        assert result.exit_code == 0, result.output
    assert given == [5, 2]


def test_bad_input_with_jobs_is_the_usual_error(tmp_path: Path) -> None:
    corpus = tmp_path / "bad.jsonl"
    good = json.dumps({"title": "T", "abstract": "We train ResNet-50 on ImageNet."})
    corpus.write_text("\n".join([good] * 200 + ['{"title": "T" "abstract": "A"}']) + "\n")
    result = CliRunner().invoke(main, ["extract", str(corpus), "-o", str(tmp_path / "out.jsonl"), "--jobs", "2"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["kg: error: " + f"{corpus}:201: malformed JSON "
                                          "(Expecting ',' delimiter at column 15)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_leaves_no_output_and_no_workers(tmp_path: Path, shared_data: Path, signum: int) -> None:
    """SIGTERM to kg alone, or a hang-up to its whole process group (a closed terminal)."""
    corpus = tmp_path / "many.jsonl"
    listing = (shared_data / "hf_papers_listing.jsonl").read_text().splitlines()
    corpus.write_text("".join(json.dumps({**json.loads(line), "id": f"p{n}-{i}"}) + "\n"
                              for n in range(20) for i, line in enumerate(listing)))
    out = tmp_path / "out.jsonl"
    kg = Path(sys.executable).with_name("kg")
    proc = subprocess.Popen([str(kg), "extract", str(corpus), "-o", str(out), "-q", "--jobs", "2"],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    workers: list[psutil.Process] = []
    while len(workers) < 2 and time.monotonic() < deadline:  # wait until both workers exist
        workers = [p for p in parent.children(recursive=True) if "spawn_main" in " ".join(p.cmdline())]
        time.sleep(0.2)
    assert len(workers) == 2
    time.sleep(3)  # let them load the pipeline and start extracting
    if signum == signal.SIGHUP:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.jsonl"]


def test_workers_exit_when_their_parent_is_killed(tmp_path: Path, shared_data: Path) -> None:
    """A parent killed outright (SIGKILL, the out-of-memory killer, a closed terminal) never
    shuts its pool down: its workers must not wait for work for ever, each holding a pipeline."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import multiprocessing, sys, time\n"
        "from kg.corpus import read_papers\n"
        "from kg.parallel import extract_parallel\n"
        "if __name__ == '__main__':\n"
        "    papers = list(read_papers([sys.argv[1]]))\n"
        "    stream = extract_parallel(papers * 20, jobs=2, chunk_size=2)\n"
        "    next(stream)\n"
        "    print(*(child.pid for child in multiprocessing.active_children()), flush=True)\n"
        "    time.sleep(600)\n")
    parent = subprocess.Popen([sys.executable, str(script), str(shared_data / "hf_papers_listing.jsonl")],
                              stdout=subprocess.PIPE, text=True)
    try:
        line = parent.stdout.readline()  # type: ignore[union-attr]
        workers = [psutil.Process(int(pid)) for pid in line.split()
                   if "spawn_main" in " ".join(psutil.Process(int(pid)).cmdline())]
        assert len(workers) == 2, line
    finally:
        parent.kill()
        parent.wait()
    _, alive = psutil.wait_procs(workers, timeout=30)
    for worker in alive:
        worker.kill()
    assert not alive, "workers outlived their killed parent"


def test_a_worker_killed_halfway_through_a_message_does_not_hang_the_shutdown(tmp_path: Path) -> None:
    """A worker killed while it sends a chunk's records leaves half a message in the results
    pipe. The executor's reading thread then waits for the rest, and the shutdown joins it: with
    the parent still holding the pipe's writing end, for ever (`kg.parallel._kill_workers`).
    The worker here starts such a message and stops halfway; run in a process of its own so
    that a hang fails this test instead of hanging the suite at exit."""
    script = tmp_path / "half_message.py"
    script.write_text(
        "import multiprocessing, os, struct, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from pathlib import Path\n"
        "from kg.parallel import _kill_workers\n"
        "def send_half_a_message(marker):\n"
        "    results = sys._getframe(1).f_locals['result_queue']  # the worker loop's frame\n"
        "    os.write(results._writer.fileno(), struct.pack('!i', 2**20) + b'half')  # 1 MB announced\n"
        "    Path(marker).touch()\n"
        "    time.sleep(600)\n"
        "if __name__ == '__main__':\n"
        "    executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('spawn'))\n"
        "    executor.submit(send_half_a_message, sys.argv[1])\n"
        "    while not os.path.exists(sys.argv[1]):\n"
        "        time.sleep(0.05)\n"
        "    _kill_workers(executor)\n"
        "    executor.shutdown(wait=True, cancel_futures=True)\n"
        "    print('shut down', flush=True)\n")
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "sending")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the worker too, were it alive
        proc.communicate()
        pytest.fail("the executor's shutdown hung after its worker was killed halfway through a message")
    assert (proc.returncode, out) == (0, "shut down\n"), err
    assert (tmp_path / "sending").exists()
