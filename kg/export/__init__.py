"""Exporters: one module per format, each reading the graph (kg.graph.schema) and nothing else.

`EXPORTS` lists what `kg build` writes, in order: the file or folder name inside the output
directory and the writer, ``writer(graph, path, **options)``. Writers are named by
"module:function" and imported when used, so a command pays only for the formats it writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Callable

import networkx as nx


@dataclass(frozen=True)
class Export:
    format: str
    filename: str
    writer: str
    options: tuple[str, ...] = ()
    directory: bool = False
    """Whether the writer fills a directory rather than writing one file."""

    def load(self) -> Callable[..., None]:
        module, function = self.writer.split(":")
        return getattr(import_module(module), function)

    def write(self, graph: nx.MultiDiGraph, out_dir: Path, **options: Any) -> Written:
        """Write into `out_dir` under the format's file name."""
        return self.write_to(graph, Path(out_dir) / self.filename, **options)

    def write_to(self, graph: nx.MultiDiGraph, path: Path, **options: Any) -> Written:
        """Write to exactly `path`; options the writer does not take, or None, are left out."""
        report = self.load()(graph, path, **{k: v for k, v in options.items()
                                             if k in self.options and v is not None})
        return Written(Path(path), getattr(report, "notice", None))


@dataclass(frozen=True)
class Written:
    """A file or folder an export wrote, and what it left out where it could not hold it all."""

    path: Path
    notice: str | None = None


EXPORTS: tuple[Export, ...] = (
    Export("json", "graph.json", "kg.export.nodelink:write_nodelink"),
    Export("turtle", "graph.ttl", "kg.export.rdf:write_turtle", ("base_iri",)),
    Export("ntriples", "graph.nt", "kg.export.rdf:write_ntriples", ("base_iri",)),
    Export("html", "graph.html", "kg.export.html:write_html", ("max_nodes",)),
    Export("gexf", "graph.gexf", "kg.export.gephi:write_gexf"),
    Export("graphml", "graph.graphml", "kg.export.gephi:write_graphml"),
    Export("neo4j", "neo4j", "kg.export.neo4j:write_neo4j", directory=True),
)
ON_REQUEST: tuple[Export, ...] = (
    Export("jsonld", "graph.jsonld", "kg.export.rdf:write_jsonld", ("base_iri",)),
)
BY_FORMAT = {export.format: export for export in EXPORTS + ON_REQUEST}
