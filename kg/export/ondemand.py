"""`kg export` and `kg view` as functions: one format, or one page, written from a built graph.json."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KgInputError
from kg.export import BY_FORMAT, Export, Written
from kg.export.neo4j import is_neo4j_folder
from kg.export.nodelink import read_nodelink
from kg.staging import check_not_an_input, staged_directory, staged_file

if TYPE_CHECKING:  # `kg export` of another format does not load the page's writer
    from kg.view import View

GRAPH_READ = "is the graph being read; not replacing it (choose another -o)"
"""Why an output that is the graph.json read (`kg export`, `kg view`) is refused."""


def export_graph(graph_path: str | Path, fmt: str, output: str | Path | None = None,
                 **options: Any) -> Written:
    """Write the graph in `graph_path` (a graph.json) as `fmt`; return where it went and what
    the writer left out, if anything (e.g. graph.html's node cap).

    `output` defaults to the format's file name in the current directory; an existing
    directory given for a one-file format, or a path ending in "/", receives the file under
    that name. A Neo4j folder replaces only an empty directory or an earlier Neo4j folder
    holding nothing else. The output appears only when complete, and never replaces
    `graph_path` (KgInputError). `options` (e.g. ``base_iri``) go to the writers that take
    them; None means the writer's default.
    """
    export = BY_FORMAT.get(fmt)
    if export is None:
        raise KgInputError(f"unknown format {fmt!r} (one of {', '.join(sorted(BY_FORMAT))})")
    graph = read_nodelink(Path(graph_path))
    target = _target(export, output)
    check_not_an_input(target, [graph_path], GRAPH_READ)
    stage = staged_directory if export.directory else staged_file
    with stage(target) as staging:
        written = export.write_to(graph, staging, **options)
    return Written(target, written.notice)


def view_graph(graph_path: str | Path, output: str | Path | None = None, *, focus: str | None = None,
               hops: int = 1, types: Iterable[str] | None = None, max_nodes: int | None = None) -> View:
    """Write the page of the graph in `graph_path` (a graph.json), or of the `focus`/`hops`/`types`
    selection (`kg.export.html.write_html`), to `output` (default: view.html beside the graph);
    it never replaces `graph_path` (KgInputError). Returns what the page shows."""
    from kg.export.html import write_html

    target = view_target(graph_path, output)
    graph = read_nodelink(Path(graph_path))
    check_not_an_input(target, [graph_path], GRAPH_READ)
    return write_html(graph, target, max_nodes, focus=focus, hops=hops, types=types)


def view_target(graph_path: str | Path, output: str | Path | None = None) -> Path:
    """Where `view_graph` writes: `output`, else view.html beside the graph."""
    return Path(output) if output is not None else Path(graph_path).parent / "view.html"


def _target(export: Export, output: str | Path | None) -> Path:
    target = Path(output) if output is not None else Path(export.filename)
    if not export.directory:
        into = target.is_dir() or str(output).endswith(("/", os.sep))  # "-o exports/": a directory, made if missing
        return target / export.filename if into else target
    if target.exists() and not target.is_dir():
        raise KgInputError("exists and is not a directory", target)
    if target.is_dir() and any(target.iterdir()) and not is_neo4j_folder(target):
        raise KgInputError("is a directory that is not an earlier Neo4j export; "
                           "not replacing it (choose a new -o)", target)
    return target
