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
import re
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
    _write_gexf(graph, path, *_node_table(graph), *_edge_table(graph))


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """Write `graph` as GraphML to `path` (every attribute a typed ``<data>``)."""
    _write_graphml(path, *_node_table(graph), *_edge_table(graph))


def write_gexf_and_graphml(graph: nx.MultiDiGraph, gexf: Path, graphml: Path) -> None:
    """`write_gexf` and `write_graphml`, sorting and cleaning the attributes once for both."""
    tables = (*_node_table(graph), *_edge_table(graph))
    _write_gexf(graph, gexf, *tables)
    _write_graphml(graphml, *tables)


def _write_gexf(graph: nx.MultiDiGraph, path: Path, nodes: list[Any], node_table: Table,
                edges: list[tuple[Any, Any, Any]], edge_table: Table) -> None:
    node_columns = tuple(c for c in node_table.columns if c.name != "label")  # the GEXF label
    with _XmlWriter(path) as xml:
        xml.open("gexf", {
            "xmlns": GEXF_NAMESPACE, "xmlns:viz": GEXF_VIZ_NAMESPACE, "xmlns:xsi": XSI_NAMESPACE,
            "xsi:schemaLocation": f"{GEXF_NAMESPACE} {GEXF_NAMESPACE}/gexf.xsd", "version": "1.3"})
        xml.open("meta")
        xml.leaf("creator", text="kg")
        xml.leaf("description", text="Knowledge graph of ML papers (kg build)")
        xml.close("meta")
        xml.open("graph", {"defaultedgetype": "directed", "mode": "static"})
        for name, columns in (("node", node_columns), ("edge", edge_table.columns)):
            if not columns:
                continue
            xml.open("attributes", {"class": name})  # 1.3 has no mode here
            for column in columns:
                xml.leaf("attribute", {"id": column.name, "title": column.name,
                                       "type": _XSD_TYPES[column.type]})
            xml.close("attributes")
        xml.open("nodes")
        for node, row in zip(nodes, node_table.rows):
            data = graph.nodes[node]
            xml.open("node", {"id": str(node), "label": _lexical(row.get("label", node))})
            _gexf_values(xml, {name: value for name, value in row.items() if name != "label"})
            colour = KIND_COLOURS.get(data.get("kind"), OTHER_COLOUR)
            red, green, blue = (str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
            xml.leaf("viz:color", {"r": red, "g": green, "b": blue})
            xml.leaf("viz:size", {"value": _number(node_size(data))})
            xml.close("node")
        xml.close("nodes")
        xml.open("edges")
        for (source, target, key), row in zip(edges, edge_table.rows):
            relation = str(row.get("relation", key))
            xml.open("edge", {"id": edge_id(source, target, key), "source": str(source),
                              "target": str(target), "kind": relation, "label": relation})
            _gexf_values(xml, row)
            xml.close("edge")
        xml.close("edges")
        xml.close("graph")
        xml.close("gexf")


def _write_graphml(path: Path, nodes: list[Any], node_table: Table,
                   edges: list[tuple[Any, Any, Any]], edge_table: Table) -> None:
    with _XmlWriter(path) as xml:
        xml.open("graphml", {
            "xmlns": GRAPHML_NAMESPACE, "xmlns:xsi": XSI_NAMESPACE,
            "xsi:schemaLocation": f"{GRAPHML_NAMESPACE} {GRAPHML_NAMESPACE}/1.0/graphml.xsd"})
        for name, table in (("node", node_table), ("edge", edge_table)):
            for column in table.columns:
                xml.leaf("key", {"id": _graphml_key(name, column.name), "for": name,
                                 "attr.name": column.name, "attr.type": _XSD_TYPES[column.type]})
        xml.open("graph", {"id": "kg", "edgedefault": "directed"})
        for node, row in zip(nodes, node_table.rows):
            xml.open("node", {"id": str(node)})
            _graphml_values(xml, "node", row)
            xml.close("node")
        for (source, target, key), row in zip(edges, edge_table.rows):
            xml.open("edge", {"id": edge_id(source, target, key), "source": str(source),
                              "target": str(target)})
            _graphml_values(xml, "edge", row)
            xml.close("edge")
        xml.close("graph")
        xml.close("graphml")


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


def _gexf_values(xml: _XmlWriter, row: dict[str, Any]) -> None:
    if row:
        xml.open("attvalues")
        xml.rendered([f'<attvalue for="{_attribute(name)}" value="{_lexical_attribute(value)}" />'
                      for name, value in row.items()])
        xml.close("attvalues")


def _graphml_values(xml: _XmlWriter, name: str, row: dict[str, Any]) -> None:
    xml.rendered([_graphml_data(_attribute(_graphml_key(name, key)), value) for key, value in row.items()])


def _graphml_data(key: str, value: Any) -> str:
    text = _text(value) if type(value) is str else _lexical(value)  # only text needs escaping
    return f'<data key="{key}">{text}</data>' if text else f'<data key="{key}" />'


def _graphml_key(name: str, attribute: str) -> str:
    return f"{name}.{attribute}"


def _lexical(value: Any) -> str:
    """An attribute value as XML Schema writes it."""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    return str(value)


def _number(value: float) -> str:
    return repr(float(value))


_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                    "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"})
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\r\n\t]')
_TEXT_SPECIAL = re.compile("[&<>]")
"""The characters of each table: a search finds most values need no escaping faster than
`str.translate` copies them."""


def _attribute(value: str) -> str:
    """`value` escaped for a double-quoted XML attribute."""
    return value if _ATTRIBUTE_SPECIAL.search(value) is None else value.translate(_ATTRIBUTE_ESCAPES)


def _text(value: str) -> str:
    """`value` escaped for XML character data."""
    return value if _TEXT_SPECIAL.search(value) is None else value.translate(_TEXT_ESCAPES)


def _lexical_attribute(value: Any) -> str:
    """`_lexical(value)` escaped for an attribute: only text can hold characters to escape."""
    return _attribute(value) if type(value) is str else _lexical(value)


class _XmlWriter:
    """Writes XML as it is generated, element by element, with no tree in memory.

    The bytes are those of ``xml.etree.ElementTree`` after ``ET.indent(root, "  ")``: the
    declaration line, two spaces per level, ``<tag a="v" />`` for an element without
    content, attribute values and text escaped the same way, and a final line feed.
    """

    FLUSH_PARTS = 1 << 16

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.depth = 0
        self.empty = False
        """Whether the last element opened has no content yet (its start tag is not closed)."""
        self.parts: list[str] = ["<?xml version='1.0' encoding='utf-8'?>\n"]
        self.indents = ["\n"]
        """Line feed and indentation of each level."""

    def __enter__(self) -> _XmlWriter:
        self.out = open(self.path, "w", encoding="utf-8", errors="xmlcharrefreplace", newline="\n")
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.parts.append("\n")
            self.out.write("".join(self.parts))
        self.out.close()

    def _next_line(self) -> str:
        """Close the start tag of the element still without content, if any; the line break and
        indentation of the current depth."""
        if self.empty:
            self.parts.append(">")
            self.empty = False
        if self.depth >= len(self.indents):
            self.indents.append("\n" + "  " * self.depth)
        return self.indents[self.depth]

    def _start(self, tag: str, attrs: dict[str, str] | None) -> None:
        indent = self._next_line()
        parts = self.parts
        if self.depth:  # the root follows the declaration's line feed
            parts.append(indent)
        parts.append("<" + tag)
        if attrs:
            for name, value in attrs.items():
                parts.append(f' {name}="{_attribute(value)}"')
        self._flush_when_full()

    def _flush_when_full(self) -> None:
        if len(self.parts) > self.FLUSH_PARTS:
            self.out.write("".join(self.parts))
            self.parts.clear()

    def open(self, tag: str, attrs: dict[str, str] | None = None) -> None:
        """Start an element; what is written next, until `close`, is inside it."""
        self._start(tag, attrs)
        self.empty = True
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.parts.append(" />" if self.empty else f"{self.indents[self.depth]}</{tag}>")
        self.empty = False

    def rendered(self, elements: list[str]) -> None:
        """Elements without child elements, each given as its XML text, one per line."""
        if not elements:
            return
        indent = self._next_line()
        self.parts.append(indent + indent.join(elements))
        self._flush_when_full()

    def leaf(self, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> None:
        """An element without child elements."""
        self._start(tag, attrs)
        self.parts.append(f">{_text(text)}</{tag}>" if text else " />")
        self.empty = False
