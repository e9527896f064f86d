"""The graph as two DataFrames, nodes and edges, made paper by paper with kg.graph.build."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kg.graph.build import paper_part
from kg.spark.io import dumps, loads

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, Row

NODES_SCHEMA = "node_id string, kind string, attrs binary"
EDGES_SCHEMA = "source string, relation string, target string, attrs binary"
"""Nodes and edges of kg.graph.schema; `attrs` is the pickled attribute dict (an edge's
without ``relation``, which is its column)."""


def assemble(planned: DataFrame, assignments: DataFrame, entity_nodes: DataFrame) -> tuple[DataFrame, DataFrame]:
    """``(nodes, edges)``: the entity nodes, and per paper (kg.graph.build.paper_part, given
    the node each of its entities resolved to) its paper and result nodes and their edges."""
    from pyspark.sql import functions as F

    per_paper = assignments.groupBy("paper_id").agg(
        F.collect_list(F.struct("idx", "node_id", "node_name")).alias("nodes"))
    joined = planned.select("paper_id", "plan").join(per_paper, "paper_id", "left")
    parts = joined.rdd.flatMap(_paper_rows).toDF(
        "node boolean, id string, kind string, target string, attrs binary").persist()
    nodes = parts.where("node").select(F.col("id").alias("node_id"), "kind", "attrs").unionByName(entity_nodes)
    edges = parts.where("not node").select(F.col("id").alias("source"), F.col("kind").alias("relation"),
                                           "target", "attrs")
    return nodes, edges


def _paper_rows(row: Row) -> Iterator[tuple[bool, str, str, str | None, bytes]]:
    members = sorted(row.nodes or (), key=lambda member: member.idx)
    attrs, edges = paper_part(loads(row.plan), [m.node_id for m in members], [m.node_name for m in members])
    for node_id, node_attrs in attrs.items():
        yield True, node_id, node_attrs["kind"], None, dumps(node_attrs)
    for source, relation, target, edge_attrs in edges:
        yield False, source, relation, target, dumps(edge_attrs)


def graph_stats(nodes: DataFrame, edges: DataFrame, mentions: int) -> dict[str, Any]:
    """kg.workflow.graph_stats, counted by the cluster: the summary of stats.json."""
    kinds = Counter({row.kind: row["count"] for row in nodes.groupBy("kind").count().collect()})
    relations = {row.relation: row["count"] for row in edges.groupBy("relation").count().collect()}
    papers, results = kinds.pop("Paper", 0), kinds.pop("Result", 0)
    return {
        "papers": papers,
        "results": results,
        "entities": dict(sorted(kinds.items())),
        "edges": dict(sorted(relations.items())),
        "resolution": {"mentions": mentions, "entities": sum(kinds.values())},
    }
