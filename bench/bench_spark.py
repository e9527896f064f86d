"""`kg build` on one machine and on Spark in local mode, on generated corpora of 10k and 100k abstracts.

    /work/venv/bin/python bench/bench_spark.py [--sizes 10000 100000] [--master local[2]] [--jobs 2]
        [--engines single spark]

For each size N it generates the corpus (bench/generate_corpus.py, seed 0, kept in the
git-ignored bench/work/) and runs, each as a child process timed from outside (wall time;
the CPU time of a JVM that Python starts is not reported back to it, so it is left out):

- ``kg build -q --jobs J``: the single-machine engine, every export;
- the Spark engine (kg.spark.build) on a fresh session with master `--master`
  (spark.kg.partitions = 4 x cores, spark.sql.shuffle.partitions the same);

then, when both ran (or `--single-from DIR` names a single-machine build of the same corpus
made earlier, e.g. by bench_scale.py in the same session), checks that the two graph.nt hold the same lines: counts and an
order-free digest (the sum of a 64-bit hash per line), so 100k abstracts need no set of
lines in memory. Both children import kg from a copy of the package taken when the
benchmark starts, so they run the same code even if the checkout changes meanwhile.
Writes bench/results/spark.json (bench/results/spark.md holds the figures and their reading).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import WORK, write_corpus

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
KG = str(Path(sys.executable).with_name("kg"))

SPARK_DRIVER = """
import json, sys
from kg.spark import build
from kg.spark.session import spark_session
master, cores, corpus, out = sys.argv[1:5]
parts = str(4 * int(cores))
spark = spark_session({"spark.master": master, "spark.ui.enabled": "false",
                       "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1",
                       "spark.driver.memory": "4g", "spark.sql.shuffle.partitions": parts,
                       "spark.kg.partitions": parts})
spark.sparkContext.setLogLevel("ERROR")
print(json.dumps(build([corpus], out, spark=spark)))
spark.stop()
"""


def run(command: list[str], env: dict[str, str]) -> dict:
    """Wall seconds of `command`."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=err, cwd=REPO, env=env, check=False)
        wall = time.perf_counter() - start
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read()[-4000:]}")
    return {"wall_s": round(wall, 1)}


def snapshot_env(folder: Path) -> dict[str, str]:
    """The environment of a child that imports kg from a copy of the package in `folder`."""
    shutil.copytree(REPO / "kg", folder / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    return {**os.environ, "PYTHONPATH": str(folder)}


def digest(paths: list[Path]) -> tuple[int, int]:
    """(lines, sum of each line's 64-bit BLAKE2b mod 2**64): equal for equal multisets of lines."""
    count = total = 0
    for path in paths:
        with open(path, "rb") as lines:
            for line in lines:
                count += 1
                total += int.from_bytes(hashlib.blake2b(line.rstrip(b"\n"), digest_size=8).digest(), "big")
    return count, total % 2**64


def bench_size(papers: int, master: str, jobs: int, engines: list[str], env: dict[str, str],
               single_from: Path | None = None) -> dict:
    corpus = write_corpus(papers)
    cores = re.fullmatch(r"local\[(\d+)\]", master)
    local_out, spark_out = single_from or WORK / f"spark-bench-local-{papers}", WORK / f"spark-bench-spark-{papers}"
    out: dict = {"papers": papers, "corpus_bytes": corpus.stat().st_size}
    if "single" in engines:
        out["single"] = run([sys.executable, KG, "build", str(corpus), "-o", str(local_out), "-q",
                             "--jobs", str(jobs)], env)
        out["triples"] = digest([local_out / "graph.nt"])[0]
        print(f"{papers}: kg build --jobs {jobs}: {out['single']['wall_s']} s", flush=True)
    if "spark" in engines:
        out["spark"] = run([sys.executable, "-c", SPARK_DRIVER, master, cores.group(1) if cores else "2",
                            str(corpus), str(spark_out)], env)
        out["triples"] = digest(sorted((spark_out / "graph.nt").glob("part-*")))[0]
        print(f"{papers}: spark {master}: {out['spark']['wall_s']} s", flush=True)
    if single_from:
        out["single_from"] = str(single_from)
    if len(engines) == 2 or single_from:
        stats = json.loads((local_out / "stats.json").read_text())
        spark_stats = json.loads((spark_out / "stats.json").read_text())
        keys = ("papers", "results", "entities", "edges", "resolution")
        out["same_ntriples"] = (digest([local_out / "graph.nt"])
                                == digest(sorted((spark_out / "graph.nt").glob("part-*"))))
        out["same_stats"] = all(stats[key] == spark_stats[key] for key in keys)
    return out


def write_report(results: list[dict], master: str, jobs: int, output: Path) -> None:
    info = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "load_average": os.getloadavg()}
    output.write_text(json.dumps({"machine": info, "master": master, "jobs": jobs,
                                                    "runs": results}, indent=2) + "\n")
    for r in results:
        print(json.dumps(r))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--engines", nargs="+", choices=("single", "spark"), default=["single", "spark"])
    parser.add_argument("--single-from", type=Path,
                        help="compare the Spark build with this single-machine build of the same (one) size")
    parser.add_argument("--output", type=Path, default=RESULTS / "spark.json")
    args = parser.parse_args()
    if args.single_from and (len(args.sizes) != 1 or "single" in args.engines):
        parser.error("--single-from takes one size and --engines spark")
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as folder:
        env = snapshot_env(Path(folder))
        for size in args.sizes:  # the results are rewritten after each size, so a long run leaves figures early
            results.append(bench_size(size, args.master, args.jobs, args.engines, env, args.single_from))
            write_report(results, args.master, args.jobs, args.output)


if __name__ == "__main__":
    main()
