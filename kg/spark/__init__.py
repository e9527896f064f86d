"""The same build on Apache Spark (`kg build --engine spark`, `kg extract --engine spark`).

Install with the ``spark`` extra (``pip install '.[spark]'`` in kg's checkout, which brings
pyspark; Spark also needs a Java runtime). The stages and what runs where:

    read      one task per input file: the file's bytes go through kg.corpus's reader for
              its format, so every format and every input check is the single-machine one
    extract   mapPartitions over the papers; each Python worker loads kg.extract.Extractor
              once and reuses it for every partition it is given
    plan      per paper, kg.graph.build.plan_paper (result names that match no entity)
    resolve   Spark aggregations over the entity records (kg.spark.resolve): name keys by
              a join against the names of each type, groups by connected components over
              shared keys, bare acronyms by their unique long-form group, node attributes
              by group-bys; the key functions are kg.graph.resolve's
    assemble  per paper, kg.graph.build.paper_part with the node each entity resolved to
    write     N-Triples by kg.export.rdf.node_subjects/ntriples_lines node by node, the
              Neo4j CSVs by kg.export.neo4j's row writers, extractions by
              PaperExtraction.to_dict: part files in a directory per output, a header file
              per Neo4j label and type, stats.json computed by the cluster

Nothing the size of the corpus is collected to the driver. See docs/spark.md.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build", "extract"]


def build(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """kg.spark.engine.build (imported when called: the Python workers that import this
    package to run a task do not need spaCy unless they extract)."""
    from kg.spark.engine import build as run

    return run(*args, **kwargs)


def extract(*args: Any, **kwargs: Any) -> int:
    """kg.spark.engine.extract, imported when called."""
    from kg.spark.engine import extract as run

    return run(*args, **kwargs)
