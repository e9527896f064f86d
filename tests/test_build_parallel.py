"""`kg build --jobs N` writes the exports in N processes (kg.export.plan.write_exports), and every
build leaves the query cache of graph.nt ready for `kg query` (unless told not to)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from built import output_files
from click.testing import CliRunner

import kg.export
import kg.query
from kg.workflow import build
from kg.cli import INTERRUPTED, main
from kg.corpus import read_papers
from kg.errors import KgInputError, KgWorkerError
from kg.export import EXPORTS, JOINT_WRITERS, Export, plan
from kg.export.nodelink import read_nodelink
from kg.export.plan import export_plan
from kg.query import cache_path

pytestmark = pytest.mark.skipif(not plan._can_fork(), reason="no fork start method here")


def hidden_siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith("."))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "three.jsonl"
    path.write_text("".join(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n"
                            for p in list(read_papers([]))[:3]))
    return path


def test_two_jobs_write_the_same_files_as_one(bundled_build: Path, tmp_path: Path) -> None:
    stats = build([], tmp_path / "out", jobs=2)
    assert output_files(tmp_path / "out") == output_files(bundled_build)
    assert list(stats["files"]) == [export.filename for export in EXPORTS]


def test_the_plan_gives_every_export_once_in_balanced_shares() -> None:
    assert [export for task in export_plan(1)[0] for export in task.exports] == list(EXPORTS)
    for jobs in (2, 3, 4, 7, 12):
        shares = export_plan(jobs)
        assert len(shares) == min(jobs, len(export_plan(1)[0])) and all(shares)
        planned = [export for share in shares for task in share for export in task.exports]
        assert sorted(e.filename for e in planned) == sorted(e.filename for e in EXPORTS)
    costs = [sum(task.cost for task in share) for share in export_plan(2)]
    largest = max(task.cost for task in export_plan(1)[0])
    assert max(costs) <= max(largest, 1.1 * sum(costs) / 2)  # no worse than the task that cannot be split


def test_the_query_cache_is_planned_first_in_the_parents_share() -> None:
    """The task writing graph.nt comes first, in this process, so that the query cache is made
    while everything else is written."""
    for jobs in (1, 2, 3):
        shares = export_plan(jobs, query_cache=True)
        first = shares[0][0]
        assert first.query_cache and "graph.nt" in [e.filename for e in first.exports]
        assert [task for share in shares for task in share if task.query_cache] == [first]


def logged_writers(monkeypatch: pytest.MonkeyPatch, log: list[str]) -> None:
    """Make every writer append the files it writes to `log`, and the query cache's process
    "cache started" (with its process id) when it starts and "cache made" when it has ended."""
    real_load = kg.export._load

    def load(name: str):
        writer = real_load(name)

        def logged(*args, **options):
            log.append(name.rsplit(":", 1)[1])
            return writer(*args, **options)
        return logged

    class LoggedCacheProcess(plan._CacheProcess):
        def __init__(self, data: Path) -> None:
            super().__init__(data)
            log.append(f"cache started {self._process.pid}")

        def wait(self) -> None:
            super().wait()
            log.append("cache made")

    monkeypatch.setattr(kg.export, "_load", load)
    monkeypatch.setattr(plan, "_CacheProcess", LoggedCacheProcess)


def test_with_jobs_the_query_cache_is_made_by_another_process_while_the_rest_are_written(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log: list[str] = []
    logged_writers(monkeypatch, log)
    build([corpus], tmp_path / "out", jobs=2)
    started = next(entry for entry in log if entry.startswith("cache started"))
    assert log[0] == "write_turtle_and_ntriples" and log[1] == started and log[-1] == "cache made"
    assert set(log[2:-1]) <= {"write_nodelink", "write_html", "write_gexf_and_graphml", "write_neo4j"}
    assert started.split()[-1] != str(os.getpid())
    data = tmp_path / "out" / "graph.nt"
    assert json.loads((cache_path(data) / "source.json").read_text()) == kg.query._stamp(data)


def test_with_one_job_the_query_cache_is_made_once_the_exports_are_written(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One process works at a time: `--jobs 1` is for one CPU."""
    log: list[str] = []
    logged_writers(monkeypatch, log)
    build([corpus], tmp_path / "out", jobs=1)
    started = log[-2]
    assert log[0] == "write_turtle_and_ntriples" and started.startswith("cache started") and log[-1] == "cache made"
    assert sorted(log[1:-2]) == sorted(["write_nodelink", "write_html", "write_gexf_and_graphml", "write_neo4j"])
    assert started.split()[-1] != str(os.getpid())
    data = tmp_path / "out" / "graph.nt"
    assert json.loads((cache_path(data) / "source.json").read_text()) == kg.query._stamp(data)


def test_a_script_without_a_main_guard_builds_once(corpus: Path, tmp_path: Path) -> None:
    """The query cache's process does not import the caller's main module again (as
    multiprocessing's "spawn" would: the script's build would run in it a second time)."""
    script = tmp_path / "script.py"
    script.write_text("from kg.workflow import build\n"
                      f"build([{str(corpus)!r}], {str(tmp_path / 'out')!r})\n"
                      "print('built')\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                            cwd=Path(__file__).resolve().parent.parent)
    assert (result.returncode, result.stdout, result.stderr) == (0, "built\n", "")
    assert (cache_path(tmp_path / "out" / "graph.nt") / "source.json").is_file()


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_query_cache_failing_fails_the_build_and_leaves_the_previous_outputs(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    out = tmp_path / "out"
    build([corpus], out)
    before = {path: (out / path).read_bytes() for path in output_files(out) if (out / path).is_file()}
    monkeypatch.setattr(plan, "_CACHE_COMMAND", (sys.executable, "-c", "import os, signal; os.kill(os.getpid(), 9)"))
    with pytest.raises(KgWorkerError, match=r"the process making the query cache died \(signal 9"):
        build([corpus], out, jobs=jobs)
    monkeypatch.undo()
    real_load = Export.load

    def load(self: Export):  # a graph.nt the cache cannot load: its error is the build's
        if self.filename != "graph.nt":
            return real_load(self)
        return lambda graph, path, **options: path.write_text("<a> <b> .\n")

    monkeypatch.setattr(Export, "load", load)
    monkeypatch.setattr(plan, "JOINT_WRITERS", ())
    with pytest.raises(KgInputError, match=r"graph.nt:1: not valid nt RDF \(Parser error at line 1 "):
        build([corpus], out, jobs=jobs)
    assert {path: (out / path).read_bytes() for path in output_files(out) if (out / path).is_file()} == before
    assert hidden_siblings(out) == []


@pytest.mark.parametrize("base_iri", [None, "http://purl.org/"], ids=["default", "shadowed-by-dcterms"])
def test_joint_writers_write_what_each_export_writes_alone(bundled_build: Path, tmp_path: Path,
                                                           base_iri: str | None) -> None:
    graph = read_nodelink(bundled_build / "graph.json")
    for joint in JOINT_WRITERS:
        together, alone = tmp_path / "together", tmp_path / "alone"
        together.mkdir()
        alone.mkdir()
        joint.write(graph, together, base_iri=base_iri)
        for export in joint.exports:
            export.write(graph, alone, base_iri=base_iri)
        assert output_files(together) == output_files(alone), joint.formats
        for folder in (together, alone):
            shutil.rmtree(folder)


def writing_pids(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Make every writer, joint ones too, append the id of the process running it to `log`."""
    real_load = kg.export._load

    def load(name: str):
        writer = real_load(name)

        def logged(*args, **options):
            with open(log, "a") as out:
                out.write(f"{os.getpid()}\n")
            return writer(*args, **options)
        return logged

    monkeypatch.setattr(kg.export, "_load", load)


def test_exports_are_written_in_as_many_processes_as_jobs(corpus: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    writing_pids(monkeypatch, tmp_path / "pids")
    build([corpus], tmp_path / "out", jobs=2)
    pids = (tmp_path / "pids").read_text().split()
    assert len(pids) == len(export_plan(1)[0])
    assert len(set(pids)) == 2 and str(os.getpid()) in pids


def test_without_fork_the_exports_are_written_in_this_process(corpus: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    writing_pids(monkeypatch, tmp_path / "pids")
    monkeypatch.setattr(plan, "_can_fork", lambda: False)
    build([corpus], tmp_path / "out", jobs=2)
    assert set((tmp_path / "pids").read_text().split()) == {str(os.getpid())}


def break_a_child_export(monkeypatch: pytest.MonkeyPatch, failure) -> Export:
    """Make an export of the second share (a child's, at jobs=2) half-write, then `failure()`."""
    broken = next(task.exports[0] for task in export_plan(2)[1] if len(task.exports) == 1)
    real_load = Export.load

    def load(self: Export):
        if self is not broken:
            return real_load(self)

        def writer(graph, path, **options):
            path.write_text("half")
            failure()
        return writer

    monkeypatch.setattr(Export, "load", load)
    return broken


def test_an_export_failing_in_a_child_fails_the_build_with_its_error(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build([corpus], out)
    before = output_files(out)

    def fail() -> None:
        raise KgInputError(f"cannot write this in process {os.getpid()}", "somewhere.txt", 3)

    broken = break_a_child_export(monkeypatch, fail)
    with pytest.raises(KgInputError, match=r"^somewhere.txt:3: cannot write this in process (\d+)$") as caught:
        build([corpus], out, jobs=2)
    assert caught.value.args[0].split()[-1] != str(os.getpid()), f"{broken.filename} was not written by a child"
    assert output_files(out) == before
    assert hidden_siblings(out) == []


def test_a_child_killed_midway_fails_the_build_and_leaves_nothing(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    break_a_child_export(monkeypatch, lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(KgWorkerError, match="an export process died"):
        build([corpus], out, jobs=2)
    assert not out.exists()
    assert hidden_siblings(out) == []


def test_query_after_build_uses_the_cache_the_build_made(bundled_build: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    data = bundled_build / "graph.nt"
    cache = cache_path(data)
    stamp = (cache / "source.json").read_text()
    assert json.loads(stamp) == kg.query._stamp(data)

    def no_loading(*args: object) -> None:
        raise AssertionError("kg query loaded the data again")

    monkeypatch.setattr(kg.query, "_bulk_load", no_loading)
    result = CliRunner().invoke(main, ["query", "top-datasets", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "CIFAR" in result.stdout or "ImageNet" in result.stdout
    assert (cache / "source.json").read_text() == stamp
    assert sorted(p.name for p in bundled_build.iterdir() if p.name.startswith(".")) == [cache.name]
    stats = json.loads((bundled_build / "stats.json").read_text())
    assert cache.name not in stats["files"]


# ------------------------------------------------------------------ stopping a parallel build

def processes_in_group(group: int) -> list[str]:
    """The command lines of the live (not zombie) processes of the process group `group` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            state, _, _, pgrp = stat[stat.rindex(")") + 2:].split()[:4]
            if entry.name.isdigit() and int(pgrp) == group and state != "Z":
                found.append((entry / "cmdline").read_text().replace("\0", " "))
        except (OSError, ValueError):
            continue
    return found


def signal_parallel_build(tmp_path: Path, signum: int, *, to_group: bool,
                          nohup: bool = False) -> tuple[subprocess.Popen[str], str]:
    """Run `kg build -j 2` of 800 abstracts into tmp_path/outputs in a process group of its own
    (under `nohup`, which has it ignore hang-ups, if told), send `signum` to kg, or with
    `to_group` to its whole group, once it writes in two processes, and wait for its end;
    returns the process and what it wrote on stderr."""
    listing = list(read_papers([]))
    corpus = tmp_path / "large.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"copy-{n}", "title": listing[n % len(listing)].title,
                                          "abstract": listing[n % len(listing)].abstract}) + "\n"
                              for n in range(800)))
    command = [sys.executable, "-m", "kg", "build", str(corpus), "-q", "-j", "2", "-o", str(tmp_path / "outputs")]
    process = subprocess.Popen(["nohup", *command] if nohup else command, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    def writing_in_two_processes() -> bool:
        builds = [line for line in processes_in_group(process.pid) if " kg build " in line]  # a fork's too
        return len(builds) == 2 and any(any(p.iterdir()) for p in tmp_path.glob(".outputs.kg-*") if p.is_dir())

    try:
        deadline = time.monotonic() + 300
        while not writing_in_two_processes():
            assert process.poll() is None, f"kg build ended before writing: {process.communicate()}"
            assert time.monotonic() < deadline, "kg build did not start writing"
            time.sleep(0.01)
        if to_group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
        _, stderr = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process, stderr


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_stopped_parallel_build_leaves_no_process_and_no_output(tmp_path: Path, signum: int) -> None:
    """SIGINT (Ctrl-C) or SIGHUP (a closed terminal) to the whole process group, or SIGTERM to kg
    alone, while the exports are written: exit 130, no output, no staging directory, no process
    of the build left."""
    out = tmp_path / "outputs"
    process, stderr = signal_parallel_build(tmp_path, signum, to_group=signum != signal.SIGTERM)
    assert process.returncode == 130, stderr
    assert stderr == INTERRUPTED + "\n"
    assert not out.exists()
    assert hidden_siblings(out) == []
    deadline = time.monotonic() + 10  # kg's last process, multiprocessing's resource tracker, exits after it
    while processes_in_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_in_group(process.pid) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_nohup_keeps_a_parallel_build_going_through_a_hang_up(tmp_path: Path) -> None:
    """Under `nohup` a closed terminal stops neither kg nor the processes writing its exports."""
    out = tmp_path / "outputs"
    process, stderr = signal_parallel_build(tmp_path, signal.SIGHUP, to_group=True, nohup=True)
    assert process.returncode == 0, stderr
    stats = json.loads((out / "stats.json").read_text())
    assert stats["papers"] == 800
    assert list(stats["files"]) == [export.filename for export in EXPORTS]
    assert all((out / name).exists() for name in stats["files"])
    assert hidden_siblings(out) == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_without_the_query_cache_the_first_query_makes_it(bundled_build: Path, tmp_path: Path,
                                                           jobs: int) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "-q", "--no-query-cache", "--jobs", str(jobs), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert output_files(out) == output_files(bundled_build)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    result = CliRunner().invoke(main, ["query", "top-datasets", "--data", str(out / "graph.nt")])
    assert result.exit_code == 0, result.output
    assert "CIFAR" in result.stdout or "ImageNet" in result.stdout
    assert json.loads((cache_path(out / "graph.nt") / "source.json").read_text()) == kg.query._stamp(out / "graph.nt")
