"""`graph.gexf` (GEXF 1.3, for Gephi) and `graph.graphml`: the graph with typed attributes.

Both files hold every node and edge attribute, cleaned by `kg.export.attributes` (one type
per key; lists as ``|``-joined text, see `split_list`; missing values omitted). Node and edge
ids are the graph's; an edge's id is ``"<source> <relation> <target>"``, unique because
there is at most one edge per (source, relation, target) and node ids contain no spaces.

GEXF is written here rather than by NetworkX, whose writer stamps the date into the file,
declares a wrong XML Schema instance namespace for 1.3, and takes attributes named
``start``/``end``/``label``/``id``/``weight`` for its own time and display fields. In the
GEXF file the node's ``label`` is the GEXF label (not repeated as an attribute), each edge's
GEXF ``kind`` (Gephi's edge type, which keeps parallel edges of different relations apart)
and ``label`` are its relation, and ``viz`` colours nodes by kind and sizes them by support.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.attributes import Table, clean_attributes
from kg.export.style import KIND_COLOURS

GEXF_NAMESPACE = "http://gexf.net/1.3"
GEXF_VIZ_NAMESPACE = "http://gexf.net/1.3/viz"
GRAPHML_NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"

OTHER_COLOUR = "#000000"
PAPER_SIZE = 12.0
RESULT_SIZE = 4.0
ENTITY_SIZE = 6.0
"""An entity of support s is drawn ENTITY_SIZE * (1 + log2(s)) wide: papers are one size,
results smaller, entities grow with the number of papers that mention them."""

_XSD_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """Write `graph` as GEXF 1.3 to `path`."""
    nodes, node_table = _node_table(graph)
    edges, edge_table = _edge_table(graph)
    node_columns = tuple(c for c in node_table.columns if c.name != "label")  # the GEXF label
    root = ET.Element("gexf", {
        "xmlns": GEXF_NAMESPACE, "xmlns:viz": GEXF_VIZ_NAMESPACE, "xmlns:xsi": XSI_NAMESPACE,
        "xsi:schemaLocation": f"{GEXF_NAMESPACE} {GEXF_NAMESPACE}/gexf.xsd", "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "kg"
    ET.SubElement(meta, "description").text = "Knowledge graph of ML papers (kg build)"
    element = ET.SubElement(root, "graph", defaultedgetype="directed", mode="static")
    for name, columns in (("node", node_columns), ("edge", edge_table.columns)):
        if not columns:
            continue
        declarations = ET.SubElement(element, "attributes", {"class": name})  # 1.3 has no mode here
        for column in columns:
            ET.SubElement(declarations, "attribute",
                          id=column.name, title=column.name, type=_XSD_TYPES[column.type])
    node_elements = ET.SubElement(element, "nodes")
    for node, row in zip(nodes, node_table.rows):
        data = graph.nodes[node]
        item = ET.SubElement(node_elements, "node", id=str(node), label=_lexical(row.get("label", node)))
        _gexf_values(item, {name: value for name, value in row.items() if name != "label"})
        colour = KIND_COLOURS.get(data.get("kind"), OTHER_COLOUR)
        red, green, blue = (str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
        ET.SubElement(item, "viz:color", r=red, g=green, b=blue)
        ET.SubElement(item, "viz:size", value=_number(node_size(data)))
    edge_elements = ET.SubElement(element, "edges")
    for (source, target, key), row in zip(edges, edge_table.rows):
        relation = str(row.get("relation", key))
        item = ET.SubElement(edge_elements, "edge", id=edge_id(source, target, key), source=str(source),
                             target=str(target), kind=relation, label=relation)
        _gexf_values(item, row)
    _write_xml(root, path)


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """Write `graph` as GraphML to `path` (every attribute a typed ``<data>``)."""
    nodes, node_table = _node_table(graph)
    edges, edge_table = _edge_table(graph)
    root = ET.Element("graphml", {
        "xmlns": GRAPHML_NAMESPACE, "xmlns:xsi": XSI_NAMESPACE,
        "xsi:schemaLocation": f"{GRAPHML_NAMESPACE} {GRAPHML_NAMESPACE}/1.0/graphml.xsd"})
    for name, table in (("node", node_table), ("edge", edge_table)):
        for column in table.columns:
            ET.SubElement(root, "key", {"id": _graphml_key(name, column.name), "for": name,
                                        "attr.name": column.name,
                                        "attr.type": _XSD_TYPES[column.type]})
    element = ET.SubElement(root, "graph", id="kg", edgedefault="directed")
    for node, row in zip(nodes, node_table.rows):
        _graphml_values(ET.SubElement(element, "node", id=str(node)), "node", row)
    for (source, target, key), row in zip(edges, edge_table.rows):
        item = ET.SubElement(element, "edge", id=edge_id(source, target, key),
                             source=str(source), target=str(target))
        _graphml_values(item, "edge", row)
    _write_xml(root, path)


def edge_id(source: Any, target: Any, key: Any) -> str:
    """The id of the edge `key` from `source` to `target` in GEXF and GraphML."""
    return f"{source} {key} {target}"


def node_size(data: dict[str, Any]) -> float:
    """The GEXF viz size of a node with attributes `data` (see ENTITY_SIZE)."""
    kind = data.get("kind")
    if kind == "Paper":
        return PAPER_SIZE
    if kind == "Result":
        return RESULT_SIZE
    support = data.get("support")
    if not isinstance(support, int) or isinstance(support, bool) or support < 1:
        return ENTITY_SIZE
    return round(ENTITY_SIZE * (1 + math.log2(support)), 3)


def _node_table(graph: nx.MultiDiGraph) -> tuple[list[Any], Table]:
    """Nodes in id order and their cleaned attributes."""
    nodes = sorted(graph.nodes, key=str)
    return nodes, clean_attributes([graph.nodes[node] for node in nodes], join_lists=True)


def _edge_table(graph: nx.MultiDiGraph) -> tuple[list[tuple[Any, Any, Any]], Table]:
    """Edges in (source, relation, target) order and their cleaned attributes."""
    edges = sorted(graph.edges(keys=True), key=lambda edge: (str(edge[0]), str(edge[2]), str(edge[1])))
    table = clean_attributes([graph.edges[edge] for edge in edges], join_lists=True)
    return edges, table


def _gexf_values(item: ET.Element, row: dict[str, Any]) -> None:
    if row:
        values = ET.SubElement(item, "attvalues")
        for name, value in row.items():
            ET.SubElement(values, "attvalue", {"for": name, "value": _lexical(value)})


def _graphml_values(item: ET.Element, name: str, row: dict[str, Any]) -> None:
    for key, value in row.items():
        ET.SubElement(item, "data", key=_graphml_key(name, key)).text = _lexical(value)


def _graphml_key(name: str, attribute: str) -> str:
    return f"{name}.{attribute}"


def _lexical(value: Any) -> str:
    """An attribute value as XML Schema writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    return str(value)


def _number(value: float) -> str:
    return repr(float(value))


def _write_xml(root: ET.Element, path: Path) -> None:
    ET.indent(root, space="  ")
    with open(path, "wb") as out:
        ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
        out.write(b"\n")
