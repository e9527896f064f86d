"""How fast the graph is built and written as RDF, and how fast the bundled queries run, as
the corpus grows; peak memory of each step. Synthetic extractions (no extractor).

Also `kg build`'s whole export stage (`kg.workflow.write_exports`: every export and the query
cache of graph.nt) with one process and with two (`--jobs 2` forks one child), wall time.

    /work/venv/bin/python bench/bench_graph.py [--papers 1000 10000 100000]

Each size runs in a child process so its peak RSS is its own. Writes bench/results/graph.md.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path

from common import machine, run_in_children

REPO = Path(__file__).resolve().parents[1]
VOCABULARY = 4000
"""Distinct entity names per type the synthetic papers draw from."""


def synthetic(papers: int, seed: int = 0):
    """`papers` extractions of 8 entities (spelling variants, acronym pairs) and 2 results each."""
    from kg.model import Entity, Mention, Paper, PaperExtraction, Result

    rng = random.Random(seed)
    types = ("Method", "Dataset", "Hardware", "Metric", "Task")
    spellings = (lambda n: n, lambda n: n.lower(), lambda n: n.replace("-", ""), lambda n: n + "s")
    for number in range(papers):
        entities = []
        for index in range(8):
            kind = types[index % len(types)]
            base = f"{kind[:3]}-Net {rng.randrange(VOCABULARY)}"
            name = rng.choice(spellings)(base)
            acronym = {"acronym": f"{kind[0]}N{rng.randrange(VOCABULARY)}", "long_form": name} \
                if rng.random() < 0.1 else {}
            mention = Mention(0, len(name), name, f"We use {name} here.", "bench")
            entities.append(Entity(type=kind, name=name, proposed=index == 0, mentions=(mention,), **acronym))
        method = entities[0].name
        dataset = entities[1].name
        metric = entities[3].name
        results = tuple(Result(metric=metric, value=round(rng.uniform(0, 100), 2), unit="%", relative=False,
                               sentence="It reaches a score.", start=0, end=4, dataset=dataset, method=method)
                        for _ in range(2))
        paper = Paper(f"bench-{number:06d}", f"Paper {number}", "An abstract.")
        yield PaperExtraction(paper, tuple(entities), results)


def run_size(papers: int) -> dict:
    """Child process: build, write, query; timings in seconds, sizes in bytes."""
    from kg.workflow import write_exports
    from kg.export.rdf import (
        write_jsonld,
        write_ntriples,
        write_turtle,
        write_turtle_and_ntriples,
    )
    from kg.graph import build_graph
    from kg.query import run_query

    out: dict = {"papers": papers}
    extractions = list(synthetic(papers))
    start = time.perf_counter()
    graph = build_graph(extractions)
    out["build_s"] = time.perf_counter() - start
    out["nodes"], out["edges"] = graph.number_of_nodes(), graph.number_of_edges()
    out["rss_after_build_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as folder:
        for name, writer in (("nt", write_ntriples), ("ttl", write_turtle), ("jsonld", write_jsonld)):
            path = Path(folder) / f"graph.{name}"
            start = time.perf_counter()
            writer(graph, path)
            out[f"{name}_s"] = time.perf_counter() - start
            out[f"{name}_bytes"] = path.stat().st_size
        start = time.perf_counter()
        write_turtle_and_ntriples(graph, Path(folder) / "joint.ttl", Path(folder) / "joint.nt")
        out["ttl_nt_s"] = time.perf_counter() - start
        out["rss_after_write_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for jobs in (1, 2):
            stage = Path(folder) / f"stage-{jobs}"
            stage.mkdir()
            start = time.perf_counter()
            write_exports(graph, stage, {}, jobs)
            out[f"exports_j{jobs}_s"] = time.perf_counter() - start
        del graph, extractions
        for engine in ("oxigraph", "rdflib"):
            if engine == "rdflib" and papers > 10_000:
                continue  # rdflib loads about 100k triples/s: minutes at this size
            start = time.perf_counter()
            run_query("top-datasets", Path(folder) / "graph.nt", {}, engine)
            out[f"top_datasets_{engine}_s"] = time.perf_counter() - start
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_size(args.child)))
        return
    write_report(run_in_children(__file__, args.papers))


def write_report(rows: list[dict]) -> None:
    lines = [
        "# Graph build, RDF export and query (bench/bench_graph.py)", "",
        f"Machine: {machine()}.",
        "Synthetic papers of 8 entities (spelling variants, 10% acronym pairs) and 2 results each.",
        "Query: `top-datasets` over graph.nt, load included (rdflib skipped above 10k papers).",
        "`.ttl+.nt s`: both in one pass (`write_turtle_and_ntriples`, as `kg build` writes them).",
        ("`exports -j1/-j2 s`: `kg build`'s export stage, every export and the query cache, wall time "
         "in one process / two."), "",
        ("| papers | nodes | edges | build s | .nt s | .nt MB | .ttl s | .ttl+.nt s | .jsonld s "
         "| oxigraph query s | rdflib query s | exports -j1 s | exports -j2 s | RSS after build MB | peak RSS MB |"),
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        rdflib_s = f"{r['top_datasets_rdflib_s']:.1f}" if "top_datasets_rdflib_s" in r else "–"
        lines.append(
            f"| {r['papers']:,} | {r['nodes']:,} | {r['edges']:,} | {r['build_s']:.1f} | {r['nt_s']:.1f} "
            f"| {r['nt_bytes'] / 1e6:.0f} | {r['ttl_s']:.1f} | {r['ttl_nt_s']:.1f} | {r['jsonld_s']:.1f} "
            f"| {r['top_datasets_oxigraph_s']:.1f} | {rdflib_s} | {r['exports_j1_s']:.1f} "
            f"| {r['exports_j2_s']:.1f} | {r['rss_after_build_mb']:.0f} | {r['peak_rss_mb']:.0f} |")
    (REPO / "bench" / "results" / "graph.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
