"""graph.gexf and graph.graphml: well-formed, GEXF 1.3, and read back by NetworkX to the same graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from export_graphs import built_graph, reversed_copy, snapshot, tricky_graph
from lxml import etree

from kg.export.attributes import clean_attributes, split_list
from kg.export.gephi import KIND_COLOURS, edge_id, node_size, write_gexf, write_graphml

GEXF = "{http://gexf.net/1.3}"
VIZ = "{http://gexf.net/1.3/viz}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GRAPHS = {"tricky": tricky_graph, "built": built_graph}


@pytest.fixture(params=sorted(GRAPHS))
def graph(request: pytest.FixtureRequest) -> nx.MultiDiGraph:
    return GRAPHS[request.param]()


def cleaned_nodes(graph: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    nodes = sorted(graph.nodes)
    table = clean_attributes([graph.nodes[n] for n in nodes], join_lists=True)
    return dict(zip(nodes, table.rows))


def cleaned_edges(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict[str, Any]]:
    edges = sorted(graph.edges(keys=True))
    table = clean_attributes([graph.edges[e] for e in edges], join_lists=True)
    return dict(zip(edges, table.rows))


def test_gexf_is_version_1_3_without_a_date(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "graph.gexf"
    write_gexf(graph, path)
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    assert root.nsmap == {None: "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz",
                          "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") == \
        "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    meta = root.find(f"{GEXF}meta")
    assert meta.get("lastmodifieddate") is None and meta.findtext(f"{GEXF}creator") == "kg"
    assert root.find(f"{GEXF}graph").get("defaultedgetype") == "directed"
    classes = [(a.get("class"), a.get("mode")) for a in root.iter(f"{GEXF}attributes")]
    assert classes == [("node", None), ("edge", None)]  # GEXF 1.3 dropped <attributes mode=...>


def test_gexf_declares_typed_attributes(tmp_path: Path) -> None:
    path = tmp_path / "graph.gexf"
    write_gexf(tricky_graph(), path)
    root = etree.parse(str(path)).getroot()
    declared = {(a.getparent().get("class"), a.get("title")): a.get("type")
                for a in root.iter(f"{GEXF}attribute")}
    assert declared[("node", "support")] == "long"
    assert declared[("node", "value")] == "double"
    assert declared[("node", "lexicon")] == "boolean"
    assert declared[("node", "lower_is_better")] == "boolean"
    assert declared[("node", "aliases")] == "string"
    assert declared[("edge", "mentions")] == "long"
    assert ("node", "label") not in declared  # it is the GEXF label


def test_gexf_colours_nodes_by_kind_and_sizes_by_support(tmp_path: Path) -> None:
    graph = tricky_graph()
    path = tmp_path / "graph.gexf"
    write_gexf(graph, path)
    for node in etree.parse(str(path)).getroot().iter(f"{GEXF}node"):
        data = graph.nodes[node.get("id")]
        colour = node.find(f"{VIZ}color")
        rgb = "#{:02X}{:02X}{:02X}".format(*(int(colour.get(c)) for c in "rgb"))
        assert rgb == KIND_COLOURS[data["kind"]]
        assert float(node.find(f"{VIZ}size").get("value")) == node_size(data)
    sizes = {n: node_size(d) for n, d in graph.nodes(data=True)}
    assert sizes["method_3"] > sizes["method_2"] > sizes["method_0"]  # support 4 > 3 > 1


def test_gexf_reads_back_to_the_same_graph(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "graph.gexf"
    write_gexf(graph, path)
    back = nx.MultiDiGraph(nx.read_gexf(path))
    expected_nodes = cleaned_nodes(graph)
    assert set(back.nodes) == set(graph.nodes)
    for node, data in back.nodes(data=True):
        data = {k: v for k, v in data.items() if k != "viz"}
        assert data == expected_nodes[node], node
    expected_edges = cleaned_edges(graph)
    got = {}
    for source, target, data in back.edges(data=True):
        assert data.pop("id") == edge_id(source, target, data["relation"])
        assert data.pop("label") == data["relation"]  # the GEXF edge label; kind= is Gephi-only
        got[(source, target, data["relation"])] = data
    assert got == expected_edges


def test_graphml_reads_back_to_the_same_graph(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "graph.graphml"
    write_graphml(graph, path)
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{GRAPHML}graphml"
    types = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iter(f"{GRAPHML}key")}
    assert types[("node", "year")] == "long" and types[("node", "value")] == "double"
    back = nx.read_graphml(path, force_multigraph=True)
    assert dict(back.nodes(data=True)) == cleaned_nodes(graph)
    expected_edges = cleaned_edges(graph)
    assert {(s, t, d["relation"]): d for s, t, d in back.edges(data=True)} == expected_edges
    assert sorted(back.edges(keys=True)) == sorted((s, t, edge_id(s, t, r)) for s, t, r in expected_edges)


def test_awkward_text_survives_both_formats(tmp_path: Path) -> None:
    graph = built_graph()
    write_gexf(graph, tmp_path / "graph.gexf")
    write_graphml(graph, tmp_path / "graph.graphml")
    for back in (nx.read_gexf(tmp_path / "graph.gexf"), nx.read_graphml(tmp_path / "graph.graphml")):
        method = back.nodes["method_flash%27attn%222%22"]
        assert method["label"] == "Flash'Attn \"2\""
        assert split_list(method["aliases"]) == ["FA;2", "FA|2"]
        assert back.nodes["paper_2401.1"]["year"] == 2024
        assert split_list(back.nodes["paper_2401.1"]["authors"]) == ["Zoë Ä", "O'Hara; Jr."]
        assert back.nodes["hardware_h100gpu"]["name"] == "H100\tGPU"
        assert back.nodes["task_qa%3A%D7%A2%D7%91%D7%A8%D7%99%D7%AA"]["name"] == "QA: עברית"
        assert back.nodes["result_2401.1_1"]["value"] == 1.2e-05
        assert back.nodes["result_2401.1_2"]["unit"] == ""
        assert "authors" not in back.nodes["paper_2401.2"]  # empty list: omitted
        sentence = next(d["sentence"] for s, t, d in back.edges(data=True) if t == "hardware_h100gpu")
        assert sentence == "We use H100\tGPU;\n really."


def test_control_characters_are_dropped_and_nothing_else(tmp_path: Path) -> None:
    graph = tricky_graph()
    write_gexf(graph, tmp_path / "graph.gexf")
    back = nx.read_gexf(tmp_path / "graph.gexf")
    assert back.nodes["task_1"]["label"] == "ctrlchar"
    assert back.nodes["dataset_1"]["label"] == "line\nbreak\tand tab"


@pytest.mark.parametrize("writer", [write_gexf, write_graphml])
def test_output_is_deterministic_and_graph_untouched(writer, tmp_path: Path) -> None:
    graph = tricky_graph()
    before = snapshot(graph)
    writer(graph, tmp_path / "one")
    writer(reversed_copy(graph), tmp_path / "two")
    assert (tmp_path / "one").read_bytes() == (tmp_path / "two").read_bytes()
    assert snapshot(graph) == before


def test_empty_graph_writes_valid_files(tmp_path: Path) -> None:
    write_gexf(nx.MultiDiGraph(), tmp_path / "graph.gexf")
    write_graphml(nx.MultiDiGraph(), tmp_path / "graph.graphml")
    assert nx.read_gexf(tmp_path / "graph.gexf").number_of_nodes() == 0
    assert nx.read_graphml(tmp_path / "graph.graphml").number_of_nodes() == 0


def test_gexf_edges_carry_stable_ids_and_their_relation(tmp_path: Path) -> None:
    graph = built_graph()
    write_gexf(graph, tmp_path / "graph.gexf")
    edges = list(etree.parse(str(tmp_path / "graph.gexf")).getroot().iter(f"{GEXF}edge"))
    assert [(e.get("source"), e.get("kind"), e.get("target")) for e in edges] == \
        sorted((s, r, t) for s, t, r in graph.edges(keys=True))
    assert all(e.get("label") == e.get("kind") for e in edges)
    task = "task_qa%3A%D7%A2%D7%91%D7%A8%D7%99%D7%AA"
    ids = [e.get("id") for e in edges]
    assert ids[:2] == [f"paper_2401.1 addresses {task}", "paper_2401.1 evaluatesOn dataset_c4"]


def test_bundled_build_reads_back_from_gexf_and_graphml(bundled_build: Path) -> None:
    from kg.export.nodelink import read_nodelink

    graph = read_nodelink(bundled_build / "graph.json")
    gexf = nx.read_gexf(bundled_build / "graph.gexf")
    graphml = nx.read_graphml(bundled_build / "graph.graphml", force_multigraph=True)
    expected = cleaned_nodes(graph)
    assert {n: {k: v for k, v in d.items() if k != "viz"} for n, d in gexf.nodes(data=True)} == expected
    assert dict(graphml.nodes(data=True)) == expected
    assert sorted((s, d["relation"], t) for s, t, d in gexf.edges(data=True)) == \
        sorted((s, r, t) for s, t, r in graph.edges(keys=True))
    assert graphml.number_of_edges() == graph.number_of_edges()
