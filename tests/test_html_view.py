"""`kg view` and the selection behind it: focus, hops, types, cap."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import networkx as nx
import pytest
from click.testing import CliRunner
from html_graphs import small_graph, synthetic_graph

from kg.cli import main
from kg.errors import KgInputError
from kg.export.nodelink import write_nodelink
from kg.view import DEFAULT_MAX_NODES, select_view

PAPER_1 = "paper_2401.00001"


def test_whole_graph_by_default() -> None:
    graph = small_graph()
    view = select_view(graph)
    assert set(view.graph) == set(graph) and view.notice is None
    assert view.max_nodes == DEFAULT_MAX_NODES
    assert view.graph.number_of_edges() == graph.number_of_edges()


@pytest.mark.parametrize("name", ["BERT", "bert", "bert-base", "  BERT  "])
def test_focus_by_name_or_alias_any_case(name: str) -> None:
    view = select_view(small_graph(), focus=name, hops=0)
    assert view.focus == ("method_bert",) and set(view.graph) == {"method_bert"}


def test_focus_by_paper_title_or_id() -> None:
    graph = small_graph()
    assert select_view(graph, focus="2401.00002", hops=0).focus == ("paper_2401.00002",)
    assert select_view(graph, focus="scaling vision transformers on tpu v4", hops=0).focus == \
        ("paper_2401.00002",)


def test_hops_follow_edges_both_ways() -> None:
    graph = small_graph()
    one = select_view(graph, focus="SQuAD", hops=1)
    # papers that evaluate on SQuAD, and results on SQuAD
    assert set(one.graph) == {"dataset_squad", PAPER_1, "paper_2401.00003", "paper_2401.00004",
                              "result_2401.00001_0", "result_2401.00004_0"}
    two = select_view(graph, focus="SQuAD", hops=2)
    assert set(one.graph) < set(two.graph)
    assert "method_distilbert" in two.graph and "dataset_imagenet" not in two.graph
    assert two.hops == 2


def test_types_keep_only_those_kinds_and_the_focus() -> None:
    graph = small_graph()
    view = select_view(graph, types=["dataset", "Method"])
    assert {graph.nodes[n]["kind"] for n in view.graph} == {"Dataset", "Method"}
    focused = select_view(graph, focus="SQuAD", hops=2, types=["Method"])
    assert set(focused.graph) == {"dataset_squad", "method_bert", "method_distilbert"}
    assert focused.types == ("Method",)


def test_cap_keeps_the_most_connected_ties_by_id() -> None:
    graph = small_graph()
    view = select_view(graph, max_nodes=3)
    degree = dict(graph.degree())
    expected = sorted(graph, key=lambda n: (-degree[n], n))[:3]
    assert set(view.graph) == set(expected)
    assert view.selected == graph.number_of_nodes() and view.left_out == graph.number_of_nodes() - 3
    assert view.notice == (f"showing 3 of {graph.number_of_nodes()} nodes; "
                           f"{graph.number_of_nodes() - 3} less connected nodes left out (max_nodes=3)")


def test_cap_keeps_the_focus_and_its_nearest_first() -> None:
    view = select_view(small_graph(), focus="TPU v4", hops=3, max_nodes=2)
    assert set(view.graph) == {"hardware_tpu%20v4", "paper_2401.00002"}


def test_cap_without_focus_draws_a_connected_view() -> None:
    # the most connected nodes are Methods, Metrics, ...: linked only through Papers
    graph = synthetic_graph(papers=300, entities=700)
    view = select_view(graph, max_nodes=30)
    assert view.shown == 30 and view.graph.number_of_edges() >= 29
    assert nx.is_connected(view.graph.to_undirected(as_view=True))
    degree = dict(graph.degree())
    assert max(graph, key=lambda n: (degree[n], n)) in view.graph


def test_unknown_focus_lists_close_matches() -> None:
    with pytest.raises(KgInputError, match=r'no node named "SQuAD2".*close matches: .*"SQuAD"'):
        select_view(small_graph(), focus="SQuAD2")
    with pytest.raises(KgInputError, match="no close matches"):
        select_view(small_graph(), focus="zzzzzzzz")


@pytest.mark.parametrize(("options", "message"), [
    ({"types": ["Model"]}, 'unknown node type "Model"; types are Paper, Method'),
    ({"hops": -1, "focus": "BERT"}, "hops must be 0 or more"),
    ({"max_nodes": 0}, "max_nodes must be 1 or more"),
])
def test_bad_options_are_input_errors(options: dict, message: str) -> None:
    with pytest.raises(KgInputError, match=message):
        select_view(small_graph(), **options)


def test_selection_leaves_the_graph_unchanged() -> None:
    graph = small_graph()
    before = (dict(graph.nodes(data=True)), list(graph.edges(keys=True, data=True)))
    select_view(graph, focus="BERT", hops=2, types=["Paper"], max_nodes=2)
    assert (dict(graph.nodes(data=True)), list(graph.edges(keys=True, data=True))) == before


@pytest.fixture()
def graph_json(tmp_path: Path) -> Path:
    path = tmp_path / "outputs" / "graph.json"
    path.parent.mkdir()
    write_nodelink(small_graph(), path)
    return path


def drawn_nodes(page: Path) -> set[str]:
    (block,) = lxml.html.parse(str(page)).getroot().xpath('//script[@id="kg-data"]')
    return {node["id"] for node in json.loads(block.text)["nodes"]}


def test_kg_view_writes_a_focused_page(graph_json: Path, tmp_path: Path) -> None:
    out = tmp_path / "bert.html"
    result = CliRunner().invoke(main, ["view", "--graph", str(graph_json), "--focus", "bert-base",
                                       "--hops", "1", "--types", "Paper, Dataset", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert drawn_nodes(out) == {"method_bert", PAPER_1, "paper_2401.00003", "paper_2401.00004"}
    assert result.output.startswith(f"{out}: 4 of 14 nodes")


def test_kg_view_defaults_to_the_whole_graph_beside_it(graph_json: Path) -> None:
    result = CliRunner().invoke(main, ["view", "--graph", str(graph_json), "--max-nodes", "5"])
    assert result.exit_code == 0, result.output
    assert len(drawn_nodes(graph_json.parent / "view.html")) == 5
    assert "note: showing 5 of 14 nodes; 9 less connected nodes left out" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--focus", "Bertt"], 'kg: error: no node named "Bertt" in the graph; close matches: "BERT"'),
    (["--types", "Paper,Model"], 'kg: error: unknown node type "Model"'),
])
def test_kg_view_bad_input_exits_2_and_writes_nothing(graph_json: Path, args: list[str],
                                                      message: str) -> None:
    result = CliRunner().invoke(main, ["view", "--graph", str(graph_json), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert sorted(p.name for p in graph_json.parent.iterdir()) == ["graph.json"]


def test_kg_view_without_a_build_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["view", "--graph", str(tmp_path / "graph.json")])
    assert result.exit_code == 2
    assert "run `kg build` first" in result.output


@pytest.mark.parametrize("command", [["view"], ["export", "--format", "html"]])
def test_the_page_never_replaces_the_graph_it_reads(graph_json: Path, command: list[str]) -> None:
    before = graph_json.read_bytes()
    result = CliRunner().invoke(main, [*command, "--graph", str(graph_json), "-o",
                                       str(graph_json.parent / "." / "graph.json")])
    assert result.exit_code == 2
    assert "is the graph being read; not replacing it (choose another -o)" in result.output
    assert graph_json.read_bytes() == before
    assert sorted(p.name for p in graph_json.parent.iterdir()) == ["graph.json"]
