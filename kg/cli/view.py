"""`kg view`: an interactive page of part of a built graph."""

from __future__ import annotations

from pathlib import Path

import click


def _type_list(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


@click.command()
@click.option("--graph", "graph_path", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("outputs/graph.json"), show_default=True,
              help="graph.json written by `kg build`.")
@click.option("--focus", metavar="NAME", default=None,
              help="Draw the neighbourhood of the node(s) with this name, alias, title or id.")
@click.option("--hops", type=click.IntRange(min=0), default=1, show_default=True,
              help="How many edges away from the focus to go (either direction).")
@click.option("--types", metavar="TYPE,...", default=None, callback=_type_list,
              help="Only these node types, e.g. Method,Dataset (Paper, Method, Dataset, Hardware, "
                   "Metric, Task, Result); the focus is always kept.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=None,
              help="Most nodes drawn; the nearest to the focus, then the most connected, are kept "
                   "[default: 1500].")
@click.option("-o", "--output", "out_file", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Page to write [default: view.html beside the graph].")
def view(graph_path: Path, focus: str | None, hops: int, types: list[str] | None,
         max_nodes: int | None, out_file: Path | None) -> None:
    """Write a self-contained HTML page of a built graph, or of part of it."""
    from kg.export.ondemand import view_graph, view_target

    out_file = view_target(graph_path, out_file)
    drawn = view_graph(graph_path, out_file, focus=focus, hops=hops, types=types, max_nodes=max_nodes)
    click.echo(f"{out_file}: {drawn.shown} of {drawn.graph_nodes} nodes, "
               f"{drawn.graph.number_of_edges()} edges")
    if drawn.notice:
        click.echo(f"note: {drawn.notice}")


COMMANDS = (view,)
