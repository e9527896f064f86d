"""Extraction time of pathological abstracts of growing size: is it linear in the length?

    python bench/bench_pathological.py [--sizes 10000 100000 1000000] [--repeat 2]
    python bench/bench_pathological.py --jsonl-mb 100     # also: read a 100 MB JSON Lines file

Each shape of tests/hostile.py PATHOLOGICAL_UNITS (digits and brackets, repeated acronym
definitions, one long token, ...) is repeated to each size and extracted as one paper's
abstract. Times are CPU seconds of this process (`time.process_time`), best of `--repeat`.
"growth" is the time per character at a size over that at the smallest size: about 1 means
linear; a shape whose growth passes 4 is flagged and not run at larger sizes. With
`--jsonl-mb`, a file of that size is generated and read by `kg.corpus.read_papers` in a
child process, whose peak RSS shows the reader streams. Writes bench/results/pathological.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from common import best_cpu_time

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile import PATHOLOGICAL_UNITS, pathological_text  # noqa: E402

from kg.extract import Extractor  # noqa: E402
from kg.model import Paper  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "pathological.md"
SUPERLINEAR_GROWTH = 4.0



def bench_shapes(sizes: list[int], repeat: int) -> tuple[list[str], list[str]]:
    extractor = Extractor()
    extractor.extract(Paper("warm", "Warm-up", pathological_text("prose", 2000)))
    rows, flagged = [], []
    for shape in PATHOLOGICAL_UNITS:
        base: float | None = None
        cells = []
        for size in sizes:
            text = pathological_text(shape, size)
            paper = Paper("p", "A pathological abstract", text)
            found: list[int] = []
            seconds = best_cpu_time(lambda: found.append(len(extractor.extract(paper).entities)), repeat)
            per_char = seconds / len(text)
            base = base or per_char
            growth = per_char / base
            cells.append(f"{seconds:.3f} s ({growth:.1f}x)")
            print(f"{shape:22} {len(text):>9,} chars  {seconds:8.3f} s  growth {growth:5.2f}  "
                  f"entities {found[-1]}", flush=True)
            if growth > SUPERLINEAR_GROWTH:
                flagged.append(f"{shape} at {len(text):,} chars: {growth:.1f}x the time per character")
                break
        cells += ["not run"] * (len(sizes) - len(cells))
        rows.append(f"| {shape} | {PATHOLOGICAL_UNITS[shape]!r} | " + " | ".join(cells) + " |")
    return rows, flagged


def bench_jsonl(megabytes: int) -> str:
    """Read a generated JSON Lines file of `megabytes` MB in a child; its CPU time and peak RSS."""
    line = json.dumps({"title": "A paper", "abstract": pathological_text("prose", 1500)})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for number in range(megabytes * 1_000_000 // (len(line) + 20)):
                out.write(line.replace('{"title"', f'{{"id": "p{number}", "title"', 1) + "\n")
        child = ("import re, sys, time\nfrom kg.corpus import read_papers\n"
                 "start = time.process_time()\nn = sum(1 for _ in read_papers([sys.argv[1]]))\n"
                 "hwm = re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1)\n"
                 "print(n, time.process_time() - start, hwm)")  # not ru_maxrss: exec keeps the parent's
        out = subprocess.run([sys.executable, "-c", child, str(path)], check=True, capture_output=True,
                             text=True).stdout.split()
        papers, seconds, peak_kb = int(out[0]), float(out[1]), int(out[2])
        size = path.stat().st_size
    return (f"Reading a {size / 1e6:.0f} MB JSON Lines file ({papers:,} papers) with `read_papers`: "
            f"{seconds:.1f} s CPU, peak RSS of the process {peak_kb / 1024:.0f} MB.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jsonl-mb", type=int, default=0)
    args = parser.parse_args()
    reading = bench_jsonl(args.jsonl_mb) if args.jsonl_mb else None  # before extraction grows this process
    rows, flagged = bench_shapes(args.sizes, args.repeat)
    header = "| shape | repeated unit | " + " | ".join(f"{size:,} chars" for size in args.sizes) + " |"
    lines = [
        "# Pathological abstracts: extraction time by size",
        "",
        f"`python bench/bench_pathological.py --sizes {' '.join(map(str, args.sizes))} "
        f"--repeat {args.repeat}{f' --jsonl-mb {args.jsonl_mb}' if args.jsonl_mb else ''}`",
        f"on {platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs. One paper, one abstract; CPU seconds, best of {args.repeat}; "
        "in brackets the time per character over that at the smallest size (1.0x = linear).",
        "",
        header,
        "|" + "---|" * (2 + len(args.sizes)),
        *rows,
        "",
        "Super-linear: " + ("; ".join(flagged) if flagged else "none (no shape grew past "
                                                                  f"{SUPERLINEAR_GROWTH:g}x)."),
    ]
    if reading:
        lines += ["", reading]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
