"""`kg export`: one format, written on demand from a built graph."""

from __future__ import annotations

from pathlib import Path

import click

from kg.export import BY_FORMAT


@click.command()
@click.option("--format", "fmt", type=click.Choice(sorted(BY_FORMAT)), required=True,
              help="What to write: " + ", ".join(f"{name} ({BY_FORMAT[name].filename})"
                                                 for name in sorted(BY_FORMAT)) + ".")
@click.option("--graph", "graph_path", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("outputs/graph.json"), show_default=True,
              help="graph.json written by `kg build`.")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="Where to write [default: the name above, in the current directory]. "
                   "For a one-file format, an existing directory, or a path ending in /, receives "
                   "the file under that name.")
@click.option("--base-iri", default=None, metavar="IRI",
              help="Base IRI of the graph's instances, for turtle, ntriples and jsonld "
                   "(default https://w3id.org/kg/id/).")
def export(fmt: str, graph_path: Path, output: str | None, base_iri: str | None) -> None:
    """Write a built graph in one format (Neo4j, Gephi, RDF, HTML or node-link JSON)."""
    from kg.export.ondemand import export_graph

    written = export_graph(graph_path, fmt, output, base_iri=base_iri)
    click.echo(str(written.path))
    if written.notice:
        click.echo(f"note: {written.notice}")


COMMANDS = (export,)
