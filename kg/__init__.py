"""kg: knowledge graphs of the machine-learning literature from titles and abstracts.

The Python API mirrors the command line::

    from kg import read_papers, Extractor, build_graph, build, run_query
    from kg.workflow import extract
    papers = list(read_papers(["papers.jsonl"]))
    graph = build_graph(Extractor().pipe(papers))
    build(["papers.jsonl"], "outputs")          # everything `kg build` writes
    extract(["papers.jsonl"], "extractions.jsonl")   # what `kg extract` writes
    columns, rows = run_query("top-datasets", "outputs/graph.nt")

Names are imported on first use so that `kg --help` does not load spaCy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from kg.model import Entity, Mention, Paper, PaperExtraction, Result

_LAZY = {
    "read_papers": "kg.corpus",
    "Extractor": "kg.extract",
    "build_graph": "kg.graph",
    "build": "kg.workflow",
    "run_query": "kg.query",
}

__all__ = ["Entity", "Mention", "Paper", "PaperExtraction", "Result", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
