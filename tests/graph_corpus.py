"""The hand-made corpus of the graph, RDF and query tests (tests/data/graph/corpus.jsonl).

Four papers written for these tests, independent of the extractor: "PCN" defined as two
different things (fx-001, fx-002) and used bare (fx-003); CIFAR-10 spelled four ways; a
plural ("Transformers"); a bare acronym with one expansion ("ViT"); a lexicon canonical
name with an alias ("NVIDIA A100" / "A100 GPUs"); a metric only a result names ("top-1
error"); quotes, backslashes, non-ASCII, a control character, a newline and a lone
surrogate in names, titles, authors and URL (fx-004).
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from kg.export.rdf import write_jsonld, write_ntriples, write_turtle
from kg.graph import build_graph
from kg.model import Entity, Mention, Paper, PaperExtraction, Result

CORPUS = Path(__file__).parent / "data" / "graph" / "corpus.jsonl"


def corpus_extractions() -> list[PaperExtraction]:
    with open(CORPUS, encoding="utf-8") as lines:
        return [PaperExtraction.from_dict(json.loads(line)) for line in lines]


def paper(paper_id: str, *entities: Entity, results: tuple[Result, ...] = ()) -> PaperExtraction:
    """A paper whose text is only its entities' names, for resolution tests."""
    return PaperExtraction(Paper(paper_id, f"Paper {paper_id}", ""), entities, results)


def entity(type_: str, name: str, *aliases: str, **fields) -> Entity:
    return Entity(type=type_, name=name, aliases=aliases,
                  mentions=(Mention(0, len(name), name, name, "test"),), **fields)


@pytest.fixture(scope="session")
def corpus_graph() -> nx.MultiDiGraph:
    return build_graph(corpus_extractions())


@pytest.fixture(scope="session")
def rdf_files(corpus_graph: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The corpus graph written as Turtle, N-Triples and JSON-LD."""
    folder = tmp_path_factory.mktemp("rdf")
    files = {"ttl": folder / "graph.ttl", "nt": folder / "graph.nt", "jsonld": folder / "graph.jsonld"}
    write_turtle(corpus_graph, files["ttl"])
    write_ntriples(corpus_graph, files["nt"])
    write_jsonld(corpus_graph, files["jsonld"])
    return files
