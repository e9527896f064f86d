"""`kg build` end to end on the bundled listing: what a user runs first."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from built import output_files
from click.testing import CliRunner

from kg.cli import main
from kg.export import EXPORTS, Export

EXPECTED_FILES = {export.filename for export in EXPORTS} | {"stats.json"}


def _two_papers(tmp_path: Path, shared_data: Path) -> Path:
    corpus = tmp_path / "two.jsonl"
    corpus.write_text("\n".join((shared_data / "hf_papers_listing.jsonl").read_text().splitlines()[:2]))
    return corpus


def _files(out: Path) -> dict[Path, bytes]:
    return {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _break_last_export(monkeypatch: pytest.MonkeyPatch, writer: Callable[..., None]) -> None:
    """The last export of EXPORTS written by `writer` (the others as they are)."""
    real_load = Export.load
    monkeypatch.setattr(Export, "load", lambda self: writer if self is EXPORTS[-1] else real_load(self))


def test_bundled_build_writes_every_export(bundled_build: Path) -> None:
    assert {p.name for p in bundled_build.iterdir()} == EXPECTED_FILES | {".graph.nt.oxigraph"}  # query cache
    for name in EXPECTED_FILES - {"neo4j"}:
        assert (bundled_build / name).stat().st_size > 0, name
    assert any((bundled_build / "neo4j").iterdir())


def test_stats_json_summarises_the_graph(bundled_build: Path) -> None:
    stats = json.loads((bundled_build / "stats.json").read_text())
    assert stats["papers"] == 188
    assert set(stats["entities"]) == {"Dataset", "Hardware", "Method", "Metric", "Task"}
    assert all(n > 0 for n in stats["entities"].values())
    assert stats["results"] > 0
    assert stats["edges"]["reportsResult"] == stats["results"]
    assert stats["resolution"]["mentions"] >= stats["resolution"]["entities"] == sum(stats["entities"].values())
    assert set(stats["files"]) == EXPECTED_FILES - {"stats.json"}


def test_build_is_deterministic(bundled_build: Path, tmp_path: Path) -> None:
    from kg.workflow import build

    build([], tmp_path / "again")
    first, again = output_files(bundled_build), output_files(tmp_path / "again")
    assert sorted(again) == sorted(first)
    assert [str(name) for name in first if first[name] != again[name]] == [], "differ between two builds"


def test_cli_prints_summary_table(tmp_path: Path, shared_data: Path) -> None:
    corpus = tmp_path / "ten.jsonl"
    lines = (shared_data / "hf_papers_listing.jsonl").read_text().splitlines()[:10]
    corpus.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["build", str(corpus), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0].split()
    assert first == ["papers", "10"]
    assert "resolution" in result.stdout and "stats.json" in result.stdout
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert stats["papers"] == 10


def test_quiet_build_prints_nothing(tmp_path: Path, shared_data: Path) -> None:
    corpus = _two_papers(tmp_path, shared_data)
    result = CliRunner().invoke(main, ["build", str(corpus), "-q", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""


def test_failed_export_keeps_previous_outputs(tmp_path: Path, shared_data: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.workflow import build

    corpus, out = _two_papers(tmp_path, shared_data), tmp_path / "out"
    build([corpus], out)
    before = _files(out)

    def half_written(graph, path, **options):
        path.mkdir()
        (path / "half.csv").write_text("half")
        raise RuntimeError("broken writer")

    _break_last_export(monkeypatch, half_written)
    with pytest.raises(RuntimeError):
        build([corpus], out)
    assert _files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_full_disk_is_one_line_exit_1_and_keeps_previous_outputs(tmp_path: Path, shared_data: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    args = ["build", str(_two_papers(tmp_path, shared_data)), "-q", "-o", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = _files(out)

    def disk_full(graph, path, **options):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path / "graph.cypher"))

    _break_last_export(monkeypatch, disk_full)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.stderr.startswith("kg: error: ") and result.stderr.count("\n") == 1
    assert result.stderr.endswith("graph.cypher: No space left on device\n")
    assert _files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_full_disk_met_by_a_write_names_the_file(tmp_path: Path, shared_data: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A write or a close on a full disk raises an OSError naming no file (unlike an open): the
    line names the file being written, under the output directory the user gave."""
    from kg.staging import staged_file

    out = tmp_path / "out"
    args = ["build", str(_two_papers(tmp_path, shared_data)), "-q", "-o", str(out)]

    def disk_full(graph, path, **options):
        path.mkdir()
        with staged_file(path / "graph.cypher") as staged, open(staged, "w") as file:
            file.write("CREATE")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as file.write raises it

    _break_last_export(monkeypatch, disk_full)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.stderr == f"kg: error: {out / 'neo4j' / 'graph.cypher'}: No space left on device\n"
    assert list(tmp_path.iterdir()) == [tmp_path / "two.jsonl"]


def test_an_output_directory_that_is_a_symbolic_link_stays_one(tmp_path: Path, shared_data: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """outputs -> a folder on a larger disk: the build replaces the folder, not the link."""
    from kg.errors import KgInputError
    from kg.workflow import build

    corpus, real, link = _two_papers(tmp_path, shared_data), tmp_path / "real", tmp_path / "link"
    build([corpus], real)
    (real / "graph.json").write_text("earlier")
    link.symlink_to(real, target_is_directory=True)
    build([corpus], link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real / "graph.json").read_text() != "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real", "two.jsonl"]
    monkeypatch.chdir(real)  # through the link, the folder the shell is in
    with pytest.raises(KgInputError, match="holds the current directory"):
        build([corpus], link)


def test_outputs_follow_the_umask(tmp_path: Path, shared_data: Path) -> None:
    """Under ``umask 077`` no output is readable by others, whichever way it was written."""
    from kg.workflow import build

    corpus, out = _two_papers(tmp_path, shared_data), tmp_path / "out"
    previous = os.umask(0o077)
    try:
        build([corpus], out, query_cache=False)
    finally:
        os.umask(previous)
    modes = {str(p.relative_to(out)): p.stat().st_mode & 0o777 for p in [out, *out.rglob("*")]}
    assert {name: mode for name, mode in modes.items() if mode & 0o077} == {}
    assert modes["neo4j/import.sh"] == 0o700


def test_shipped_outputs_are_the_bundled_build(bundled_build: Path) -> None:
    """outputs/ in the repository is exactly what `kg build` makes of the bundled listing."""
    shipped = Path(__file__).resolve().parents[1] / "outputs"
    made, ours = output_files(bundled_build), output_files(shipped)
    stale = sorted(str(name) for name in made.keys() | ours.keys() if made.get(name) != ours.get(name))
    assert not stale, f"outputs/ is stale (run `kg build` at the repository root): {stale[:5]}"


def test_bad_base_iri_is_refused_before_extraction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg import workflow
    from kg.errors import KgInputError

    def extract_papers(*args, **kwargs):
        pytest.fail("papers were extracted before the base IRI was checked")

    monkeypatch.setattr(workflow, "extract_papers", extract_papers)
    with pytest.raises(KgInputError, match="base IRI 'no-scheme/'"):
        workflow.build([], tmp_path / "out", base_iri="no-scheme/")
    assert not (tmp_path / "out").exists()


def test_the_readme_python_api_runs_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """`from kg import build` gives the function (a submodule of that name used to shadow it),
    and the README's API lines run as shown."""
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text(json.dumps({"id": "p1", "title": "ResNet on CIFAR-10",
                                  "abstract": "We train ResNet on CIFAR-10 and reach 95.1% accuracy."}) + "\n")
    script = ("import kg.workflow, kg.query\n"  # imported first, as the command line does
              "from kg import read_papers, Extractor, build_graph, build, run_query\n"
              "from kg.workflow import extract\n"
              "papers = list(read_papers(['papers.jsonl']))\n"
              "graph = build_graph(Extractor().pipe(papers))\n"
              "build(['papers.jsonl'], 'outputs')\n"
              "extract(['papers.jsonl'], 'extractions.jsonl')\n"
              "columns, rows = run_query('top-datasets', 'outputs/graph.nt')\n"
              "print(graph.number_of_nodes(), columns, rows)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "CIFAR-10" in result.stdout
    assert (tmp_path / "outputs" / "graph.nt").is_file() and (tmp_path / "extractions.jsonl").is_file()
