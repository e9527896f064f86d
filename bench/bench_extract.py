"""Throughput of `Extractor.pipe` against a bare `spacy.blank("en")` tokenizer pass.

    python bench/bench_extract.py [--papers 2000] [--corpus PATH]

The bundled corpus (188 abstracts) is repeated to about `--papers` abstracts for stable
timing; words are whitespace-separated tokens of title + abstract. One process, one core.
Times are CPU seconds of this process (`time.process_time`), best of `--repeat` runs after a
warm-up pass, so other load on the machine disturbs the figures little.
"""

from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

import spacy
from common import best_cpu_time

from kg.corpus import read_papers
from kg.extract import Extractor
from kg.model import Paper

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "kg" / "data" / "hf_papers_listing.txt"
"""The bundled listing, in the repository."""


def load_papers(path: Path, count: int) -> list[Paper]:
    base = list(read_papers([path]))
    return [base[i % len(base)] for i in range(count)]



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    papers = load_papers(args.corpus, args.papers)
    texts = [p.text for p in papers]
    words = sum(len(t.split()) for t in texts)

    load = best_cpu_time(lambda: Extractor())
    extractor = Extractor()
    blank = spacy.blank("en")
    bare = best_cpu_time(lambda: list(blank.tokenizer.pipe(texts, batch_size=64)), args.repeat + 1)
    full = best_cpu_time(lambda: list(extractor.pipe(papers, batch_size=64)), args.repeat + 1)

    print(f"machine: {platform.processor() or platform.machine()}, nproc={os.cpu_count()}, "
          f"python {platform.python_version()}, spaCy {spacy.__version__}")
    print(f"papers: {len(papers)}  words: {words:,}")
    print(f"Extractor() load:          {load:8.2f} s (CPU)")
    print(f"bare tokenizer:            {words / bare:12,.0f} words/s  ({bare:.2f} s)")
    print(f"Extractor.pipe (full):     {words / full:12,.0f} words/s  ({full:.2f} s)")
    print(f"full / bare (CPU time):    {full / bare:8.2f}x")


if __name__ == "__main__":
    main()
