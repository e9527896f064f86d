"""`kg export`: one format from a built graph.json, the same bytes `kg build` writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from export_graphs import built_graph

from kg.cli import main
from kg.export import BY_FORMAT
from kg.export.nodelink import write_nodelink


@pytest.fixture
def graph_json(tmp_path: Path) -> Path:
    path = tmp_path / "outputs" / "graph.json"
    path.parent.mkdir()
    write_nodelink(built_graph(), path)
    return path


def test_graph_json_is_networkx_node_link_data(graph_json: Path) -> None:
    """graph.json is written in pieces, not by NetworkX: it must stay what NetworkX writes."""
    expected = json.dumps(nx.node_link_data(built_graph(), edges="links"), ensure_ascii=False,
                          sort_keys=True, separators=(",", ":"))
    assert graph_json.read_text(encoding="utf-8") == expected + "\n"


def contents(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


def run(*args: str) -> object:
    return CliRunner().invoke(main, ["export", *args])


@pytest.mark.parametrize("fmt", sorted(BY_FORMAT))
def test_every_format_matches_what_the_writer_writes(fmt: str, graph_json: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    export = BY_FORMAT[fmt]
    direct = tmp_path / "direct"
    direct.mkdir()
    expected = export.write(built_graph(), direct).path
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run("--format", fmt, "--graph", str(graph_json))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{export.filename}\n"
    assert contents(work / export.filename) == contents(expected)
    assert sorted(os.listdir(work)) == [export.filename]  # no staging leftovers


def test_output_option_and_existing_directory(graph_json: Path, tmp_path: Path) -> None:
    result = run("--format", "gexf", "--graph", str(graph_json), "-o", str(tmp_path / "mine.gexf"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine.gexf").read_bytes().startswith(b"<?xml")
    result = run("--format", "graphml", "--graph", str(graph_json), "-o", str(graph_json.parent))
    assert result.exit_code == 0, result.output
    assert (graph_json.parent / "graph.graphml").is_file()


def test_an_output_ending_in_a_slash_is_a_directory(graph_json: Path, tmp_path: Path) -> None:
    result = run("--format", "turtle", "--graph", str(graph_json), "-o", f"{tmp_path / 'new' / 'exports'}/")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "exports" / "graph.ttl").is_file()


def test_an_output_under_a_file_is_one_line(graph_json: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("mine")
    result = run("--format", "turtle", "--graph", str(graph_json), "-o", str(tmp_path / "afile" / "g.ttl"))
    assert (result.exit_code, result.stderr) == (2, f"kg: error: {tmp_path / 'afile'}: is a file, not a directory: "
                                                    f"{tmp_path / 'afile' / 'g.ttl'} cannot be written there\n")
    assert (tmp_path / "afile").read_text() == "mine"


def test_neo4j_folder_with_a_file_of_the_users_is_not_replaced(graph_json: Path, tmp_path: Path) -> None:
    target = tmp_path / "neo4j"
    assert run("--format", "neo4j", "--graph", str(graph_json), "-o", str(target)).exit_code == 0
    (target / "my-queries.cypher").write_text("MATCH (n) RETURN n;")
    result = run("--format", "neo4j", "--graph", str(graph_json), "-o", str(target))
    assert result.exit_code == 2 and "not an earlier Neo4j export" in result.stderr
    assert (target / "my-queries.cypher").read_text() == "MATCH (n) RETURN n;"


def test_base_iri_reaches_rdf_writers(graph_json: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.nt"
    result = run("--format", "ntriples", "--graph", str(graph_json), "-o", str(out),
                 "--base-iri", "http://example.org/kg/")
    assert result.exit_code == 0, result.output
    assert "<http://example.org/kg/paper_2401.1>" in out.read_text(encoding="utf-8")


def test_neo4j_folder_replaces_an_earlier_export_only(graph_json: Path, tmp_path: Path) -> None:
    target = tmp_path / "neo4j"
    assert run("--format", "neo4j", "--graph", str(graph_json), "-o", str(target)).exit_code == 0
    (target / "nodes_Gone.csv").write_text("stale")
    assert run("--format", "neo4j", "--graph", str(graph_json), "-o", str(target)).exit_code == 0
    assert not (target / "nodes_Gone.csv").exists() and (target / "graph.cypher").is_file()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    result = run("--format", "neo4j", "--graph", str(graph_json), "-o", str(precious))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "not an earlier Neo4j export" in result.stderr
    assert [p.name for p in precious.iterdir()] == ["thesis.tex"]


@pytest.mark.parametrize("content", [None, "{not json", '{"nodes": 3}'])
def test_bad_graph_file_is_one_line_and_exit_2(content: str | None, tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    if content is not None:
        path.write_text(content)
    result = run("--format", "gexf", "--graph", str(path), "-o", str(tmp_path / "out.gexf"))
    assert result.exit_code == 2
    assert result.stderr.startswith("kg: error: ") and result.stderr.count("\n") == 1
    assert str(path) in result.stderr
    assert not (tmp_path / "out.gexf").exists()


PAPER = {"id": "paper_1", "kind": "Paper", "label": "On X", "paper_id": "1", "title": "On X"}
METHOD = {"id": "method_x", "kind": "Method", "label": "X", "name": "X", "support": 1,
          "proposed_in": 0, "lexicon": True}
USES_X = {"source": "paper_1", "target": "method_x", "key": "usesMethod", "relation": "usesMethod",
          "sentence": "We use X.", "start": 7, "end": 8, "rule": "lexicon:X", "mentions": 1}
COMMANDS = {
    "turtle": ["export", "--format", "turtle", "-o", "out.ttl"],
    "neo4j": ["export", "--format", "neo4j", "-o", "neo4j"],
    "html": ["export", "--format", "html", "-o", "out.html"],
    "view": ["view", "-o", "view.html"],
}


def nodelink(nodes: list, links: list) -> dict:
    return {"directed": True, "multigraph": True, "graph": {}, "nodes": nodes, "links": links}


def without(item: dict, key: str) -> dict:
    return {k: v for k, v in item.items() if k != key}


BAD_SHAPES = [
    pytest.param([], "the top level is a list, not an object", id="list"),
    pytest.param("str", "the top level is a string, not an object", id="string"),
    pytest.param({"links": []}, 'no "nodes" list', id="no-nodes"),
    pytest.param({"nodes": [], "links": {}}, '"links" is an object, not a list', id="links-object"),
    pytest.param({**nodelink([], []), "multigraph": False}, '"multigraph" is false, not true',
                 id="not-multigraph"),
    pytest.param(nodelink([1, 2], []), "nodes[0] is a number, not an object", id="node-number"),
    pytest.param(nodelink([without(PAPER, "id")], []), 'nodes[0] has no "id" that is a string',
                 id="no-id"),
    pytest.param(nodelink([PAPER, {"id": "x"}], []),
                 "node 'x' has no \"kind\" that is one of Paper, Method, Dataset, Hardware, Metric, "
                 "Task, Result", id="no-kind"),
    pytest.param(nodelink([{"id": "x", "kind": "Method"}], []),
                 "node 'x' (Method) has no \"label\" that is a string", id="no-label"),
    pytest.param(nodelink([PAPER, {**METHOD, "support": "many"}], []),
                 "node 'method_x' (Method): \"support\" is a string, not an integer", id="support-text"),
    pytest.param(nodelink([PAPER, {**METHOD, "lexicon": 1}], []),
                 "node 'method_x' (Method): \"lexicon\" is a number, not true or false", id="lexicon-number"),
    pytest.param(nodelink([PAPER, {**METHOD, "support": True}], []),
                 "node 'method_x' (Method): \"support\" is a boolean, not an integer", id="support-boolean"),
    pytest.param(nodelink([PAPER, {**METHOD, "aliases": "Y"}], []),
                 "node 'method_x' (Method): \"aliases\" is a string, not a list of strings", id="aliases-string"),
    pytest.param(nodelink([{**PAPER, "authors": ["A", ["B"]]}, METHOD], []),
                 "node 'paper_1' (Paper): \"authors\" is a list holding a list, not a list of strings",
                 id="authors-nested"),
    pytest.param(nodelink([{**PAPER, "year": "2020"}, METHOD], []),
                 "node 'paper_1' (Paper): \"year\" is a string, not an integer", id="year-string"),
    pytest.param(nodelink([{**PAPER, "url": None}, METHOD], []),
                 "node 'paper_1' (Paper): \"url\" is null, not a string", id="url-null"),
    pytest.param(nodelink([PAPER, {**METHOD, "wikidata": 42}], []),
                 "node 'method_x' (Method): \"wikidata\" is a number, not a string", id="wikidata-number"),
    pytest.param(nodelink([PAPER, {**METHOD, "id": "metric_x", "kind": "Metric", "lower_is_better": "yes"}], []),
                 "node 'metric_x' (Metric): \"lower_is_better\" is a string, not true or false",
                 id="direction-string"),
    pytest.param(nodelink([PAPER, METHOD], [USES_X, {**USES_X, "target": "method_y"}]),
                 'links[1] has no "target" that is a node id', id="target-unknown"),
    pytest.param(nodelink([PAPER, METHOD], [{**USES_X, "source": ["paper_1"]}]),
                 'links[0] has no "source" that is a node id', id="source-list"),
    pytest.param(nodelink([PAPER, METHOD], [{**USES_X, "key": "likes", "relation": "likes"}]),
                 'links[0] has no "key" that is one of proposes, usesMethod, evaluatesOn, runsOn, '
                 "measures, addresses, reportsResult, ofMetric, onDataset, forMethod", id="unknown-key"),
    pytest.param(nodelink([PAPER, METHOD], [{**USES_X, "relation": "proposes"}]),
                 'links[0] has a "relation" other than its "key"', id="relation-not-key"),
    pytest.param(nodelink([PAPER, METHOD], [without(USES_X, "sentence")]),
                 'links[0] (usesMethod) has no "sentence" that is a string', id="no-evidence"),
]


def test_a_minimal_graph_exports_everywhere(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The shapes below are bad for the one reason each names: this graph is good."""
    path = tmp_path / "graph.json"
    full_paper = {**PAPER, "url": "https://arxiv.org/abs/1", "year": 2020, "authors": ["A. B."]}
    full_method = {**METHOD, "aliases": ["Y"], "wikidata": "Q1", "acronym": "X", "long_form": "Ex"}
    path.write_text(json.dumps(nodelink([full_paper, full_method], [USES_X])))
    monkeypatch.chdir(tmp_path)
    for command in COMMANDS.values():
        result = CliRunner().invoke(main, [*command, "--graph", str(path)])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("content", "problem"), BAD_SHAPES)
def test_graph_json_of_another_shape_is_one_line_and_exit_2(
        content: object, problem: str, command: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(content))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*COMMANDS[command], "--graph", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"kg: error: {path}: not a kg graph.json ({problem})\n"
    assert sorted(os.listdir(tmp_path)) == ["graph.json"]


def test_unknown_format_is_a_usage_error(graph_json: Path) -> None:
    result = run("--format", "pdf", "--graph", str(graph_json))
    assert result.exit_code == 2 and "pdf" in result.stderr


def test_failed_write_leaves_the_previous_output(graph_json: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.export import gephi, neo4j

    out = tmp_path / "out"
    out.mkdir()
    assert run("--format", "gexf", "--graph", str(graph_json), "-o", str(out)).exit_code == 0
    assert run("--format", "neo4j", "--graph", str(graph_json), "-o", str(out / "neo4j")).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def half_written(graph, path):
        Path(path).write_text("partial")
        raise OSError("disk full")

    def half_folder(graph, path):
        Path(path, "nodes_Paper.csv").write_text("partial")
        raise OSError("disk full")

    monkeypatch.setattr(gephi, "write_gexf", half_written)
    monkeypatch.setattr(neo4j, "write_neo4j", half_folder)
    for fmt, target in (("gexf", out), ("neo4j", out / "neo4j")):
        result = run("--format", fmt, "--graph", str(graph_json), "-o", str(target))
        assert result.exit_code == 1 and result.stderr == "kg: error: disk full\n"  # one line, no traceback
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == ["graph.gexf", "neo4j"]


def test_what_a_writer_left_out_is_reported(graph_json: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from kg.export import html

    def capped(graph, path, max_nodes=None):
        Path(path).write_text("<html></html>")
        return SimpleNamespace(notice="showing 10 of 99 nodes")

    monkeypatch.setattr(html, "write_html", capped)
    result = run("--format", "html", "--graph", str(graph_json), "-o", str(tmp_path / "g.html"))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{tmp_path / 'g.html'}\nnote: showing 10 of 99 nodes\n"
