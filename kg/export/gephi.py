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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export import WRITE_BUFFER
from kg.export.attributes import LEXICAL_FORMS, Table, clean_attributes
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
CHUNK_ELEMENTS = 1000
"""Node or edge elements joined into one write."""


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """Write `graph` as GEXF 1.3 to `path`."""
    _write_gexf(path, _tables(graph))


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """Write `graph` as GraphML to `path` (every attribute a typed ``<data>``)."""
    _write_graphml(path, _tables(graph))


def write_gexf_and_graphml(graph: nx.MultiDiGraph, gexf: Path, graphml: Path) -> None:
    """`write_gexf` and `write_graphml`, sorting and cleaning the attributes once for both."""
    tables = _tables(graph)
    _write_gexf(gexf, tables)
    _write_graphml(graphml, tables)


@dataclass(frozen=True)
class _Tables:
    """What both formats write: the nodes in id order, their attributes as they are (`node_data`)
    and cleaned; the edges in (source, relation, target) order and their cleaned attributes;
    and each node id escaped for an XML attribute, as every edge repeats it."""

    nodes: list[Any]
    node_data: list[dict[str, Any]]
    node_table: Table
    edges: list[tuple[Any, Any, Any]]
    edge_table: Table
    ids: dict[Any, str]


def _tables(graph: nx.MultiDiGraph) -> _Tables:
    node_items = sorted(graph.nodes(data=True), key=lambda item: str(item[0]))
    edge_items = sorted(graph.edges(keys=True, data=True),
                        key=lambda edge: (str(edge[0]), str(edge[2]), str(edge[1])))
    nodes = [node for node, _ in node_items]
    node_data = [data for _, data in node_items]
    return _Tables(nodes=nodes, node_data=node_data,
                   node_table=clean_attributes(node_data, join_lists=True),
                   edges=[edge[:3] for edge in edge_items],
                   edge_table=clean_attributes([edge[3] for edge in edge_items], join_lists=True),
                   ids={node: _attribute(str(node)) for node in nodes})


def _write_gexf(path: Path, tables: _Tables) -> None:
    node_columns = tuple(c for c in tables.node_table.columns if c.name != "label")  # the GEXF label
    with _XmlWriter(path) as xml:
        xml.open("gexf", {
            "xmlns": GEXF_NAMESPACE, "xmlns:viz": GEXF_VIZ_NAMESPACE, "xmlns:xsi": XSI_NAMESPACE,
            "xsi:schemaLocation": f"{GEXF_NAMESPACE} {GEXF_NAMESPACE}/gexf.xsd", "version": "1.3"})
        xml.open("meta")
        xml.leaf("creator", text="kg")
        xml.leaf("description", text="Knowledge graph of ML papers (kg build)")
        xml.close("meta")
        xml.open("graph", {"defaultedgetype": "directed", "mode": "static"})
        for name, columns in (("node", node_columns), ("edge", tables.edge_table.columns)):
            if not columns:
                continue
            xml.open("attributes", {"class": name})  # 1.3 has no mode here
            for column in columns:
                xml.leaf("attribute", {"id": column.name, "title": column.name,
                                       "type": _XSD_TYPES[column.type]})
            xml.close("attributes")
        xml.open("nodes")
        xml.elements(_gexf_nodes(tables, xml.indent()))
        xml.close("nodes")
        xml.open("edges")
        xml.elements(_gexf_edges(tables, xml.indent()))
        xml.close("edges")
        xml.close("graph")
        xml.close("gexf")


def _gexf_nodes(tables: _Tables, indent: str) -> Iterator[str]:
    """Each node's element, its lines starting with `indent` (its line break and indentation)."""
    inner = indent + "  "
    starts = _attvalue_starts(tables.node_table, inner + "  ")
    forms = _lexical_forms(tables.node_table, _lexical_attribute)
    colours = {kind: _viz_colour(colour) for kind, colour in KIND_COLOURS.items()}
    other_colour = _viz_colour(OTHER_COLOUR)
    ids = tables.ids
    for node, data, row in zip(tables.nodes, tables.node_data, tables.node_table.rows):
        label = _attribute(_lexical(row.get("label", node)))
        values = _gexf_values(starts, forms, row, inner, skip="label")
        colour = colours.get(data.get("kind"), other_colour)
        yield (f'{indent}<node id="{ids[node]}" label="{label}">{values}{inner}{colour}'
               f'{inner}<viz:size value="{_number(node_size(data))}" />{indent}</node>')


def _gexf_edges(tables: _Tables, indent: str) -> Iterator[str]:
    """Each edge's element, its lines starting with `indent` (its line break and indentation)."""
    inner = indent + "  "
    starts = _attvalue_starts(tables.edge_table, inner + "  ")
    forms = _lexical_forms(tables.edge_table, _lexical_attribute)
    relations = _Escaped()
    for (source, target, key), ends, row in zip(tables.edges, _edge_ends(tables), tables.edge_table.rows):
        relation = relations[str(row.get("relation", key))]
        start = f'{indent}<edge {ends} kind="{relation}" label="{relation}"'
        yield f"{start}>{_gexf_values(starts, forms, row, inner)}{indent}</edge>" if row else f"{start} />"


def _edge_ends(tables: _Tables) -> Iterator[str]:
    """Each edge's ``id``, ``source`` and ``target`` attributes; the id is `edge_id` of the parts
    escaped, which is the id escaped, as escaping goes character by character."""
    ids = tables.ids
    keys = _Escaped()
    for source, target, key in tables.edges:
        source_id, target_id = ids[source], ids[target]
        yield f'id="{edge_id(source_id, target_id, keys[str(key)])}" source="{source_id}" target="{target_id}"'


class _Escaped(dict[str, str]):
    """Texts escaped for an XML attribute, each escaped once: for the few relation names (edge
    keys) that many edges repeat."""

    def __missing__(self, text: str) -> str:
        self[text] = escaped = _attribute(text)
        return escaped


def _attvalue_starts(table: Table, indent: str) -> dict[str, str]:
    """Each column's ``<attvalue>`` up to its value, on a line of `indent`."""
    return {column.name: f'{indent}<attvalue for="{_attribute(column.name)}" value="'
            for column in table.columns}


def _gexf_values(starts: dict[str, str], forms: dict[str, Callable[[Any], str]], row: dict[str, Any],
                 indent: str, skip: str = "") -> str:
    """The ``<attvalues>`` element of `row` (but its `skip` value) on lines of `indent`,
    or nothing when it has no value."""
    values = "".join([f'{starts[name]}{forms[name](value)}" />' for name, value in row.items() if name != skip])
    return f"{indent}<attvalues>{values}{indent}</attvalues>" if values else ""


def _viz_colour(colour: str) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f'<viz:color r="{red}" g="{green}" b="{blue}" />'


def _write_graphml(path: Path, tables: _Tables) -> None:
    with _XmlWriter(path) as xml:
        xml.open("graphml", {
            "xmlns": GRAPHML_NAMESPACE, "xmlns:xsi": XSI_NAMESPACE,
            "xsi:schemaLocation": f"{GRAPHML_NAMESPACE} {GRAPHML_NAMESPACE}/1.0/graphml.xsd"})
        for name, table in (("node", tables.node_table), ("edge", tables.edge_table)):
            for column in table.columns:
                xml.leaf("key", {"id": _graphml_key(name, column.name), "for": name,
                                 "attr.name": column.name, "attr.type": _XSD_TYPES[column.type]})
        xml.open("graph", {"id": "kg", "edgedefault": "directed"})
        indent = xml.indent()
        xml.elements(_graphml_elements("node", (f'id="{tables.ids[node]}"' for node in tables.nodes),
                                       tables.node_table, indent))
        xml.elements(_graphml_elements("edge", _edge_ends(tables), tables.edge_table, indent))
        xml.close("graph")
        xml.close("graphml")


def _graphml_elements(name: str, attributes: Iterable[str], table: Table, indent: str) -> Iterator[str]:
    """The ``<node>`` or ``<edge>`` (`name`) elements, with the XML attributes `attributes` gives
    each, then a ``<data>`` per value of its row of `table`; lines start with `indent`."""
    inner = indent + "  "
    keys = {column.name: _attribute(_graphml_key(name, column.name)) for column in table.columns}
    starts = {column: f'{inner}<data key="{key}">' for column, key in keys.items()}
    empty = {column: f'{inner}<data key="{key}" />' for column, key in keys.items()}
    forms = _lexical_forms(table, _lexical_text)
    for xml_attributes, row in zip(attributes, table.rows):
        if not row:
            yield f"{indent}<{name} {xml_attributes} />"
            continue
        values = "".join([f"{starts[column]}{text}</data>" if (text := forms[column](value)) else empty[column]
                          for column, value in row.items()])
        yield f"{indent}<{name} {xml_attributes}>{values}{indent}</{name}>"


def _graphml_key(name: str, attribute: str) -> str:
    return f"{name}.{attribute}"


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


def _attribute(value: str) -> str:
    """`value` escaped for a double-quoted XML attribute.

    Most values need no escaping, which testing each special character with ``in`` (a fast
    scan) finds several times faster than a regular expression search; only the others are
    copied by `str.translate`."""
    if ('"' in value or "&" in value or "<" in value or ">" in value or "\n" in value
            or "\t" in value or "\r" in value):
        return value.translate(_ATTRIBUTE_ESCAPES)
    return value


def _text(value: str) -> str:
    """`value` escaped for XML character data (as `_attribute`)."""
    if "&" in value or "<" in value or ">" in value:
        return value.translate(_TEXT_ESCAPES)
    return value


def _lexical_attribute(value: Any) -> str:
    """`_lexical(value)` escaped for an attribute: only text can hold characters to escape."""
    return _attribute(value) if type(value) is str else _lexical(value)


def _lexical_text(value: Any) -> str:
    """`_lexical(value)` escaped for character data."""
    return _text(value) if type(value) is str else _lexical(value)


def _lexical_forms(table: Table, text_form: Callable[[Any], str]) -> dict[str, Callable[[Any], str]]:
    """For each column of `table`, the function giving a value's `_lexical` form: `text_form`
    for a text column, `LEXICAL_FORMS` for the others."""
    return {column.name: LEXICAL_FORMS.get(column.type, text_form) for column in table.columns}


class _XmlWriter:
    """Writes XML as it is generated, with no tree in memory: the outer elements one by one,
    the nodes and edges as text rendered by the caller (`elements`).

    The bytes are those of ``xml.etree.ElementTree`` after ``ET.indent(root, "  ")``: the
    declaration line, two spaces per level, ``<tag a="v" />`` for an element without
    content, attribute values and text escaped the same way, and a final line feed.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.depth = 0
        self.empty = False
        """Whether the last element opened has no content yet (its start tag is not closed)."""
        self.parts: list[str] = ["<?xml version='1.0' encoding='utf-8'?>\n"]
        """What is not written yet."""

    def __enter__(self) -> _XmlWriter:
        self.out = open(self.path, "w", encoding="utf-8", errors="xmlcharrefreplace", newline="\n",
                        buffering=WRITE_BUFFER)
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.parts.append("\n")
            self._flush()
        self.out.close()

    def indent(self) -> str:
        """The line break and indentation of an element written now."""
        return "\n" + "  " * self.depth

    def _close_start_tag(self) -> None:
        """Close the start tag of the element still without content, if any."""
        if self.empty:
            self.parts.append(">")
            self.empty = False

    def _start(self, tag: str, attrs: dict[str, str] | None) -> None:
        self._close_start_tag()
        if self.depth:  # the root follows the declaration's line feed
            self.parts.append(self.indent())
        self.parts.append("<" + tag)
        if attrs:
            self.parts += [f' {name}="{_attribute(value)}"' for name, value in attrs.items()]

    def _flush(self) -> None:
        self.out.write("".join(self.parts))
        self.parts.clear()

    def open(self, tag: str, attrs: dict[str, str] | None = None) -> None:
        """Start an element; what is written next, until `close`, is inside it."""
        self._start(tag, attrs)
        self.empty = True
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.parts.append(" />" if self.empty else f"{self.indent()}</{tag}>")
        self.empty = False

    def leaf(self, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> None:
        """An element without child elements."""
        self._start(tag, attrs)
        self.parts.append(f">{_text(text)}</{tag}>" if text else " />")

    def elements(self, elements: Iterable[str]) -> None:
        """Elements given as their XML text, each starting with `indent()`, written
        CHUNK_ELEMENTS at a time."""
        elements = iter(elements)
        while chunk := "".join(islice(elements, CHUNK_ELEMENTS)):
            self._close_start_tag()
            self.parts.append(chunk)
            self._flush()
