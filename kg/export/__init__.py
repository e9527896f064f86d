"""Exporters: one module per format, each reading the graph (kg.graph.schema) and nothing else.

`EXPORTS` lists what `kg build` writes, in order: the file or folder name inside the output
directory and the writer, ``writer(graph, path, **options)``. Writers are named by
"module:function" and imported when used, so a command pays only for the formats it writes.
`JOINT_WRITERS` make several exports in one pass where they share work (the RDF statements
of Turtle and N-Triples, the cleaned attributes of GEXF and GraphML); `kg build` uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # only annotations name it: `kg query` does not load NetworkX
    import networkx as nx

WRITE_BUFFER = 2**20
"""Bytes an export's file buffers before each write to the system. Python's default, 8 KB,
made the files of a 100k-paper graph (5 GB) take 600,000 system calls, and writing them
about twice the CPU time it takes with a megabyte."""


@dataclass(frozen=True)
class Export:
    format: str
    filename: str
    writer: str
    options: tuple[str, ...] = ()
    directory: bool = False
    """Whether the writer fills a directory rather than writing one file."""
    cost: float = 1.0
    """Rough CPU seconds to write a 100k-paper graph: how `kg build --jobs` balances its processes."""

    def load(self) -> Callable[..., None]:
        return _load(self.writer)

    def write(self, graph: nx.MultiDiGraph, out_dir: Path, **options: Any) -> Written:
        """Write into `out_dir` under the format's file name."""
        return self.write_to(graph, Path(out_dir) / self.filename, **options)

    def write_to(self, graph: nx.MultiDiGraph, path: Path, **options: Any) -> Written:
        """Write to exactly `path`; options the writer does not take, or None, are left out."""
        report = self.load()(graph, path, **_taken(options, self.options))
        return Written(Path(path), getattr(report, "notice", None))


@dataclass(frozen=True)
class Joint:
    """Exports that one writer makes together, in a single pass over what they have in common:
    ``writer(graph, path, path, ..., **options)``, a path per format, in the order of `formats`.
    The files are those each export's own writer makes."""

    formats: tuple[str, ...]
    writer: str
    options: tuple[str, ...] = ()
    cost: float = 1.0
    """As `Export.cost`: less than the sum of the exports' costs."""

    @property
    def exports(self) -> tuple[Export, ...]:
        return tuple(BY_FORMAT[name] for name in self.formats)

    def write(self, graph: nx.MultiDiGraph, out_dir: Path, **options: Any) -> list[Written]:
        """Write every export of `formats` into `out_dir` under its file name."""
        paths = [Path(out_dir) / export.filename for export in self.exports]
        _load(self.writer)(graph, *paths, **_taken(options, self.options))
        return [Written(path) for path in paths]


def _load(writer: str) -> Callable[..., Any]:
    module, function = writer.split(":")
    return getattr(import_module(module), function)


def _taken(options: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in options.items() if key in names and value is not None}


@dataclass(frozen=True)
class Written:
    """A file or folder an export wrote, and what it left out where it could not hold it all."""

    path: Path
    notice: str | None = None


EXPORTS: tuple[Export, ...] = (
    Export("json", "graph.json", "kg.export.nodelink:write_nodelink", cost=4.5),
    Export("turtle", "graph.ttl", "kg.export.rdf:write_turtle", ("base_iri",), cost=27),
    Export("ntriples", "graph.nt", "kg.export.rdf:write_ntriples", ("base_iri",), cost=23),
    Export("html", "graph.html", "kg.export.html:write_html", ("max_nodes",), cost=5),
    Export("gexf", "graph.gexf", "kg.export.gephi:write_gexf", cost=11),
    Export("graphml", "graph.graphml", "kg.export.gephi:write_graphml", cost=10),
    Export("neo4j", "neo4j", "kg.export.neo4j:write_neo4j", directory=True, cost=17),
)
ON_REQUEST: tuple[Export, ...] = (
    Export("jsonld", "graph.jsonld", "kg.export.rdf:write_jsonld", ("base_iri",)),
)
BY_FORMAT = {export.format: export for export in EXPORTS + ON_REQUEST}
JOINT_WRITERS: tuple[Joint, ...] = (
    Joint(("turtle", "ntriples"), "kg.export.rdf:write_turtle_and_ntriples", ("base_iri",), cost=26),
    Joint(("gexf", "graphml"), "kg.export.gephi:write_gexf_and_graphml", cost=17),
)
