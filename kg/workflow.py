"""`kg build` as a function: read, extract, build the graph, write every export."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from kg.corpus import read_papers
from kg.errors import KgInputError
from kg.export import EXPORTS, ON_REQUEST, WRITE_BUFFER
from kg.export.neo4j import is_bundle_file
from kg.export.plan import write_exports
from kg.export.rdf import check_base_iri
from kg.graph import build_graph
from kg.model import Paper, PaperExtraction
from kg.query import cache_path
from kg.staging import check_not_an_input, check_replaceable, staged_directory, staged_file

NEO4J_FOLDER = next(export.filename for export in EXPORTS if export.directory)

Progress = Callable[[Iterable[PaperExtraction]], Iterable[PaperExtraction]]
"""Wraps the stream of extractions as they are made (e.g. a progress bar counting papers)."""


def extract_papers(papers: Iterable[Paper], spacy_model: str | None = None,
                   progress: Progress | None = None, jobs: int = 1) -> Iterator[PaperExtraction]:
    """The extractions of `papers`, in input order, made as they are consumed.

    `jobs` > 1 spreads the papers over that many worker processes (kg.parallel); the
    extractions are the same as with one process.
    """
    if jobs > 1:
        from kg.parallel import extract_parallel

        extractions: Iterable[PaperExtraction] = extract_parallel(papers, jobs, spacy_model)
    else:
        from kg.extract import Extractor

        extractions = Extractor(model=spacy_model).pipe(papers)
    yield from (progress(extractions) if progress else extractions)


def extract(sources: Sequence[str | Path], out_file: str | Path, *, fmt: str | None = None,
            spacy_model: str | None = None, progress: Progress | None = None,
            warn: Callable[[str], None] | None = None, jobs: int = 1) -> None:
    """`kg extract` as a function: each paper's extraction as one JSON line of `out_file`,
    written as it is made; the file appears only when complete."""
    if not str(out_file):
        raise KgInputError("the output file's name is empty (-o)")
    if Path(out_file).is_dir():
        raise KgInputError(f"{out_file} is a directory; --output is a file (a directory with --engine spark)")
    check_not_an_input(out_file, sources, "is also an input, which the extractions would replace (choose another -o)")
    papers = read_papers(sources, fmt=fmt, warn=warn)
    encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps makes an encoder per call
    with (staged_file(Path(out_file)) as staging,
          open(staging, "w", encoding="utf-8", buffering=WRITE_BUFFER) as out):
        for extraction in extract_papers(papers, spacy_model, progress, jobs=jobs):
            out.write(encode(extraction.to_dict()) + "\n")


def graph_stats(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """The summary `kg build` prints and writes as stats.json."""
    kinds = Counter(kind for _, kind in graph.nodes(data="kind"))
    relations = Counter(relation for _, _, relation in graph.edges(keys=True))
    return {
        "papers": kinds.pop("Paper", 0),
        "results": kinds.pop("Result", 0),
        "entities": dict(sorted(kinds.items())),
        "edges": dict(sorted(relations.items())),
        "resolution": {"mentions": graph.graph.get("merged_mentions", 0),
                       "entities": graph.graph.get("merged_entities", 0)},
    }


def build(sources: Sequence[str | Path], out_dir: str | Path = "outputs", *, fmt: str | None = None,
          base_iri: str | None = None, spacy_model: str | None = None,
          max_nodes: int | None = None, progress: Progress | None = None,
          warn: Callable[[str], None] | None = None, jobs: int = 1,
          query_cache: bool = True) -> dict[str, Any]:
    """Build the graph of `sources` (the bundled listing when empty) into `out_dir`.

    `base_iri` prefixes the RDF instance IRIs (default `kg.export.rdf.DEFAULT_BASE_IRI`);
    `max_nodes` caps graph.html; `jobs` is the number of extraction processes, then of
    export processes, 1 having one process work at a time (the command line's default is
    `kg.parallel.default_jobs(sources)`). Papers are read, extracted and added to the graph
    as a stream, so memory holds the graph but not the texts or extractions already
    processed. Every file is written to a staging directory that replaces `out_dir` only
    when all are complete, with the query cache of graph.nt (`kg.query.open_cached_store`),
    so that the first `kg query` does not have to load the data; without `query_cache` that
    first query makes it (about 70 CPU seconds at 100k papers, which a user who only wants
    the files for Gephi or Neo4j need not spend). The cache is made by a process of its own:
    with more than one job started as soon as graph.nt is written, while the other exports
    are written, with one once they are written (`kg.export.plan`).
    Returns the summary, also written as stats.json.
    """
    if base_iri is not None:  # refused now rather than after a long extraction
        check_base_iri(base_iri)
    out_dir = Path(os.path.abspath(out_dir))
    check_output_dir(out_dir)
    papers = read_papers(sources, fmt=fmt, warn=warn)
    graph = build_graph(extract_papers(papers, spacy_model, progress, jobs=jobs))
    stats = graph_stats(graph)
    options = {"base_iri": base_iri, "max_nodes": max_nodes}
    with staged_directory(out_dir) as staging:
        written = write_exports(graph, staging, options, jobs, query_cache=query_cache)
        stats["files"] = {w.path.name: _size(w.path) for w in written}
        stats["notes"] = [f"{w.path.name}: {w.notice}" for w in written if w.notice]
        (staging / "stats.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    return stats


def check_output_dir(out_dir: Path) -> None:
    """Refuse an existing `out_dir` that `build` may not replace (`kg.staging.check_replaceable`):
    one holding anything but what kg writes there."""
    if out_dir.exists():  # where it leads, if a symbolic link, is what the current directory may be in
        check_replaceable(out_dir, local=Path(os.path.realpath(out_dir)), is_dir=out_dir.is_dir(),
                          names=lambda: _entries(out_dir), ours=lambda name: _is_ours(out_dir, name),
                          earlier="kg build")


BUILD_NAMES = frozenset({export.filename for export in EXPORTS + ON_REQUEST}
                        | {cache_path(Path(export.filename)).name for export in EXPORTS + ON_REQUEST}
                        | {"stats.json", "view.html"})
"""What a directory `build` replaces may hold: its outputs, those `kg export` adds, the page
`kg view` writes by default and the query caches `kg query` makes beside RDF files."""


def _entries(out_dir: Path) -> Iterator[str]:
    """The names in `out_dir`, those in its Neo4j folder too (as ``neo4j/NAME``)."""
    for entry in out_dir.iterdir():
        if entry.name == NEO4J_FOLDER and entry.is_dir():
            yield from (f"{entry.name}/{inner.name}" for inner in entry.iterdir())
        else:
            yield entry.name


def _is_ours(out_dir: Path, name: str) -> bool:
    """Whether the entry `name` of `_entries(out_dir)` is something kg wrote."""
    return is_bundle_file(out_dir / name) if "/" in name else name in BUILD_NAMES


def output_files(out_dir: str | Path) -> list[Path]:
    """The files `build` wrote into `out_dir`, relative to it and sorted: every output, but not
    the query cache beside graph.nt (RocksDB files, which are not deterministic: a cache)."""
    out_dir = Path(out_dir)
    cache = cache_path(out_dir / "graph.nt").name
    return sorted(p.relative_to(out_dir) for p in out_dir.rglob("*")
                  if p.is_file() and p.relative_to(out_dir).parts[0] != cache)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in sorted(path.rglob("*")) if p.is_file())
    return path.stat().st_size
