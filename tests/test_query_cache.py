"""The query cache: `kg query` keeps the RDF data in an on-disk pyoxigraph store beside the
file, made on first use, reused while the file is unchanged, made again when it changes."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from graph_corpus import corpus_graph, rdf_files  # noqa: F401
from test_query import EXPECTED

import kg.query
from kg.cli import main
from kg.query import cache_path, run_query


@pytest.fixture
def data(rdf_files: dict[str, Path], tmp_path: Path) -> Path:  # noqa: F811
    """A private copy of the corpus graph's N-Triples (the shared files stay cache-free)."""
    path = tmp_path / "graph.nt"
    shutil.copyfile(rdf_files["nt"], path)
    return path


def test_cached_store_answers_every_bundled_query_like_a_fresh_load(data: Path) -> None:
    for name, params, columns, rows in EXPECTED:
        assert run_query(name, data, params, cache=True) == (columns, rows), name
    assert (cache_path(data) / "source.json").is_file()
    assert cache_path(data).name == ".graph.nt.oxigraph"


def test_data_loaded_in_blocks_answers_like_one_load(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.query, "LOAD_BLOCK", 500)  # some twenty statements per block
    assert data.stat().st_size > 20 * kg.query.LOAD_BLOCK
    for name, params, columns, rows in EXPECTED:
        assert run_query(name, data, params, cache=True) == (columns, rows), name


def test_a_blank_node_in_two_blocks_stays_one_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.query, "LOAD_BLOCK", 100)
    data = tmp_path / "blank.nt"
    lines = [f'<http://example.org/s{n}> <http://example.org/p> "{n}" .\n' for n in range(20)]
    lines[3:3] = ['_:paper <http://example.org/title> "first" .\n']
    lines.append('_:paper <http://example.org/title> "second" .\n')
    data.write_text("".join(lines))
    store = kg.query.open_cached_store(data)
    titles = list(store.query("SELECT ?s (COUNT(*) AS ?n) WHERE { ?s <http://example.org/title> ?t } GROUP BY ?s"))
    assert len(titles) == 1 and titles[0]["n"].value == "2"
    assert len(store) == 22


def test_a_syntax_error_names_its_line_in_the_file_not_in_its_block(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.query, "LOAD_BLOCK", 500)
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[len(lines) // 2] = "<http://example.org/s> <http://example.org/p> .\n"
    data.write_text("".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "top-datasets", "--data", str(data)])
    assert result.exit_code == 2
    line = len(lines) // 2 + 1
    assert result.stderr == (f"kg: error: {data}:{line}: not valid nt RDF (Parser error at line {line} "
                             "column 47: The object of a triple must be an IRI, a blank node or a literal)\n")
    assert [p.name for p in data.parent.iterdir()] == ["graph.nt"]


def test_unchanged_data_reuses_the_store(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_query("top-datasets", data, cache=True)

    def no_loading(*args: object) -> None:
        raise AssertionError("the data was loaded again")

    monkeypatch.setattr(kg.query, "_bulk_load", no_loading)
    assert run_query("top-datasets", data, cache=True)[1] == [("CIFAR-10", 4), ("ImageNet", 2)]


def test_changed_data_rebuilds_the_store(data: Path) -> None:
    assert run_query("top-datasets", data, cache=True)[1] == [("CIFAR-10", 4), ("ImageNet", 2)]
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "ImageNet" not in line and "imagenet" not in line]
    assert len(kept) < len(lines)
    data.write_text("".join(kept), encoding="utf-8")
    assert run_query("top-datasets", data, cache=True)[1] == [("CIFAR-10", 4)]
    stamp = json.loads((cache_path(data) / "source.json").read_text())
    assert stamp["size"] == data.stat().st_size
    assert not [p for p in data.parent.iterdir() if ".new-" in p.name or ".old-" in p.name]


def test_a_store_made_the_old_way_is_made_again(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache from before `CACHE_LAYOUT` changed (here: not compacted) is not reused."""
    monkeypatch.setattr(kg.query, "CACHE_LAYOUT", kg.query.CACHE_LAYOUT - 1)
    run_query("top-datasets", data, cache=True)
    monkeypatch.undo()
    loads: list[object] = []
    bulk_load = kg.query._bulk_load
    monkeypatch.setattr(kg.query, "_bulk_load", lambda *args: loads.append(args) or bulk_load(*args))
    assert run_query("top-datasets", data, cache=True)[1] == [("CIFAR-10", 4), ("ImageNet", 2)]
    assert len(loads) == 1
    assert json.loads((cache_path(data) / "source.json").read_text())["layout"] == kg.query.CACHE_LAYOUT


def test_a_damaged_store_is_made_again(data: Path) -> None:
    run_query("top-datasets", data, cache=True)
    shutil.rmtree(cache_path(data) / "store")
    assert run_query("top-datasets", data, cache=True)[1] == [("CIFAR-10", 4), ("ImageNet", 2)]


def _top_datasets(path: str) -> list:
    return run_query("top-datasets", path, cache=True)[1]


def test_two_processes_making_the_store_at_once_both_answer(data: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        answers = pool.map(_top_datasets, [str(data)] * 4)
    assert answers == [[("CIFAR-10", 4), ("ImageNet", 2)]] * 4
    assert run_query("top-datasets", data, cache=True)[1] == answers[0]
    assert sorted(p.name for p in data.parent.iterdir()) == [".graph.nt.oxigraph", "graph.nt"]


def test_cli_uses_the_cache_unless_told_not_to(data: Path) -> None:
    args = ["query", "top-hardware", "--data", str(data), "--format", "csv"]
    fresh = CliRunner().invoke(main, [*args, "--no-cache"])
    assert fresh.exit_code == 0, fresh.output
    assert not cache_path(data).exists()
    cached = CliRunner().invoke(main, args)
    assert cached.exit_code == 0, cached.output
    assert cached.stdout == fresh.stdout
    assert cache_path(data).is_dir()


def test_a_store_the_system_cannot_write_is_a_run_error_and_leaves_no_cache(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyoxigraph

    full = "IO error: No space left on device: While appending to file: store/000010.sst"

    class FullDisk:
        def __init__(self, path: str | None = None) -> None:
            pass

        def bulk_load(self, **options: object) -> None:
            raise OSError(full)

    monkeypatch.setattr(pyoxigraph, "Store", FullDisk)
    result = CliRunner().invoke(main, ["query", "top-datasets", "--data", str(data)])
    assert result.exit_code == 1  # not bad input: the data is fine
    assert result.stderr == f"kg: error: {data}: could not be loaded ({full})\n"
    assert [p.name for p in data.parent.iterdir()] == ["graph.nt"]


def test_bad_data_is_an_input_error_and_leaves_no_cache(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text("<a> <b> .\n")
    result = CliRunner().invoke(main, ["query", "top-datasets", "--data", str(bad)])
    assert result.exit_code == 2 and f"{bad}:1: not valid nt RDF" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["bad.nt"]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_bad_ntriples_name_their_line_on_either_engine(engine: str, tmp_path: Path) -> None:
    """rdflib's N-Triples parser names no line: kg finds it."""
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://x.org/a> <http://x.org/b> "c" .\n<http://x.org/a> <http://x.org/b> "unterminated .\n'
                   '<http://x.org/a> <http://x.org/b> "d" .\n')
    result = CliRunner().invoke(main, ["query", "top-datasets", "--engine", engine, "--data", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kg: error: {bad}:2: not valid nt RDF (") and result.stderr.count("\n") == 1


def test_a_users_file_with_an_invalid_iri_is_refused(tmp_path: Path) -> None:
    """Only the graph.nt that `kg build` writes is loaded without checking its IRIs."""
    data = tmp_path / "graph.nt"
    data.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/{x}> .\n")
    result = CliRunner().invoke(main, ["query", "top-datasets", "--data", str(data)])
    assert result.exit_code == 2 and "not valid nt RDF" in result.stderr and "line 1" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nt"]
