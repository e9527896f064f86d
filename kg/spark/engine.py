"""`kg build --engine spark` and `kg extract --engine spark` as functions."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.export.rdf import DEFAULT_BASE_IRI, header_subject
from kg.spark.export import write_neo4j_parts, write_ntriples_parts
from kg.spark.extraction import extraction_lines, planned_papers
from kg.spark.graph import assemble, graph_stats
from kg.spark.io import (
    FileSystem,
    input_errors,
    is_spark_file,
    read_papers,
    save_parts,
    staged_output,
)
from kg.spark.resolve import resolve
from kg.spark.session import partitions, spark_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

Warn = Callable[[str], None]
OUTPUTS = ("extractions", "graph.nt", "neo4j")
"""The directories `build` writes beside stats.json."""


def extract(sources: Sequence[str | Path], out_dir: str | Path, *, fmt: str | None = None,
            spacy_model: str | None = None, warn: Warn | None = None,
            spark: SparkSession | None = None) -> int:
    """Write the `kg extract` line of each paper of `sources` (paths, globs or Hadoop URIs;
    the bundled listing when empty) as JSON Lines parts in the directory `out_dir`, sorted
    by paper id within each part. Returns the number of papers."""
    spark = spark or spark_session()
    with input_errors():
        papers = read_papers(spark, sources, fmt, warn)
        count = papers.count()
        with staged_output(spark, str(out_dir), _extraction_file) as staging:
            save_parts(extraction_lines(papers, spacy_model, partitions(spark)), staging, partitions(spark))
    return count


def _extraction_file(name: str) -> bool:
    return name.startswith("part-") or is_spark_file(name)


def _build_file(name: str) -> bool:
    return name in (*OUTPUTS, "stats.json") or is_spark_file(name)


def build(sources: Sequence[str | Path], out_dir: str | Path = "outputs", *, fmt: str | None = None,
          base_iri: str | None = None, spacy_model: str | None = None, warn: Warn | None = None,
          spark: SparkSession | None = None) -> dict[str, Any]:
    """Build the graph of `sources` on Spark into the directory `out_dir`:

    - ``extractions/part-*``: the `kg extract` lines;
    - ``graph.nt/part-*``: the N-Triples of graph.nt (the same lines, in parts);
    - ``neo4j/nodes_<Label>/``, ``neo4j/relationships_<TYPE>/``: header.csv and part-*
      files of the Neo4j bulk-import CSVs, and ``neo4j/import.sh``;
    - ``stats.json``: the summary `kg build` writes, counted by the cluster.

    Returns the summary.
    """
    spark = spark or spark_session()
    base_iri = base_iri or DEFAULT_BASE_IRI
    header_subject(base_iri)  # a bad base IRI fails before any work
    parts = partitions(spark)
    with input_errors():
        papers = read_papers(spark, sources, fmt, warn)
        planned = planned_papers(papers, spacy_model, parts).persist()
        records = planned.selectExpr("explode(records) AS record").select("record.*")
        assignments, entity_nodes = resolve(records)
        nodes, edges = assemble(planned, assignments, entity_nodes)
        nodes, edges = nodes.persist(), edges.persist()
        stats = graph_stats(nodes, edges, records.count())
        with staged_output(spark, str(out_dir), _build_file) as staging:
            save_parts(planned.selectExpr("paper_id AS key", "extraction AS text"), f"{staging}/extractions", parts)
            write_ntriples_parts(nodes, edges, f"{staging}/graph.nt", base_iri, parts)
            write_neo4j_parts(nodes, edges, f"{staging}/neo4j", parts)
            fs = FileSystem(spark, staging)
            stats["files"] = {name: fs.size(f"{staging}/{name}") for name in OUTPUTS}
            stats["notes"] = []
            fs.write_text(f"{staging}/stats.json", json.dumps(stats, indent=2) + "\n")
    for frame in (planned, nodes, edges):
        frame.unpersist()
    return stats
