"""A synthetic corpus of N abstracts made from the bundled listing's sentences, for scale benchmarks.

    /work/venv/bin/python bench/generate_corpus.py 100000 [-o bench/work/corpus-100000.jsonl] [--seed 0]

Each paper takes a title and 4 to 9 sentences drawn from the 188 bundled papers, then
re-mints what makes a paper its own so that the extractor does real work rather than
re-matching the same strings at every scale:

- coined names (words with inner capitals or digits, all-capital acronyms: "ProxylessNAS",
  "AlexNet-PCN16", "MIA-DPO") are each replaced, with probability 1/2 per paper, by a fresh
  name of the same shape; one paper maps a name the same way everywhere, so a long form and
  its acronym still pair up when both are re-minted;
- every number gets fresh digits of the same shape ("99.5%" -> "73.1%", "2012" -> "2047").

Names the lexicon knows ("CIFAR-10", "ImageNet") are often coined-shaped too; half of them
survive in each paper, so lexicon matches, new coined entities and results all grow with N.
The output is JSON Lines (id, title, abstract), the same for the same N and seed.
Generated corpora go under bench/work/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / "work"
SOURCE = REPO / "kg" / "data" / "hf_papers_listing.txt"

_COINED = re.compile(r"\b(?=[\w-]*(?:[a-z][A-Z]|[A-Z]{2}|[A-Za-z]\d))[A-Za-z][\w-]*[\w]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zen", "dra", "qua", "bel", "cor", "fin",
              "gal", "hex", "jun", "pix", "tor", "wex")


def source_papers() -> list[tuple[str, list[str]]]:
    """(title, sentences) of each bundled paper."""
    from kg.corpus import read_papers

    return [(paper.title, _SENTENCE_END.split(paper.abstract)) for paper in read_papers([SOURCE])]


def mint_like(word: str, rng: random.Random) -> str:
    """A fresh name with the shape of `word`: capitals stay capitals, digits stay digits, the
    separators stay where they were; lower-case runs become pronounceable syllables."""
    out: list[str] = []
    for run in re.findall(r"[A-Z]+|[a-z]+|\d+|[^A-Za-z\d]+", word):
        if run.isupper():
            out.append("".join(rng.choice("ABCDEFGHJKLMNPRSTVWXZ") for _ in run))
        elif run.islower():
            syllables = "".join(rng.choice(_SYLLABLES) for _ in range(max(1, len(run) // 3)))
            out.append(syllables[:max(2, len(run))])
        elif run.isdigit():
            out.append(_digits(len(run), rng))
        else:
            out.append(run)
    return "".join(out)


def _digits(length: int, rng: random.Random) -> str:
    first = str(rng.randrange(1, 10)) if length > 1 else str(rng.randrange(10))
    return first + "".join(str(rng.randrange(10)) for _ in range(length - 1))


def _renumber(match: re.Match[str], rng: random.Random) -> str:
    whole, _, fraction = match.group().partition(".")
    return _digits(len(whole), rng) + ("." + _digits(len(fraction), rng) if fraction else "")


def generate(count: int, seed: int = 0) -> Iterator[dict[str, str]]:
    """`count` papers as JSONL records; the same for the same count and seed."""
    rng = random.Random(seed)
    papers = source_papers()
    width = len(str(count - 1))
    for number in range(count):
        title, _ = rng.choice(papers)
        sentences = [rng.choice(rng.choice(papers)[1]) for _ in range(rng.randrange(4, 10))]
        renamed: dict[str, str] = {}

        def rename(match: re.Match[str]) -> str:
            word = match.group()
            if word not in renamed:
                renamed[word] = mint_like(word, rng) if rng.random() < 0.5 else word
            return renamed[word]

        def rewrite(text: str) -> str:
            text = _COINED.sub(rename, text)
            return _NUMBER.sub(lambda m: _renumber(m, rng), text)

        yield {"id": f"gen-{number:0{width}d}", "title": rewrite(title),
               "abstract": rewrite(" ".join(sentences))}


def write_corpus(count: int, path: Path | None = None, seed: int = 0) -> Path:
    """Write the corpus of `count` papers (default bench/work/corpus-<count>.jsonl) unless it exists."""
    path = path or WORK / f"corpus-{count}-s{seed}.jsonl"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as out:
        for record in generate(count, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of abstracts")
    parser.add_argument("-o", "--output", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(write_corpus(args.count, args.output, args.seed))


if __name__ == "__main__":
    main()
