"""`kg extract`, `kg build` and `kg query` on generated corpora of 1k, 10k and 100k abstracts.

    /work/venv/bin/python bench/bench_scale.py [--sizes 1000 10000 100000]
        [--extract-jobs 1 2] [--build-jobs 1 2] [--no-cache-build-jobs 1 2] [--no-one-core]

For each size N it generates the corpus (bench/generate_corpus.py, seed 0; kept in
bench/work/, which is git-ignored) and runs, each as a child process:

- the reference: a bare ``spacy.blank("en")`` tokenizer over the same texts, so figures
  compare across machines as ratios; and the same tokenizer as kg customises it
  (kg/extract/tokenizer.py), which keeps caching the tokens of repeated words where the bare
  one stops (the ``"\n"`` between title and abstract is one of its special cases): the cost of
  tokenizing itself, which the extraction's other steps are compared to;
- ``kg extract -q --jobs J`` and ``kg build -q --jobs J`` for each J of --extract-jobs and
  --build-jobs, and ``kg build -q --no-query-cache --jobs J`` for each J of
  --no-cache-build-jobs (the outputs of every J, and of the builds with and without the
  query cache, are checked to be byte-identical);
- ``kg build -q --jobs 1`` on one core: the process and all it starts (the query cache's
  process, its bulk loader's threads) held to one CPU (``sched_setaffinity``), unless --no-one-core;
- every bundled query through ``kg query`` on the graph.nt of the last ``kg build`` with the
  cache, right after it: first one call (the cache is the build's), then each query again.

Once per run it also measures what two processes can gain on this machine at all: the bare
tokenizer pass over the 10k corpus alone, then two of them at once (the "parallel ceiling",
2 x alone / together; 2.0 on two idle, independent cores), the bound for any `--jobs 2` figure.

Each timed run starts with the output of the one before on disk (``sync``) and its own
target removed, so that neither the write-back nor the removal of gigabytes lands in it.
Wall time is measured around the child, CPU time (user + system, workers included) from
its rusage; on a shared machine CPU time is the steadier figure. Peak RSS two ways: the largest single process
(``wait4`` rusage, what ``/usr/bin/time -v`` prints) and the whole process tree (parent plus
workers, sampled every 0.1 s with psutil). Writes bench/results/scale.json and scale.md.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import WORK, write_corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
KG = [str(Path(sys.executable).with_name("kg"))]

TOKENIZE = """
import json, sys, time, spacy
nlp = spacy.blank("en")
if sys.argv[2:] == ["kg"]:
    from kg.extract.tokenizer import customise_tokenizer
    customise_tokenizer(nlp)
texts = [f"{p['title']}\\n{p['abstract']}" for p in map(json.loads, open(sys.argv[1], encoding="utf-8"))]
start = time.perf_counter()
for doc in nlp.tokenizer.pipe(texts, batch_size=256):
    pass
print(time.perf_counter() - start)
"""


RUNS = (("extract", "extract", (), False), ("build", "build", (), False),
        ("build_no_cache", "build", ("--no-query-cache",), False), ("build_one_core", "build", (), True))
"""What is timed at each size: (name in the report, kg command, its options, on one core), each
for every --jobs value of its name."""
ON_ONE_CORE = ("import os, sys; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
               "os.execv(sys.argv[1], sys.argv[1:])")
"""Runs the command after it on one CPU, which every process and thread it starts inherits."""


@dataclass
class Run:
    """One child process: wall seconds, peak RSS of its largest process and of its tree (MB)."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    tree_peak_rss_mb: float
    stdout: str


def run(command: list[str]) -> Run:
    os.sync()  # the files of the run before are on disk, not written back during this one
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=REPO)
        tree_peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal tree_peak
            try:
                parent = psutil.Process(proc.pid)
                while not done.is_set():
                    members = [parent, *parent.children(recursive=True)]
                    tree_peak = max(tree_peak, sum(_rss(p) for p in members))
                    done.wait(0.1)
            except psutil.NoSuchProcess:
                pass

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of the child and its reaped workers
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{err.read()}")
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, tree_peak / 2**20, out.read())


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def parallel_ceiling(papers: int = 10_000) -> dict:
    """Two bare tokenizer passes at once against one alone: how much two processes can gain here."""
    corpus = write_corpus(papers)
    alone = run([sys.executable, "-c", TOKENIZE, str(corpus)]).wall_s
    start = time.perf_counter()
    pair = [subprocess.Popen([sys.executable, "-c", TOKENIZE, str(corpus)], stdout=subprocess.DEVNULL, cwd=REPO)
            for _ in range(2)]
    if any(proc.wait() for proc in pair):
        raise SystemExit("the tokenizer pass failed")
    together = time.perf_counter() - start
    print(f"parallel ceiling: alone {alone:.1f}s, two at once {together:.1f}s", flush=True)
    return {"papers": papers, "alone_wall_s": round(alone, 2), "two_at_once_wall_s": round(together, 2),
            "ceiling": round(2 * alone / together, 2)}


def corpus_words(path: Path) -> tuple[int, int]:
    papers = words = 0
    with open(path, encoding="utf-8") as source:
        for line in source:
            record = json.loads(line)
            papers += 1
            words += len(record["title"].split()) + len(record["abstract"].split())
    return papers, words


def query_params(graph_json: Path) -> dict[str, list[str]]:
    """Parameters for the bundled queries that hit the graph: the most common (dataset, metric)
    of its absolute results, the most linked method, and that dataset as `evidence`'s entity."""
    from collections import Counter

    from kg.export.nodelink import read_nodelink

    graph = read_nodelink(graph_json)
    pairs = Counter((d["dataset"], d["metric"]) for _, d in graph.nodes(data=True)
                    if d.get("kind") == "Result" and d.get("dataset") and not d.get("relative"))
    (dataset, metric), _ = pairs.most_common(1)[0]
    methods = Counter(d["name"] for n, d in graph.nodes(data=True) if d.get("kind") == "Method"
                      for _ in range(graph.in_degree(n)))
    method = methods.most_common(1)[0][0]
    return {"leaderboard": [f"dataset={dataset}", f"metric={metric}"],
            "proposes-and-evaluates": [f"dataset={dataset}"],
            "co-methods": [f"method={method}"],
            "evidence": [f"entity={dataset}"]}


def bench_size(papers: int, jobs: dict[str, list[int]], reference: bool = True) -> dict:
    corpus = write_corpus(papers)
    count, words = corpus_words(corpus)
    out: dict = {"papers": count, "words": words, "corpus_bytes": corpus.stat().st_size}
    if reference:
        for name, customised in (("tokenizer", []), ("kg_tokenizer", ["kg"])):
            tokenizer = run([sys.executable, "-c", TOKENIZE, str(corpus), *customised])
            out[name] = {**_figures(tokenizer, count, words), "tokenize_s": float(tokenizer.stdout)}
            print(f"{papers}: {name} {tokenizer.wall_s:.1f}s", flush=True)
    written: dict[str, list[Path]] = {}
    for kind, command, options, one_core in RUNS:
        if not jobs[kind]:
            continue
        outputs = written[kind] = []
        for job in jobs[kind]:
            target = WORK / (f"{kind}-{papers}-j{job}" + (".jsonl" if command == "extract" else ""))
            if target.is_dir():  # not removed by the timed run itself
                shutil.rmtree(target)
            target.unlink(missing_ok=True)
            pinned = [sys.executable, "-c", ON_ONE_CORE] if one_core else []
            result = run([*pinned, *KG, command, str(corpus), "-o", str(target), "-q", "--jobs", str(job), *options])
            out[f"{kind}_j{job}"] = _figures(result, count, words)
            outputs.append(target)
            print(f"{papers}: {command} {' '.join(options)} --jobs {job}{' on one core' if one_core else ''} "
                  f"{result.wall_s:.1f}s "
                  f"{result.peak_rss_mb:.0f}/{result.tree_peak_rss_mb:.0f} MB", flush=True)
        out[f"{kind}_identical_across_jobs"] = all(_same(outputs[0], other) for other in outputs[1:])
        if kind == "build":  # as a user would: right after the build, whose files are still in memory
            out["graph"] = graph_figures(outputs[-1])
            out["queries"] = bench_queries(outputs[-1])
    for kind in ("build_no_cache", "build_one_core"):
        if "build" in written and kind in written:
            out[f"{kind}_identical_to_build"] = _same(written["build"][0], written[kind][0])
    return out


def graph_figures(build_dir: Path) -> dict:
    stats = json.loads((build_dir / "stats.json").read_text())
    return {"nodes": stats["papers"] + stats["results"] + sum(stats["entities"].values()),
            "edges": sum(stats["edges"].values()), "notes": stats["notes"],
            "files_mb": round(sum(stats["files"].values()) / 2**20, 1)}


def bench_queries(build_dir: Path) -> dict:
    from kg.query import bundled_queries

    data = build_dir / "graph.nt"
    params = query_params(build_dir / "graph.json")
    timings: dict = {}
    names = list(bundled_queries())
    for phase in ("cold", "warm"):
        for name in names if phase == "warm" else names[:1]:
            args = [*KG, "query", name, "--data", str(data), "--format", "csv"]
            for param in params.get(name, []):
                args += ["--param", param]
            result = run(args)
            rows = max(0, len(result.stdout.splitlines()) - 1)
            key = f"{phase}:{name}"
            timings[key] = {"wall_s": round(result.wall_s, 2), "rows": rows,
                            "peak_rss_mb": round(result.peak_rss_mb), "params": params.get(name, [])}
            print(f"  query {key}: {result.wall_s:.2f}s, {rows} rows", flush=True)
    return timings


def _figures(result: Run, papers: int, words: int) -> dict:
    return {"wall_s": round(result.wall_s, 2), "cpu_s": round(result.cpu_s, 2),
            "papers_per_s": round(papers / result.wall_s, 1), "words_per_s": round(words / result.wall_s),
            "words_per_cpu_s": round(words / result.cpu_s), "peak_rss_mb": round(result.peak_rss_mb),
            "tree_peak_rss_mb": round(result.tree_peak_rss_mb)}


def _same(a: Path, b: Path) -> bool:
    """Whether two outputs (files, or folders: every file but the hidden query cache) are identical."""
    if a.is_file():
        return filecmp.cmp(a, b, shallow=False)
    from kg.workflow import output_files

    files = output_files(a)
    return files == output_files(b) and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)


def machine() -> dict:
    import pyoxigraph
    import spacy

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory_kb / 2**20, 1),
            "python": platform.python_version(), "spacy": spacy.__version__,
            "pyoxigraph": pyoxigraph.__version__, "os": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def render(report: dict) -> str:
    """bench/results/scale.md from the report."""
    m = report["machine"]
    sizes = report["sizes"]
    lines = [
        "# Scale: `kg extract`, `kg build`, `kg query` on 1k / 10k / 100k generated abstracts",
        "",
        "`/work/venv/bin/python bench/bench_scale.py` (corpora from bench/generate_corpus.py, seed 0: "
        "sentences of the bundled listing recombined, coined names and numbers re-minted).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM; {m['os']}; Python {m['python']}, "
        f"spaCy {m['spacy']}, pyoxigraph {m['pyoxigraph']}. Load average when the run started: "
        f"{', '.join(map(str, m['load_average_at_start']))} (1, 5, 15 minutes). Wall times hold only for a "
        "machine running nothing else; CPU seconds, workers included, are the steadier figure.",
        "",
        "## Throughput and memory",
        "",
        "words = whitespace-separated words of title + abstract. ratio = extraction CPU time / bare tokenizer "
        "CPU time; kg ratio = the same against kg's tokenizer (the bare one customised as kg does: it keeps "
        "caching the tokens of repeated words, which the bare one stops doing after the newline between "
        "title and abstract). Peak RSS: largest single process / whole process tree (parent + workers).",
        "",
        "| N | words | tokenizer wall s (CPU s) | tokenizer words/CPU-s | kg's tokenizer words/CPU-s "
        "| extract -j1 wall s | papers/s | words/s "
        "| words/CPU-s | ratio | kg ratio | peak RSS MB | extract -j2 wall s (CPU s) | -j2 speedup (at most) "
        "| -j2 tree RSS MB | build -j1 wall s (CPU s) | build -j1 peak RSS MB (largest / tree) "
        "| build -j2 wall s (CPU s) | build -j2 speedup (at most) |",
        "|" + "---:|" * 19,
    ]
    for n, size in sizes.items():
        tok, e1, e2 = size.get("tokenizer", {}), size.get("extract_j1"), size.get("extract_j2")
        kg_tok = size.get("kg_tokenizer", {})
        b1, b2 = size.get("build_j1"), size.get("build_j2")

        def get(run: dict | None, key: str, fmt: str = "{:,}") -> str:
            return fmt.format(run[key]) if run and key in run else "–"

        ratio, kg_ratio = (f"{e1['cpu_s'] / reference['cpu_s']:.1f}x"
                           if e1 and "cpu_s" in e1 and "cpu_s" in reference else "–" for reference in (tok, kg_tok))
        e_speed, b_speed = (_speedup(j1, j2) for j1, j2 in ((e1, e2), (b1, b2)))
        lines.append(
            f"| {int(n):,} | {size['words']:,} | {get(tok, 'wall_s')} ({get(tok, 'cpu_s')}) | {get(tok, 'words_per_cpu_s')} "
            f"| {get(kg_tok, 'words_per_cpu_s')} "
            f"| {get(e1, 'wall_s')} | {get(e1, 'papers_per_s')} | {get(e1, 'words_per_s')} | {get(e1, 'words_per_cpu_s')} "
            f"| {ratio} | {kg_ratio} | {get(e1, 'peak_rss_mb')} | {get(e2, 'wall_s')} ({get(e2, 'cpu_s')}) | {e_speed} "
            f"| {get(e2, 'tree_peak_rss_mb')} "
            f"| {get(b1, 'wall_s')} ({get(b1, 'cpu_s')}) | {get(b1, 'peak_rss_mb')} / {get(b1, 'tree_peak_rss_mb')} "
            f"| {get(b2, 'wall_s')} ({get(b2, 'cpu_s')}) | {b_speed} |")
    if "parallel_ceiling" in report:
        c = report["parallel_ceiling"]
        lines += ["", f"Parallel ceiling of this machine: the bare tokenizer over {c['papers']:,} abstracts takes "
                  f"{c['alone_wall_s']} s alone and {c['two_at_once_wall_s']} s for two at once, so two processes "
                  f"gain at most **{c['ceiling']}x** here (2.0 on two idle, independent cores): the bound for the "
                  "-j2 speedups above. A -j2 run's own CPU time bounds it too: two cores take at least half of "
                  "it, so -j2 can be at most 2 x (-j1 wall) / (-j2 CPU) faster, the figure in brackets; it is "
                  "below 2 where -j2 spends more CPU than -j1 (the workers' pipelines, the forked exports' "
                  "copied pages) or where -j1 already runs on both cores (the query cache's bulk load)."]
    lines += _build_table(sizes, "build_no_cache", "build_no_cache_j2", "`kg build --no-query-cache`",
                          "The same builds leaving the query cache (the store beside graph.nt) to the first "
                          "`kg query`; the files written are the same.")
    lines += _build_table(sizes, "build_one_core", "build_j2", "`kg build --jobs 1` on one core",
                          "`kg build --jobs 1` (one process working at a time: the query cache's process starts "
                          "once the exports are written) held to one CPU: it, the cache's process and the threads "
                          "of the store's bulk loader share one core. -j2: the `kg build --jobs 2` above, on two "
                          "cores.")
    lines += ["", "Outputs of `--jobs 1` and `--jobs 2` byte-identical: " + ", ".join(
        f"{int(n):,}: extract {size.get('extract_identical_across_jobs')}, build {size.get('build_identical_across_jobs')}"
        for n, size in sizes.items()) + "."]
    lines += ["", "## Graph", "", "| N | nodes | edges | files MB | notes |", "|---:|---:|---:|---:|---|"]
    for n, size in sizes.items():
        g = size["graph"]
        lines.append(f"| {int(n):,} | {g['nodes']:,} | {g['edges']:,} | {g['files_mb']:,} | {'; '.join(g['notes'])} |")
    names = sorted({key.split(":", 1)[1] for size in sizes.values() for key in size["queries"] if key.startswith("warm:")})
    lines += ["", "## `kg query` (default engine, pyoxigraph), wall seconds per call",
              "", "A whole `kg query` process (start-up included) on the build's graph.nt. `kg build` made the "
              "query cache (the on-disk store beside graph.nt), so the first call after the build is as "
              "fast as the next; the others reuse it too.", "",
              "| N | first call after `kg build` | " + " | ".join(names) + " |",
              "|---:|" + "---:|" * (len(names) + 1)]
    for n, size in sizes.items():
        q = size["queries"]
        cold = next(v for k, v in q.items() if k.startswith("cold:"))
        lines.append(f"| {int(n):,} | {cold['wall_s']} | " + " | ".join(
            f"{q[f'warm:{name}']['wall_s']} ({q[f'warm:{name}']['rows']:,} rows)" if f"warm:{name}" in q else "–"
            for name in names) + " |")
    lines += ["", "Parameters (per size: the most common dataset/metric pair of the absolute results, the most "
              "linked method): " + "; ".join(f"{int(n):,}: " + ", ".join(
                  sorted({p for v in size["queries"].values() for p in v["params"]})) for n, size in sizes.items()) + "."]
    return "\n".join(lines) + "\n"


def _build_table(sizes: dict, kind: str, j2_kind: str, title: str, about: str) -> list[str]:
    """The section of the `kind` builds (-j1 beside `j2_kind`'s -j2), when the report has any."""
    measured = [(n, size) for n, size in sizes.items() if f"{kind}_j1" in size]
    if not measured:
        return []
    lines = ["", f"## {title}", "", about, "",
             "| N | -j1 wall s (CPU s) | -j1 peak RSS MB (largest / tree) | -j2 wall s (CPU s) "
             "| -j2 speedup (at most) | files identical to `kg build` |", "|---:|---:|---:|---:|---:|---|"]
    for n, size in measured:
        b1, b2 = size[f"{kind}_j1"], size.get(f"{j2_kind}")
        j2_times = f"{b2['wall_s']} ({b2['cpu_s']})" if b2 else "–"
        lines.append(f"| {int(n):,} | {b1['wall_s']} ({b1['cpu_s']}) | {b1['peak_rss_mb']:,} / "
                     f"{b1['tree_peak_rss_mb']:,} | {j2_times} "
                     f"| {_speedup(b1, b2)} | {size.get(f'{kind}_identical_to_build')} |")
    return lines


def _speedup(j1: dict | None, j2: dict | None) -> str:
    """-j2's speedup over -j1 and, in brackets, the most its CPU time allows on two cores:
    2 x (-j1 wall) / (-j2 CPU)."""
    if not j1 or not j2:
        return "–"
    return f"{j1['wall_s'] / j2['wall_s']:.2f}x ({2 * j1['wall_s'] / j2['cpu_s']:.2f}x)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--extract-jobs", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--build-jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-cache-build-jobs", type=int, nargs="*", default=[1, 2],
                        help="--jobs of the `kg build --no-query-cache` runs (none: skip them)")
    parser.add_argument("--no-one-core", action="store_true", help="skip the `kg build --jobs 1` on one core")
    parser.add_argument("--no-reference", action="store_true", help="skip the bare tokenizer pass")
    parser.add_argument("--output", type=Path, default=RESULTS / "scale.json")
    parser.add_argument("--render", action="store_true", help="only write scale.md from the --output report")
    args = parser.parse_args()
    if args.render:
        args.output.with_suffix(".md").write_text(render(json.loads(args.output.read_text())))
        return
    report = {"machine": machine(), "sizes": {}}
    if args.output.exists():  # sizes run separately accumulate in one report
        report["sizes"] = json.loads(args.output.read_text())["sizes"]
    report["parallel_ceiling"] = parallel_ceiling()
    for papers in args.sizes:
        jobs = {"extract": args.extract_jobs, "build": args.build_jobs, "build_no_cache": args.no_cache_build_jobs,
                "build_one_core": [] if args.no_one_core else [1]}
        report["sizes"][str(papers)] = bench_size(papers, jobs, not args.no_reference)
        args.output.write_text(json.dumps(report, indent=2) + "\n")
        args.output.with_suffix(".md").write_text(render(report))
    print(args.output)


if __name__ == "__main__":
    main()
