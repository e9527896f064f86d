"""The `neo4j/` folder: the graph for Neo4j and other openCypher databases, three ways.

- ``nodes_<Label>.csv`` / ``relationships_<TYPE>.csv`` + ``import.sh``: offline bulk import
  with ``neo4j-admin database import full`` (Neo4j 5) into a new database.
- ``load.cypher``: the same CSV files through ``LOAD CSV`` into a running Neo4j.
- ``graph.cypher``: the whole graph as self-contained ``UNWIND ... MERGE`` statements for
  ``cypher-shell -f``, Memgraph, FalkorDB or any openCypher engine.
- ``constraints.cypher``: the uniqueness constraints on ``id`` (Neo4j syntax), which
  ``load.cypher`` starts with and which make ``graph.cypher`` fast on Neo4j.

Format decisions:

- Labels are node kinds, relationship types the graph's relations, unchanged. Every node
  has an ``id`` property, the graph's node id, unique across labels: the CSV files share
  one ID space, the group ``kg`` (``id:ID(kg)``, ``:START_ID(kg)``, ``:END_ID(kg)``), since
  a ``proposes`` relationship may end at any entity label.
- Properties are the graph's attributes (but ``kind``, which is the label, and an edge's
  ``relation``, which is its type; ``id`` is the node id), cleaned by `kg.export.attributes`:
  one type per property within a label or relationship type, missing values absent. CSV
  headers carry the type: ``long``, ``double``, ``boolean``, ``string``, ``string[]``.
- String arrays in CSV are joined by U+001F (the ASCII unit separator), passed to
  neo4j-admin as ``--array-delimiter=U+001F``: cleaning removes that character from every
  value, so any name, ``;`` and ``|`` included, survives the split.
- CSV text fields are always quoted (``""`` inside) and an empty unquoted field is a missing
  value, so the empty string and "absent" stay apart; fields may span lines
  (``--multiline-fields=true``).
- ``load.cypher`` reads the CSV files as they are: LOAD CSV keys each row by the raw header
  text, so it reads ``row.`support:long``` and converts with toInteger / toFloat /
  toBoolean / split.
- ``graph.cypher`` writes each statement over several lines, the last ending in ``;``; no
  other line ends in ``;`` because strings escape line breaks (``\\n``), so splitting the
  file on ";" + line end gives the statements. Strings are single-quoted with backslash
  escapes (``\\\\``, ``\\'``, ``\\"``, ``\\n``, ``\\t``, ``\\uXXXX`` for other control characters).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export import WRITE_BUFFER
from kg.export.attributes import LEXICAL_FORMS, Column, Table, clean_attributes
from kg.graph.schema import NODE_KINDS, RELATIONS
from kg.staging import permitted

ID_GROUP = "kg"
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "U+001F"
CYPHER_BATCH_ROWS = 500
LOAD_CSV_BATCH_ROWS = 1000
README_TITLE = "# kg graph for Neo4j and openCypher databases"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CSV_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_LOAD_CSV_CONVERSIONS = {bool: "toBoolean({})", int: "toInteger({})", float: "toFloat({})", str: "{}"}
_CYPHER_ESCAPES = str.maketrans({**{chr(code): f"\\u{code:04X}" for code in range(0x20)},
                                 "\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_CYPHER_SPECIAL = re.compile("[\\\\'\"\x00-\x1f]")


@dataclass(frozen=True)
class NodeSet:
    """The nodes of one label, in id order, and their properties."""

    label: str
    ids: tuple[str, ...]
    properties: Table

    @property
    def filename(self) -> str:
        return f"nodes_{self.label}.csv"


@dataclass(frozen=True)
class RelationshipSet:
    """The relationships of one type, in (start, end) order, and their properties."""

    type: str
    ends: tuple[tuple[str, str], ...]
    properties: Table
    labels: tuple[tuple[str, str], ...]
    """(start label, end label) of each relationship."""

    @property
    def filename(self) -> str:
        return f"relationships_{self.type}.csv"

    def label_pairs(self) -> list[tuple[str, str]]:
        return sorted(set(self.labels), key=lambda pair: (_kind_order(pair[0]), _kind_order(pair[1])))


def write_neo4j(graph: nx.MultiDiGraph, path: Path) -> None:
    """Write the Neo4j folder for `graph` into the directory `path` (created if needed)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    nodes = node_sets(graph)
    relationships = relationship_sets(graph)
    for node_set in nodes:
        _write_lines(path / node_set.filename, node_csv(node_set))
    for relationship_set in relationships:
        _write_lines(path / relationship_set.filename, relationship_csv(relationship_set))
    labels = [node_set.label for node_set in nodes]
    _write_lines(path / "constraints.cypher", constraint_statements(labels))
    _write_lines(path / "load.cypher", [*constraint_statements(labels), *_load_csv(nodes, relationships)])
    # one write per statement: each holds up to CYPHER_BATCH_ROWS rows already
    _write_lines(path / "graph.cypher", graph_statements(nodes, relationships), lines_per_write=1)
    _write_lines(path / "import.sh", _import_script(nodes, relationships))
    (path / "import.sh").chmod(permitted(0o777))
    _write_lines(path / "README.md", [_readme(nodes, relationships)])


def is_neo4j_folder(path: Path) -> bool:
    """Whether `path` is a folder `write_neo4j` wrote that holds nothing else (so replacing it
    loses nothing)."""
    readme = Path(path) / "README.md"
    return (readme.is_file() and readme.read_text(encoding="utf-8").startswith(README_TITLE)
            and all(is_bundle_file(entry) for entry in Path(path).iterdir()))


def is_bundle_file(path: Path) -> bool:
    """Whether `path` is a file of the name of one that `write_neo4j` writes."""
    return _BUNDLE_FILE.fullmatch(path.name) is not None and path.is_file()


_BUNDLE_FILE = re.compile(r"(?:nodes|relationships)_\w+\.csv|(?:constraints|load|graph)\.cypher|import\.sh|README\.md")


def node_sets(graph: nx.MultiDiGraph) -> list[NodeSet]:
    """The graph's nodes grouped by label (node kind), schema order first."""
    by_label: dict[str, list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        kind = data.get("kind")
        if not _known(kind, by_label):
            _name(kind, f"kind of node {node!r}")
        by_label[kind].append((node, data))
    sets = []
    for label in sorted(by_label, key=_kind_order):
        nodes = sorted(by_label[label], key=lambda item: str(item[0]))
        table = clean_attributes([data for _, data in nodes], join_lists=False, exclude=("kind", "id"))
        sets.append(NodeSet(label, tuple([str(node) for node, _ in nodes]), table))
    return sets


def relationship_sets(graph: nx.MultiDiGraph) -> list[RelationshipSet]:
    """The graph's edges grouped by relationship type (relation), schema order first."""
    by_type: dict[str, list[tuple[Any, Any, Any, dict[str, Any]]]] = defaultdict(list)
    for edge in graph.edges(keys=True, data=True):
        source, target, key, data = edge
        relation = data.get("relation")
        type_ = relation if relation is not None else key
        if not _known(type_, by_type):
            _name(type_, f"relation of edge {source!r} -> {target!r}")
        by_type[type_].append(edge)
    kinds = dict(graph.nodes(data="kind"))
    sets = []
    for type_ in sorted(by_type, key=_relation_order):
        edges = sorted(by_type[type_], key=lambda edge: (str(edge[0]), str(edge[1]), str(edge[2])))
        table = clean_attributes([data for _, _, _, data in edges], join_lists=False, exclude=("relation",))
        sets.append(RelationshipSet(type_, tuple([(str(s), str(t)) for s, t, _, _ in edges]), table,
                                    tuple([(kinds[s], kinds[t]) for s, t, _, _ in edges])))
    return sets


def constraint_statements(labels: Iterable[str]) -> list[str]:
    """Neo4j 5 uniqueness constraints on ``id``, one per label."""
    return [f"CREATE CONSTRAINT kg_{label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE;"
            for label in labels]


def graph_statements(nodes: Sequence[NodeSet], relationships: Sequence[RelationshipSet]) -> Iterator[str]:
    """graph.cypher: MERGE every node, then every relationship, in batches of CYPHER_BATCH_ROWS."""
    for node_set in nodes:
        entries = _cypher_entries(node_set.properties.columns)
        rows = [f"{{`id`: {cypher_string(node_id)}, {properties}}}" if (properties := entries(row))
                else f"{{`id`: {cypher_string(node_id)}}}"
                for node_id, row in zip(node_set.ids, node_set.properties.rows)]
        yield from _unwind(rows, f"MERGE (n:{node_set.label} {{id: row.`id`}}) SET n += row;")
    for rel in relationships:
        entries = _cypher_entries(rel.properties.columns)
        for pair in rel.label_pairs():
            start_label, end_label = pair
            rows = [f"{{`start`: {cypher_string(start)}, `end`: {cypher_string(end)}, "
                    f"`properties`: {{{entries(row)}}}}}"
                    for (start, end), labels, row in zip(rel.ends, rel.labels, rel.properties.rows)
                    if labels == pair]
            yield from _unwind(rows, f"MATCH (a:{start_label} {{id: row.`start`}}), "
                                     f"(b:{end_label} {{id: row.`end`}}) "
                                     f"MERGE (a)-[r:{rel.type}]->(b) SET r += row.`properties`;")


def cypher_string(text: str) -> str:
    """`text` as a single-quoted Cypher string literal."""
    # Rarely anything to escape, which a test for each printable special character (``in``,
    # a fast scan) and for unprintable ones finds faster than a search or a translation.
    if ("'" in text or '"' in text or "\\" in text or not text.isprintable()) \
            and _CYPHER_SPECIAL.search(text) is not None:
        text = text.translate(_CYPHER_ESCAPES)
    return f"'{text}'"


def _cypher_entries(columns: Sequence[Column]) -> Callable[[dict[str, Any]], str]:
    """The function giving the entries of a Cypher map of a row of `columns`: ``a: 1, b: 'x'``."""
    starts = {column.name: f"{_quote_name(column.name)}: " for column in columns}
    literals = {column.name: _cypher_list if column.is_list else _CYPHER_LITERALS[column.type]
                for column in columns}
    return lambda row: ", ".join([starts[key] + literals[key](value) for key, value in row.items()])


def _cypher_list(items: list[str]) -> str:
    return "[" + ", ".join(map(cypher_string, items)) + "]"


def _cypher_float(value: float) -> str:
    return repr(value).replace("e+", "e")


_CYPHER_LITERALS: dict[type, Callable[[Any], str]] = {**LEXICAL_FORMS, str: cypher_string, float: _cypher_float}
"""The Cypher literal of a value of each column type."""


@cache
def _quote_name(name: str) -> str:
    """A property key in backticks: safe whatever the name, keywords such as ``end`` included."""
    return "`" + name.replace("`", "``") + "`"


def _unwind(rows: list[str], action: str) -> list[str]:
    statements = []
    for first in range(0, len(rows), CYPHER_BATCH_ROWS):
        batch = rows[first:first + CYPHER_BATCH_ROWS]
        statements.append("UNWIND [\n" + ",\n".join(batch) + f"\n] AS row {action}")
    return statements


def _csv_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def node_csv(node_set: NodeSet) -> Iterator[str]:
    label = _csv_string(node_set.label)
    return _csv_lines([f"id:ID({ID_GROUP})", ":LABEL"],
                      (f"{_csv_string(node_id)},{label}" for node_id in node_set.ids), node_set.properties)


def relationship_csv(rel: RelationshipSet) -> Iterator[str]:
    type_ = _csv_string(rel.type)
    return _csv_lines([f":START_ID({ID_GROUP})", f":END_ID({ID_GROUP})", ":TYPE"],
                      (f"{_csv_string(start)},{_csv_string(end)},{type_}" for start, end in rel.ends),
                      rel.properties)


def _csv_lines(key_headers: list[str], keys: Iterable[str], properties: Table) -> Iterator[str]:
    """A CSV file for neo4j-admin: the key columns (ids, label or type, each line's given by
    `keys` as CSV), then typed properties."""
    columns = properties.columns
    fields = [(column.name, _csv_list if column.is_list else _CSV_FIELDS[column.type]) for column in columns]
    yield ",".join([*key_headers, *(_csv_header(column) for column in columns)])
    for key_fields, row in zip(keys, properties.rows):
        yield ",".join([key_fields, *[field(row[name]) if name in row else "" for name, field in fields]])


def _csv_header(column: Column) -> str:
    return f"{column.name}:{_CSV_TYPES[column.type]}{'[]' if column.is_list else ''}"


def _csv_list(items: list[str]) -> str:
    return _csv_string(ARRAY_DELIMITER.join(items))


_CSV_FIELDS: dict[type, Callable[[Any], str]] = {**LEXICAL_FORMS, str: _csv_string}
"""The CSV field of a value of each column type (a missing value's is empty)."""


def _load_csv(nodes: Sequence[NodeSet], relationships: Sequence[RelationshipSet]) -> list[str]:
    """load.cypher after the constraints: each CSV file through LOAD CSV, MERGE in batches."""
    statements = []
    for node_set in nodes:
        assignments = _load_csv_assignments("n", node_set.properties.columns)
        statements.append(
            f"LOAD CSV WITH HEADERS FROM 'file:///{node_set.filename}' AS row\n"
            f"CALL {{\n  WITH row\n  MERGE (n:{node_set.label} {{id: row.`id:ID({ID_GROUP})`}})"
            f"{assignments}\n}} IN TRANSACTIONS OF {LOAD_CSV_BATCH_ROWS} ROWS;")
    for rel in relationships:
        assignments = _load_csv_assignments("r", rel.properties.columns)
        for start_label, end_label in rel.label_pairs():
            statements.append(
                f"LOAD CSV WITH HEADERS FROM 'file:///{rel.filename}' AS row\n"
                f"CALL {{\n  WITH row\n"
                f"  MATCH (a:{start_label} {{id: row.`:START_ID({ID_GROUP})`}})\n"
                f"  MATCH (b:{end_label} {{id: row.`:END_ID({ID_GROUP})`}})\n"
                f"  MERGE (a)-[r:{rel.type}]->(b){assignments}\n"
                f"}} IN TRANSACTIONS OF {LOAD_CSV_BATCH_ROWS} ROWS;")
    return statements


def _load_csv_assignments(variable: str, columns: Sequence[Column]) -> str:
    if not columns:
        return ""
    values = []
    for column in columns:
        field = f"row.`{_csv_header(column)}`"
        value = (f"split({field}, {cypher_string(ARRAY_DELIMITER)})" if column.is_list
                 else _LOAD_CSV_CONVERSIONS[column.type].format(field))
        values.append(f"{variable}.{_quote_name(column.name)} = {value}")
    return "\n  SET " + ",\n      ".join(values)


def _import_script(nodes: Sequence[NodeSet], relationships: Sequence[RelationshipSet]) -> list[str]:
    return import_script([f"--nodes={node_set.label}={node_set.filename}" for node_set in nodes]
                         + [f"--relationships={rel.type}={rel.filename}" for rel in relationships])


def import_script(file_options: Sequence[str]) -> list[str]:
    """The lines of import.sh: `neo4j-admin database import full` with `file_options`
    (``--nodes=Label=files``, ``--relationships=TYPE=files``) and the options kg's CSV needs."""
    # The database name comes first: since Neo4j 5.19, --nodes/--relationships take every
    # argument after them as another file.
    options = ['"$database"', "--id-type=string", f"--array-delimiter={ARRAY_DELIMITER_OPTION}",
               "--multiline-fields=true", '"$@"', *file_options]
    return [
        "#!/bin/sh",
        "# Bulk-import this folder into a new, stopped Neo4j 5 database (default: neo4j).",
        "#   sh import.sh [DATABASE] [more neo4j-admin options, e.g. --overwrite-destination=true]",
        "# Set NEO4J_ADMIN to the neo4j-admin executable if it is not on PATH.",
        "set -eu",
        'cd "$(dirname "$0")"',
        'database="${1:-neo4j}"',
        "[ $# -gt 0 ] && shift",
        '"${NEO4J_ADMIN:-neo4j-admin}" database import full \\',
        *(f"  {option} \\" for option in options[:-1]),
        f"  {options[-1]}",
    ]


def _readme(nodes: Sequence[NodeSet], relationships: Sequence[RelationshipSet]) -> str:
    labels = tuple(n.label for n in nodes)
    node_files = "\n".join(f"- `{n.filename}`: {len(n.ids)} `{n.label}` nodes" for n in nodes)
    rel_files = "\n".join(f"- `{r.filename}`: {len(r.ends)} `{r.type}` relationships" for r in relationships)
    return f"""{README_TITLE}

Written by `kg build` / `kg export --format neo4j`. Every node has an `id` property (the
graph's node id, unique across labels; the same id is the GEXF/GraphML node id and the local
name of the RDF IRI). Labels are node kinds, relationship types are the graph's relations.

{node_files}
{rel_files}

## Which file to use

**Offline bulk import into a new database** (fastest; Neo4j 5, database stopped): `import.sh`.

    NEO4J_ADMIN=$NEO4J_HOME/bin/neo4j-admin sh import.sh neo4j
    # replacing an existing database: sh import.sh neo4j --overwrite-destination=true

It runs `neo4j-admin database import full` with `--id-type=string`,
`--array-delimiter={ARRAY_DELIMITER_OPTION}` (string arrays are joined by the ASCII unit separator,
which no value contains) and `--multiline-fields=true` (sentences may span lines).
Then start Neo4j (a database other than the default one must be created first:
`CREATE DATABASE name`, Enterprise Edition) and run `cypher-shell -f constraints.cypher` to index `id`.

**A running Neo4j that can read files from its import directory**: `load.cypher`.

    cp *.csv "$NEO4J_HOME/import/"
    cypher-shell -u neo4j -p PASSWORD -f load.cypher

It creates the uniqueness constraints on `id`, then MERGEs nodes and relationships from the
CSV files in batches of {LOAD_CSV_BATCH_ROWS} rows, reading the typed headers as they are
(``row.`support:long` ``) and converting with toInteger, toFloat, toBoolean and split.
The CSV files double a quote inside a field (RFC 4180). Unless neo4j.conf sets
`dbms.import.csv.legacy_quote_escaping=false`, LOAD CSV also reads a backslash before a quote
as an escaped quote, which misreads a text holding `\\"` (a LaTeX accent: `Schr\\"odinger`):
set it, or use `import.sh` or `graph.cypher`, which read such text as written.

**Anything else** (no file access, FalkorDB, Memgraph, small graphs): `graph.cypher`, the whole
graph as self-contained `UNWIND [...] AS row MERGE ...` statements, each ending with `;`
at the end of a line, strings escaped the Cypher way.

    cypher-shell -u neo4j -p PASSWORD -f constraints.cypher
    cypher-shell -u neo4j -p PASSWORD -f graph.cypher
    mgconsole < graph.cypher                  # Memgraph

FalkorDB takes one statement per query; an index on `id` first makes loading several times faster:

    from falkordb import FalkorDB
    graph = FalkorDB(host="localhost", port=6379).select_graph("kg")
    for label in {labels}:
        graph.query(f"CREATE INDEX FOR (n:{{label}}) ON (n.id)")
    text = open("graph.cypher", encoding="utf-8").read()
    for statement in text.split(";\\n"):
        if statement.strip():
            graph.query(statement)

`load.cypher` and `graph.cypher` MERGE on `id`, so running either twice changes nothing.

## CSV format

`id:ID({ID_GROUP})`, `:LABEL`, `:START_ID({ID_GROUP})`, `:END_ID({ID_GROUP})`, `:TYPE`, then one column per
property, `name:type` with type `long`, `double`, `boolean`, `string` or `string[]`. Text fields
are always quoted; an empty unquoted field is a missing value. Lists in the graph that were
empty are absent.
"""


def _write_lines(path: Path, lines: Iterable[str], lines_per_write: int = 1000) -> None:
    with open(path, "w", encoding="utf-8", newline="\n", buffering=WRITE_BUFFER) as out:
        lines = iter(lines)
        while batch := list(islice(lines, lines_per_write)):
            out.write("\n".join(batch) + "\n")


def _known(value: Any, names: dict[str, Any]) -> bool:
    """Whether `value` is one of `names`, each checked by `_name` when first found."""
    return type(value) is str and value in names


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValueError(f"{what} is {value!r}, not a name usable as a Neo4j label or type")
    return value


def _kind_order(label: str) -> tuple[int, str]:
    return (NODE_KINDS.index(label) if label in NODE_KINDS else len(NODE_KINDS), label)


def _relation_order(relation: str) -> tuple[int, str]:
    return (RELATIONS.index(relation) if relation in RELATIONS else len(RELATIONS), relation)
