"""Outputs as part files: N-Triples for a triple store's bulk loader, CSVs for neo4j-admin.

The N-Triples lines are made node by node by kg.export.rdf (`node_subjects`,
`ntriples_lines`, `header_subject`), so the union of the parts is, as a set of lines, the
single-machine graph.nt. The Neo4j CSV rows are made by kg.export.neo4j's row writers, one
directory per label or relationship type holding ``header.csv`` and the ``part-*`` files.
Column types must be the same in every part: they are settled first, from one witness
value per (label, property, value kind) gathered by the cluster (a handful of rows), then
every row is cleaned by kg.export.attributes together with those witnesses, which gives
each value the type the whole label's column has, as on one machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.export.attributes import Column, Table, clean_attributes
from kg.export.neo4j import (
    NodeSet,
    RelationshipSet,
    import_script,
    node_csv,
    relationship_csv,
)
from kg.export.rdf import header_subject, node_subjects, ntriples_lines
from kg.graph.schema import NODE_KINDS, RELATIONS
from kg.spark.io import FileSystem, dumps, loads, save_parts

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, Row

NODE_EXCLUDED = ("kind", "id")
EDGE_EXCLUDED = ("relation",)
_KIND_NAMES = {bool: "bool", int: "int", float: "float", str: "text"}


def write_ntriples_parts(nodes: DataFrame, edges: DataFrame, uri: str, base_iri: str, partitions: int) -> None:
    """`uri`/part-*: every node's statements, a node's lines together; the header's in one part."""
    from pyspark.sql import functions as F

    out_edges = edges.groupBy("source").agg(
        F.collect_list(F.struct("relation", "target", "attrs")).alias("edges"))
    joined = nodes.join(out_edges.withColumnRenamed("source", "node_id"), "node_id", "left")
    header = _lines([header_subject(base_iri)])
    blocks = joined.rdd.map(lambda row: (row.node_id, _node_lines(row, base_iri))).toDF("key string, text string")
    spark = nodes.sparkSession
    save_parts(blocks.union(spark.createDataFrame([("", header)], "key string, text string")), uri, partitions)


def _node_lines(row: Row, base_iri: str) -> str:
    edges = sorted(((e.relation, e.target, loads(e.attrs)) for e in row.edges or ()), key=lambda e: e[:2])
    return _lines(node_subjects(row.node_id, loads(row.attrs), edges, base_iri))


def _lines(subjects) -> str:
    """The subjects' N-Triples lines as one block, without the last line feed (the part
    writer ends every block with one)."""
    return "".join(line for subject, pairs in subjects for line in ntriples_lines(subject, pairs))[:-1]


# ---------------------------------------------------------------- Neo4j


def write_neo4j_parts(nodes: DataFrame, edges: DataFrame, uri: str, partitions: int) -> list[str]:
    """`uri`/nodes_<Label>/ and `uri`/relationships_<TYPE>/ (header.csv + part-*) and an
    import.sh for neo4j-admin; returns the directory names written."""
    from pyspark.sql import functions as F

    fs = FileSystem(nodes.sparkSession, uri)
    node_rows = nodes.select(F.col("kind").alias("label"), F.col("node_id").alias("key"),
                             "node_id", F.lit(None).cast("string").alias("target"), "attrs")
    edge_rows = edges.select(F.col("relation").alias("label"),
                             F.concat_ws("\x1f", "source", "target").alias("key"),
                             F.col("source").alias("node_id"), "target", "attrs")
    written = []
    for rows, excluded, order in ((node_rows, NODE_EXCLUDED, NODE_KINDS), (edge_rows, EDGE_EXCLUDED, RELATIONS)):
        columns = _columns(rows, excluded)
        lines = _csv_lines(rows, columns, excluded).persist()
        for label in sorted(columns, key=lambda name: (order.index(name) if name in order else len(order), name)):
            directory = _csv_set(label, (), Table(columns[label][0], ()), excluded)
            save_parts(lines.where(F.col("label") == label).select("key", "text"), f"{uri}/{directory[0]}", partitions)
            fs.write_text(f"{uri}/{directory[0]}/header.csv", directory[1] + "\n")
            written.append(directory[0])
        lines.unpersist()
    fs.write_text(f"{uri}/import.sh", _import_script(written))
    return written


def _csv_lines(rows: DataFrame, columns: dict[str, Witnesses], excluded: tuple[str, ...]) -> DataFrame:
    return rows.rdd.map(lambda row: (row.label, row.key, _csv_row(row, columns[row.label], excluded))) \
        .toDF("label string, key string, text string")


Witnesses = tuple[tuple[Column, ...], list[dict[str, Any]]]
"""A label's columns and the witness records that settle them."""


def _columns(rows: DataFrame, excluded: tuple[str, ...]) -> dict[str, Witnesses]:
    """Per label, its columns and one witness record per (property, value kind)."""
    from pyspark.sql import functions as F

    found = rows.rdd.flatMap(lambda row: _witnesses(row.label, loads(row.attrs), excluded)) \
        .toDF("label string, name string, kind string, value binary") \
        .groupBy("label", "name", "kind").agg(F.min("value").alias("value")).collect()
    labels = {row.label for row in rows.select("label").distinct().collect()}
    records: dict[str, list[dict[str, Any]]] = {label: [] for label in labels}
    for row in sorted(found, key=lambda r: (r.label, r.name, r.kind)):
        records[row.label].append({row.name: loads(row.value)})
    return {label: (clean_attributes(witness, join_lists=False, exclude=excluded).columns, witness)
            for label, witness in records.items()}


def _witnesses(label: str, attrs: dict[str, Any], excluded: tuple[str, ...]) -> Iterator[tuple[str, str, str, bytes]]:
    for key, value in attrs.items():
        columns = clean_attributes([{key: value}], join_lists=False, exclude=excluded).columns
        for column in columns:
            yield label, column.name, "list" if column.is_list else _KIND_NAMES[column.type], dumps(value)


def _csv_row(row: Row, witnesses: Witnesses, excluded: tuple[str, ...]) -> str:
    columns, records = witnesses
    table = clean_attributes([*records, loads(row.attrs)], join_lists=False, exclude=excluded)
    assert table.columns == columns, "the witnesses settle every column"
    ends = (row.node_id,) if row.target is None else ((row.node_id, row.target),)
    return _csv_set(row.label, ends, Table(columns, table.rows[-1:]), excluded)[2]


def _csv_set(label: str, ends: tuple, table: Table, excluded: tuple[str, ...]) -> tuple[str, ...]:
    """(directory name, header line, row lines ...) of kg.export.neo4j's CSV for these rows."""
    if excluded == NODE_EXCLUDED:
        node_set = NodeSet(label, ends, table)
        return (Path(node_set.filename).stem, *node_csv(node_set))
    relationship_set = RelationshipSet(label, ends, table, ())
    return (Path(relationship_set.filename).stem, *relationship_csv(relationship_set))


def _import_script(directories: list[str]) -> str:
    file_options = []
    for directory in directories:
        kind, _, label = directory.partition("_")
        file_options.append(f"--{kind}={label}={directory}/header.csv,{directory}/part-[0-9]+")
    return "\n".join(import_script(file_options)) + "\n"
