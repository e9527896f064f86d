"""Pathological input completes with sane output: huge abstracts of digits and brackets,
thousands of repeated acronym definitions, every shape of tests/hostile.py at length, and a
large JSON Lines file read in bounded memory. No timing here: bench/bench_pathological.py
measures how extraction time grows with length."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import PATHOLOGICAL_UNITS, one_extractor, pathological_text  # noqa: F401  (fixture)

from kg.cli import main
from kg.corpus import MAX_TEXT_CHARS
from kg.export.nodelink import read_nodelink
from kg.extract import Extractor
from kg.model import Paper

SHAPE_CHARS = 50_000
JSONL_MB = 30
MAX_RSS_GROWTH_MB = 10
"""Reading the JSONL_MB file may cost at most this much more peak memory than reading a
tiny one: a reader that held the file, or its papers, would need several times JSONL_MB."""


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def names(extractor: Extractor, abstract: str) -> set[tuple[str, str]]:
    extraction = extractor.extract(Paper("p", "A pathological abstract", abstract))
    return {(entity.type, entity.name) for entity in extraction.entities}


@pytest.mark.parametrize("shape", sorted(set(PATHOLOGICAL_UNITS) - {"long-token"}))
def test_a_repeated_abstract_finds_what_a_few_copies_find(extractor: Extractor, shape: str) -> None:
    """Repetition neither invents nor loses entities (a long token is one word whatever its length)."""
    few = PATHOLOGICAL_UNITS[shape] * 3
    assert names(extractor, pathological_text(shape, SHAPE_CHARS)) == names(extractor, few)


def test_a_long_token_is_one_name_at_most(extractor: Extractor) -> None:
    found = names(extractor, pathological_text("long-token", SHAPE_CHARS))
    assert len(found) <= 1


def build(tmp_path: Path, abstract: str) -> tuple[int, Path]:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "p", "title": "Name: A pathological abstract",
                                  "abstract": abstract}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(corpus), "-q", "-o", str(tmp_path / "out")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, tmp_path / "out"


def test_one_megabyte_abstract_of_digits_and_brackets_builds(one_extractor: None, tmp_path: Path) -> None:  # noqa: F811
    abstract = pathological_text("digits-brackets", MAX_TEXT_CHARS)
    assert MAX_TEXT_CHARS - len(PATHOLOGICAL_UNITS["digits-brackets"]) < len(abstract) <= MAX_TEXT_CHARS
    exit_code, out = build(tmp_path, abstract)
    assert exit_code == 0
    graph = read_nodelink(out / "graph.json")
    assert {kind for _, kind in graph.nodes(data="kind")} == {"Paper", "Method"}  # "Name", the title prefix
    assert graph.number_of_nodes() == 2


def test_ten_thousand_acronym_definitions_are_one_entity(one_extractor: None, tmp_path: Path) -> None:  # noqa: F811
    unit = PATHOLOGICAL_UNITS["acronym-definitions"]
    exit_code, out = build(tmp_path, unit * 10_000)
    assert exit_code == 0
    graph = read_nodelink(out / "graph.json")
    (method,) = [data for node, data in graph.nodes(data=True) if data.get("long_form") == "Foo Bar Network"]
    assert method["acronym"] == "FBN" and method["aliases"] == ["FBN"]
    (edge,) = [data for _, target, data in graph.edges(data=True)
               if graph.nodes[target].get("long_form") == "Foo Bar Network"]
    assert edge["mentions"] == 20_000  # each definition names it twice: long form and acronym


READ_AND_MEASURE = """
import re, sys
from kg.corpus import read_papers
count = sum(1 for _ in read_papers([sys.argv[1]]))
with open("/proc/self/status") as status:
    print(count, re.search(r"VmHWM:\\s*(\\d+) kB", status.read()).group(1))
"""
"""Counts the papers and prints the process's peak RSS. VmHWM, not getrusage's ru_maxrss:
Linux carries ru_maxrss over exec from the forking parent (here pytest, often larger)."""


def peak_rss_reading(path: Path) -> tuple[int, float]:
    """(papers read, peak RSS in MB) of a fresh interpreter reading `path`."""
    out = subprocess.run([sys.executable, "-c", READ_AND_MEASURE, str(path)], check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1]) / 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_large_json_lines_file_is_read_as_a_stream(tmp_path: Path) -> None:
    abstract = pathological_text("prose", 1500)
    line_bytes = len(json.dumps({"id": "p0000000", "title": "A paper", "abstract": abstract})) + 1
    papers = JSONL_MB * 1_000_000 // line_bytes
    big, tiny = tmp_path / "big.jsonl", tmp_path / "tiny.jsonl"
    with open(big, "w", encoding="utf-8") as out:
        for number in range(papers):
            out.write(json.dumps({"id": f"p{number:07d}", "title": "A paper", "abstract": abstract}) + "\n")
    tiny.write_text(json.dumps({"id": "p", "title": "A paper", "abstract": abstract}) + "\n", encoding="utf-8")
    assert big.stat().st_size >= JSONL_MB * 1_000_000 * 0.99
    read_big, big_rss = peak_rss_reading(big)
    read_tiny, tiny_rss = peak_rss_reading(tiny)
    assert (read_big, read_tiny) == (papers, 1)
    assert big_rss - tiny_rss < MAX_RSS_GROWTH_MB, (big_rss, tiny_rss)
