"""Hostile text never breaks an output: `kg build` of generated corpora either succeeds with
every file parsing back to the graph, or fails with one line and exit 2; never a traceback,
never a partial file. Node ids (the IRIs' local names) are valid and never collide.
See tests/hostile.py for what is generated."""

from __future__ import annotations

import csv
import json
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import lxml.html
import networkx as nx
import pyoxigraph
import pytest
import rdflib
from built import output_files
from click.testing import CliRunner
from falkordb_server import FalkorServer, falkordb_server  # noqa: F401  (fixture)
from hostile import hostile_corpus, one_extractor, robust, write_corpus, write_jsonl  # noqa: F401  (fixture)
from hypothesis import event, example, given
from hypothesis import strategies as st
from lxml import etree
from rdflib.compare import isomorphic
from test_neo4j import (
    expected_nodes,
    expected_relationships,
    load,
    loaded_nodes,
    loaded_relationships,
)

from kg.cli import main
from kg.corpus import read_papers
from kg.export import EXPORTS, attributes, rdf
from kg.export.nodelink import read_nodelink
from kg.graph import build_graph
from kg.graph.ids import encode, entity_node_id, paper_node_id, result_node_id
from kg.graph.resolve import EntityRecord, normalize, resolve
from kg.model import ENTITY_TYPES, Entity, Mention, Paper, PaperExtraction

EXPECTED_FILES = {export.filename for export in EXPORTS} | {"stats.json"}
KGI = rdflib.Namespace(rdf.DEFAULT_BASE_IRI)
PAGE_SCRIPTS = 3
"""<script> elements of graph.html: vis-network, the JSON data, the page's own code."""


# ------------------------------------------------------------------ whole builds of hostile corpora

ISSUE_EXAMPLE = [{"id": "p0", "title": "Foo<script>\"x\"'] (FB): Name: ]]> Learning",
                  "abstract": "We propose Foo<script>\"x\"'] (FB), trained on CIFAR-10 with 3.1% error "
                              "on 4 A100 GPUs. FB reaches 93.1% accuracy on Bar\ud800]]>-10 over ResNet-50.",
                  "url": "https://arxiv.org/abs/2401.00001[<script>", "authors": ["O'Brien \"\"\"", "`x`"]}]


@pytest.mark.falkordb
@robust(60, slow_examples=True)
@example(records=ISSUE_EXAMPLE, fmt="jsonl")
@given(records=hostile_corpus(), fmt=st.sampled_from(["jsonl", "jsonl", "csv"]))
def test_hostile_corpus_builds_into_outputs_that_parse_back(
        one_extractor: None, falkordb_server: FalkorServer, records: list[dict[str, Any]],  # noqa: F811
        fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        corpus = write_corpus(records, Path(folder), fmt)
        out = Path(folder) / "outputs"
        result = CliRunner().invoke(main, ["build", str(corpus), "-q", "-o", str(out)])
        assert_succeeded_or_refused(result, out)
        event(f"{fmt}: kg build exit {result.exit_code}")
        assert [p.name for p in Path(folder).iterdir() if p.name.startswith(".")] == []  # no staging left
        if result.exit_code == 0:
            check_outputs(out, list(read_papers([corpus], warn=lambda _: None)), falkordb_server)


def assert_succeeded_or_refused(result: Any, out: Path) -> None:
    """Exit 0, or exit 2 with one line ``kg: error: ...`` (after any warnings) and no output directory."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        *warnings, error = result.stderr.splitlines()
        assert error.startswith("kg: error: "), result.stderr
        assert all(line.startswith("kg: warning: ") for line in warnings), result.stderr
        assert not out.exists()


def check_outputs(out: Path, papers: list[Paper], falkordb: FalkorServer) -> None:
    assert {path.parts[0] for path in output_files(out)} == EXPECTED_FILES  # not the query cache
    graph = read_nodelink(out / "graph.json")
    assert {graph.nodes[paper_node_id(p.id)]["title"] for p in papers} == {p.title for p in papers}
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["papers"] == len(papers)
    check_rdf(graph, out)
    check_gephi(graph, out)
    check_neo4j_csv(graph, out / "neo4j")
    check_graph_cypher(graph, out / "neo4j", falkordb)
    check_html(graph, out / "graph.html")


def check_rdf(graph: nx.MultiDiGraph, out: Path) -> None:
    """Turtle and N-Triples parse in rdflib and pyoxigraph to one graph that holds every
    node's IRI and its text (lone surrogates can only be U+FFFD there)."""
    turtle = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    ntriples = rdflib.Graph().parse(out / "graph.nt", format="nt")
    assert len(turtle) == len(ntriples) > 0
    assert isomorphic(turtle, ntriples)
    for name in ("graph.ttl", "graph.nt"):
        assert len(list(pyoxigraph.parse(path=str(out / name)))) == len(ntriples), name
    for node, data in graph.nodes(data=True):
        iri = KGI[node]
        assert (iri, rdflib.RDF.type, None) in ntriples, node
        label = ntriples.value(iri, rdflib.RDFS.label)
        assert str(label) == rdf.clean_text(data["label"]), node
        if data["kind"] == "Paper":
            assert str(ntriples.value(iri, rdflib.DCTERMS.title)) == rdf.clean_text(data["title"])
        elif data["kind"] in ENTITY_TYPES:
            assert str(ntriples.value(iri, rdflib.SKOS.prefLabel)) == rdf.clean_text(data["name"])
            assert sorted(map(str, ntriples.objects(iri, rdflib.SKOS.altLabel))) == \
                sorted({rdf.clean_text(alias) for alias in data["aliases"]})


def check_gephi(graph: nx.MultiDiGraph, out: Path) -> None:
    """GEXF and GraphML are well-formed XML (lxml) that NetworkX reads back, labels intact."""
    for name, reader in (("graph.gexf", nx.read_gexf), ("graph.graphml", nx.read_graphml)):
        etree.parse(str(out / name))
        back = reader(out / name)
        assert set(back.nodes) == set(graph.nodes), name
        assert back.number_of_edges() == graph.number_of_edges(), name
        for node, data in graph.nodes(data=True):
            assert back.nodes[node]["label"] == attributes.clean_text(data["label"]), (name, node)


def check_neo4j_csv(graph: nx.MultiDiGraph, folder: Path) -> None:
    """Every CSV file reads in the csv module with one row per node of its label / edge of its type."""
    kinds = Counter(kind for _, kind in graph.nodes(data="kind"))
    relations = Counter(relation for _, _, relation in graph.edges(keys=True))
    ids = set()
    for path in folder.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as source:
            header, *rows = list(csv.reader(source))
        assert all(len(row) == len(header) for row in rows), path.name
        kind, name = path.stem.split("_", 1)
        assert len(rows) == (kinds if kind == "nodes" else relations)[name], path.name
        if kind == "nodes":
            ids |= {row[0] for row in rows}
    assert ids == set(graph.nodes)
    assert {p.name for p in folder.glob("*.csv")} == \
        {f"nodes_{k}.csv" for k in kinds} | {f"relationships_{r}.csv" for r in relations}


def check_graph_cypher(graph: nx.MultiDiGraph, folder: Path, falkordb: FalkorServer) -> None:
    """graph.cypher runs in FalkorDB and loads exactly the graph (names and all)."""
    db_graph = load(falkordb.db, "kg_hostile", folder)
    try:
        assert loaded_nodes(db_graph) == expected_nodes(graph)
        assert loaded_relationships(db_graph) == expected_relationships(graph)
    finally:
        db_graph.delete()


def check_html(graph: nx.MultiDiGraph, path: Path) -> None:
    """No corpus text becomes an element: the page has its own three scripts and nothing
    else executable, and its JSON data names every drawn node."""
    page = lxml.html.parse(str(path)).getroot()
    assert len(page.findall(".//script")) == PAGE_SCRIPTS
    assert page.findall(".//img") == [] and page.findall(".//svg") == [] and page.findall(".//iframe") == []
    assert [el for el in page.iter() if isinstance(el.tag, str)
            and any(attr.startswith("on") for attr in el.attrib)] == []
    data = json.loads(page.get_element_by_id("kg-data").text)
    assert {node["id"] for node in data["nodes"]} == set(graph.nodes)


# ------------------------------------------------------------------ input the CLI refuses

@pytest.mark.parametrize("content, message", [
    ("", "no papers found"),
    ('{"title": "", "abstract": "  "}\n', "no papers found"),
    ('{"title": "x", "abstract": "\\u0000 ok"\n', "malformed JSON"),
    ('{"title": 3, "abstract": "x"}\n', "'title' must be a string"),
    ('{"title": "x", "abstract": "' + "9" * 1_000_001 + '"}\n', "abstract too long"),
])
def test_unusable_input_is_one_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(content, encoding="utf-8")
    out = tmp_path / "outputs"
    result = CliRunner().invoke(main, ["build", str(corpus), "-q", "-o", str(out)])
    assert_succeeded_or_refused(result, out)
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize("base_iri", ["http://x[/", "http://x:port/", "no-scheme/"])
def test_a_base_iri_strict_parsers_reject_is_refused(one_extractor: None, tmp_path: Path, base_iri: str) -> None:  # noqa: F811
    corpus = write_jsonl([{"title": "A", "abstract": "B"}], tmp_path / "corpus.jsonl")
    out = tmp_path / "outputs"
    result = CliRunner().invoke(main, ["build", str(corpus), "-q", "-o", str(out), "--base-iri", base_iri])
    assert_succeeded_or_refused(result, out)
    assert result.exit_code == 2 and "base IRI" in result.stderr


def test_lone_surrogate_escapes_in_json_lines_become_replacement_characters(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "s\\ud800", "title": "Foo\\udfffNet: A Net", "abstract": "We propose '
                      'Foo\\udfffNet, trained on CIFAR-10.", "authors": ["A\\ud83d"], "k": ["\\ud800"]}\n',
                      encoding="utf-8")
    (paper,) = read_papers([corpus])
    assert (paper.id, paper.title, paper.authors, paper.metadata) == \
        ("s\ufffd", "Foo\ufffdNet: A Net", ("A\ufffd",), {"k": ["\ufffd"]})
    assert paper.abstract.index("\ufffd") == paper.abstract.index("Foo") + 3  # offsets unchanged
    result = CliRunner().invoke(main, ["build", str(corpus), "-q", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    graph = read_nodelink(tmp_path / "out" / "graph.json")
    assert "Foo\ufffdNet" in {name for _, name in graph.nodes(data="name")}


# ------------------------------------------------------------------ node ids and IRIs

ANY_TEXT = st.text(st.characters(exclude_categories=()))  # lone surrogates included


@robust(500)
@given(ANY_TEXT)
def test_encoded_text_is_an_iri_segment_that_decodes_back(text: str) -> None:
    encoded = encode(text)
    assert unquote_to_bytes(encoded).decode("utf-8", "surrogatepass") == text  # so encode is injective
    assert set(encoded) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-%")
    pyoxigraph.NamedNode(rdf.DEFAULT_BASE_IRI + encoded)  # raises on an invalid IRI
    rdflib.URIRef(rdf.DEFAULT_BASE_IRI + encoded).n3()


@robust(300)
@given(st.sampled_from(ENTITY_TYPES), ANY_TEXT, ANY_TEXT, st.integers(1, 10_000), st.integers(1, 10_000))
def test_different_keys_never_share_a_node_id(entity_type: str, first: str, second: str,
                                              n: int, m: int) -> None:
    ids = [paper_node_id(first), paper_node_id(second), entity_node_id(entity_type, first),
           entity_node_id(entity_type, second), result_node_id(first, n), result_node_id(second, m)]
    same_key, same_result = first == second, (first, n) == (second, m)
    assert len(set(ids)) == 2 * (1 if same_key else 2) + (1 if same_result else 2)


PUNCTUATION = st.sampled_from(list("+#.!?'\"*/&@$%^()[]{}<>|\\,:;=~`") + ["++", "()", "\u2020"])


@robust(200)
@given(st.text(st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=6),
       st.lists(PUNCTUATION, min_size=1, max_size=4, unique=True), st.booleans())
def test_names_resolution_keeps_apart_get_their_own_iris(tmp_path_factory: pytest.TempPathFactory,
                                                         stem: str, marks: list[str], swap_case: bool) -> None:
    """Names that differ in punctuation (C++, C#, C), with or without a case difference
    (c#), are different methods: each its own node and IRI, however little they differ."""
    names = [stem] + [(stem.swapcase() if swap_case else stem) + mark for mark in marks]
    extractions = [PaperExtraction(Paper(f"p{i}", name, ""), (
        Entity("Method", name, mentions=(Mention(0, len(name), name, name, "test"),)),))
                   for i, name in enumerate(names)]
    records = [EntityRecord(e.id, entity) for e in extractions for entity in e.entities]
    nodes, _ = resolve(records)
    graph = build_graph(extractions)
    methods = sorted(node for node, kind in graph.nodes(data="kind") if kind == "Method")
    assert len(methods) == len(nodes) == len({normalize(name) for name in names})
    path = tmp_path_factory.mktemp("iri") / "graph.nt"
    rdf.write_ntriples(graph, path)
    typed = {t.subject.value for t in pyoxigraph.parse(path=str(path))
             if t.predicate.value == rdf.RDF_TYPE and t.object.value == rdf.KGO + "Method"}
    assert typed == {rdf.DEFAULT_BASE_IRI + node for node in methods}


URLS = st.one_of(ANY_TEXT, st.builds(str.__add__, st.sampled_from(
    ["https://arxiv.org/abs/", "http://[::1]:8080/", "http://x:", "urn:", "javascript:", "mailto:"]), ANY_TEXT))


@robust(300)
@given(URLS)
def test_any_paper_url_gives_ntriples_a_strict_parser_reads(tmp_path_factory: pytest.TempPathFactory,
                                                            url: str) -> None:
    graph = build_graph([PaperExtraction(Paper("p", "Title", "", url=url))])
    path = tmp_path_factory.mktemp("url") / "graph.nt"
    rdf.write_ntriples(graph, path)
    (url_object,) = [t.object for t in pyoxigraph.parse(path=str(path))
                     if t.predicate.value == "https://schema.org/url"]
    if isinstance(url_object, pyoxigraph.Literal):
        assert url_object.value == rdf.clean_text(url)
    else:
        assert unquote_to_bytes(url_object.value).decode("utf-8", "replace") == rdf.clean_text(url) \
            or "%" in url  # an escape the URL already held stays as it is


# ------------------------------------------------------------------ determinism

def test_a_corpus_in_another_order_builds_the_same_files(bundled_build: Path, tmp_path: Path) -> None:
    """The bundled listing shuffled (ids kept) gives byte-identical outputs, every file."""
    papers = list(read_papers([]))
    random.Random(8).shuffle(papers)
    shuffled = tmp_path / "shuffled.jsonl"
    write_jsonl([{"id": p.id, "title": p.title, "abstract": p.abstract} for p in papers], shuffled)
    result = CliRunner().invoke(main, ["build", str(shuffled), "-q", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    files = sorted(output_files(bundled_build))
    assert files == sorted(output_files(tmp_path / "out"))
    for name in files:
        assert (tmp_path / "out" / name).read_bytes() == (bundled_build / name).read_bytes(), name
