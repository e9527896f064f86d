"""RDF exports: parse in rdflib and pyoxigraph, agree with each other, are deterministic,
escape anything, type their literals, carry evidence, and pass (or fail) the SHACL shapes."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from click.testing import CliRunner
from graph_corpus import CORPUS, corpus_graph, entity, paper, rdf_files  # noqa: F401
from rdflib.compare import isomorphic

from kg.cli import main
from kg.errors import KgInputError
from kg.export.rdf import write_jsonld, write_ntriples, write_turtle
from kg.graph import build_graph
from kg.query import validate

KGO = rdflib.Namespace("https://w3id.org/kg/ontology#")
KGI = rdflib.Namespace("https://w3id.org/kg/id/")
RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


def parse(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format=RDFLIB_FORMAT[path.suffix[1:]])


def test_every_format_parses_to_the_same_graph_in_both_libraries(rdf_files: dict[str, Path]) -> None:
    ntriples = parse(rdf_files["nt"])
    for name, path in rdf_files.items():
        assert len(list(pyoxigraph.parse(path=path))) == len(ntriples), name
        assert isomorphic(parse(path), ntriples), name


def test_ntriples_lines_hold_one_triple_each(rdf_files: dict[str, Path]) -> None:
    lines = rdf_files["nt"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(parse(rdf_files["nt"])) == len(set(lines))


def test_each_subject_s_statements_are_together_type_first_then_by_predicate(
        rdf_files: dict[str, Path]) -> None:
    rdf_type, mention = f"<{rdflib.RDF.type}>", f"<{KGO.Mention}> ."
    blocks: list[tuple[str, list[tuple[str, str]]]] = []
    for line in rdf_files["nt"].read_text(encoding="utf-8").splitlines():
        subject, predicate, obj = line.split(" ", 2)
        if not blocks or blocks[-1][0] != subject:
            blocks.append((subject, []))
        blocks[-1][1].append((predicate, obj))
    assert len({subject for subject, _ in blocks}) == len(blocks)  # no subject in two places
    for subject, statements in blocks[1:]:  # after the header (the dataset's own description)
        order = [(predicate != rdf_type, predicate) for predicate, _ in statements]
        assert order == sorted(order), subject
    assert any((rdf_type, mention) in statements for _, statements in blocks)


def test_turtle_uses_readable_prefixes(rdf_files: dict[str, Path]) -> None:
    text = rdf_files["ttl"].read_text(encoding="utf-8")
    assert "@prefix kgo: <https://w3id.org/kg/ontology#> ." in text
    assert "@prefix kgi: <https://w3id.org/kg/id/> ." in text
    assert "kgi:paper_fx-001\n    a kgo:Paper ;" in text
    assert "kgo:evaluatesOn kgi:dataset_cifar10" in text


def test_instance_iris_are_base_plus_node_id(corpus_graph, rdf_files: dict[str, Path]) -> None:  # noqa: F811
    graph = parse(rdf_files["nt"])
    typed = {str(s) for s in graph.subjects(rdflib.RDF.type, None)}
    assert {str(KGI[node]) for node in corpus_graph.nodes} <= typed


def test_ontology_is_imported_by_iri(rdf_files: dict[str, Path]) -> None:
    graph = parse(rdf_files["ttl"])
    assert (KGI[""], rdflib.OWL.imports, rdflib.URIRef("https://w3id.org/kg/ontology")) in graph


def test_literals_are_typed(rdf_files: dict[str, Path]) -> None:
    graph = parse(rdf_files["nt"])
    value = graph.value(KGI["result_fx-001_1"], KGO.value)
    assert (value.datatype, value.toPython()) == (rdflib.XSD.decimal, Decimal("95.1"))
    support = graph.value(KGI["dataset_cifar10"], KGO.support)
    assert (support.datatype, support.toPython()) == (rdflib.XSD.integer, 4)
    assert graph.value(KGI["result_fx-002_2"], KGO.relative).toPython() is True
    assert str(graph.value(KGI["paper_fx-001"], rdflib.DCTERMS.issued)) == "2023"
    assert (KGI["dataset_cifar10"], rdflib.OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q28407011")) \
        in graph


def test_a_metric_says_whether_lower_is_better(tmp_path: Path) -> None:
    """kgo:lowerIsBetter, a boolean, on a metric whose direction the lexicon gives or its name
    says; none on a metric the lexicon gives none, nor on other entities."""
    graph = build_graph([paper("a", entity("Metric", "FID", lexicon="FID", lower_is_better=True),
                               entity("Metric", "accuracy", lexicon="accuracy", lower_is_better=False),
                               entity("Metric", "attack success rate", lexicon="attack success rate"),
                               entity("Metric", "machine footprint"), entity("Method", "ResNet"))])
    path = tmp_path / "graph.nt"
    write_ntriples(graph, path)
    triples = parse(path)
    directions = {str(subject).removeprefix(str(KGI)): (value.datatype, value.toPython())
                  for subject, value in triples.subject_objects(KGO.lowerIsBetter)}
    assert directions == {"metric_fid": (rdflib.XSD.boolean, True), "metric_accuracy": (rdflib.XSD.boolean, False),
                          "metric_machinefootprint": (rdflib.XSD.boolean, True)}
    assert validate(path).conforms


def test_entity_names_are_skos_labels(rdf_files: dict[str, Path]) -> None:
    graph = parse(rdf_files["nt"])
    cifar = KGI["dataset_cifar10"]
    assert str(graph.value(cifar, rdflib.SKOS.prefLabel)) == "CIFAR-10"
    assert sorted(map(str, graph.objects(cifar, rdflib.SKOS.altLabel))) == ["CIFAR10", "cifar-10"]
    assert graph.value(cifar, rdflib.RDF.type) == KGO.Dataset


def test_evidence_of_a_statement_is_a_mention_node(rdf_files: dict[str, Path]) -> None:
    graph = parse(rdf_files["ttl"])
    rows = list(graph.query("""
        PREFIX kgo: <https://w3id.org/kg/ontology#>
        SELECT ?sentence ?start ?end ?rule ?count WHERE {
            ?paper kgo:evaluatesOn ?dataset .
            ?m kgo:inPaper ?paper ; kgo:relation kgo:evaluatesOn ; kgo:about ?dataset ;
               kgo:sentence ?sentence ; kgo:start ?start ; kgo:end ?end ; kgo:rule ?rule ; kgo:mentionCount ?count .
        }""", initBindings={"paper": KGI["paper_fx-003"], "dataset": KGI["dataset_cifar10"]}))
    assert [tuple(term.toPython() for term in row) for row in rows] == [
        ("Scaling ViT on cifar-10 and ImageNet", 15, 23, "coined:dataset-context", 2)]


def test_special_characters_are_escaped_and_survive(rdf_files: dict[str, Path]) -> None:
    graph = parse(rdf_files["nt"])
    fx4 = KGI["paper_fx-004"]
    assert str(graph.value(fx4, rdflib.DCTERMS.title)) == 'Schrödinger "Cat" Nets with back\\slashes'
    assert sorted(map(str, graph.objects(fx4, rdflib.SDO.author))) == ["B\\ackslash O'Brien", 'Zoë "Q" Müller']
    assert str(graph.value(fx4, rdflib.SDO.url)) == "https://example.org/papers/fx%20004?q=%22cat%22&r=100%25"
    aliases = sorted(map(str, graph.objects(KGI["method_catnet"], rdflib.SKOS.altLabel)))
    assert aliases == ["Cat\x07Net", "Cat\nNet", "Cat\ufffdNet"]  # the lone surrogate is replaced
    assert "\\u0007" in rdf_files["nt"].read_text(encoding="utf-8")


def test_any_name_gives_valid_iris_and_literals(tmp_path: Path) -> None:
    names = ["C++", "C#", "C", 'a "quoted" <name> {x}|^`\\', "tab\tnew\nline", "\ud800lone", "日本語 モデル",
             "%41", "trailing.", "~tilde", ""]
    graph = build_graph([paper("weird id/with space?", *(entity("Method", name) for name in names))])
    for writer, suffix in ((write_turtle, ".ttl"), (write_ntriples, ".nt"), (write_jsonld, ".jsonld")):
        path = tmp_path / f"weird{suffix}"
        writer(graph, path)
        parsed = parse(path)
        assert len(list(pyoxigraph.parse(path=path))) == len(parsed)
        methods = set(parsed.subjects(rdflib.RDF.type, KGO.Method))
        assert len(methods) == len(graph.nodes) - 1, suffix


def test_a_url_whose_scheme_is_a_prefix_is_the_same_iri_in_json_ld(tmp_path: Path) -> None:
    """JSON-LD would read "wd:Q42" as a prefixed name and expand it to Wikidata's IRI."""
    graph = build_graph([paper("p1", entity("Method", "ResNet", wikidata="Q12345")),
                         paper("p2", entity("Dataset", "ImageNet"))])
    graph.nodes["paper_p1"]["url"] = "wd:Q42"
    graph.nodes["paper_p2"]["url"] = "xsd:notes"
    write_ntriples(graph, tmp_path / "g.nt")
    write_jsonld(graph, tmp_path / "g.jsonld")
    reference = parse(tmp_path / "g.nt")
    assert (KGI["paper_p1"], rdflib.URIRef("https://schema.org/url"), rdflib.URIRef("wd:Q42")) in reference
    assert isomorphic(parse(tmp_path / "g.jsonld"), reference)
    assert len(list(pyoxigraph.parse(path=tmp_path / "g.jsonld"))) == len(reference)


def test_base_iri_is_the_instances_namespace(corpus_graph, tmp_path: Path) -> None:  # noqa: F811
    write_ntriples(corpus_graph, tmp_path / "g.nt", base_iri="http://example.org/kg/")
    graph = parse(tmp_path / "g.nt")
    assert (rdflib.URIRef("http://example.org/kg/paper_fx-001"), rdflib.RDF.type, KGO.Paper) in graph
    # a base IRI that does not end in a delimiter cannot be a JSON-LD prefix: still the same triples
    base = "http://example.org/kg-"
    for writer, suffix in ((write_turtle, ".ttl"), (write_ntriples, ".nt"), (write_jsonld, ".jsonld")):
        writer(corpus_graph, tmp_path / f"dash{suffix}", base_iri=base)
    reference = parse(tmp_path / "dash.nt")
    assert (rdflib.URIRef(base + "paper_fx-001"), rdflib.RDF.type, KGO.Paper) in reference
    assert isomorphic(parse(tmp_path / "dash.ttl"), reference)
    assert isomorphic(parse(tmp_path / "dash.jsonld"), reference)
    with pytest.raises(KgInputError, match="not an absolute IRI"):
        write_ntriples(corpus_graph, tmp_path / "bad.nt", base_iri="not an iri")
    assert not (tmp_path / "bad.nt").exists()


def test_writing_twice_gives_identical_bytes(corpus_graph, rdf_files: dict[str, Path], tmp_path: Path) -> None:  # noqa: F811
    for writer, (name, first) in zip((write_turtle, write_ntriples, write_jsonld), rdf_files.items()):
        again = tmp_path / first.name
        writer(corpus_graph, again)
        assert again.read_bytes() == first.read_bytes(), name


EXPORT_SCRIPT = """
import json, random, sys
from kg.model import PaperExtraction
from kg.graph import build_graph
from kg.export.rdf import write_turtle, write_ntriples, write_jsonld
records = [PaperExtraction.from_dict(json.loads(line)) for line in open(sys.argv[1], encoding="utf-8")]
random.Random(int(sys.argv[3])).shuffle(records)
graph = build_graph(records)
write_turtle(graph, sys.argv[2] + ".ttl"); write_ntriples(graph, sys.argv[2] + ".nt")
write_jsonld(graph, sys.argv[2] + ".jsonld")
"""


def test_exports_do_not_depend_on_hash_seed_or_input_order(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", EXPORT_SCRIPT, str(CORPUS), str(tmp_path / seed), seed],
                       check=True, env=env)
        outputs.append([(tmp_path / f"{seed}{suffix}").read_bytes() for suffix in (".ttl", ".nt", ".jsonld")])
    assert outputs[0] == outputs[1]


# ---------------------------------------------------------------- SHACL


def test_the_corpus_export_conforms(rdf_files: dict[str, Path]) -> None:
    report = validate(rdf_files["ttl"])
    assert report.conforms and report.violations == ()


def broken(rdf_files: dict[str, Path], tmp_path: Path, old: str, new: str) -> Path:
    text = rdf_files["nt"].read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.nt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


VALUE_LINE = ('<https://w3id.org/kg/id/result_fx-001_1> <https://w3id.org/kg/ontology#value> '
              '"95.1"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n')


def test_a_result_without_value_is_reported(rdf_files: dict[str, Path], tmp_path: Path) -> None:
    report = validate(broken(rdf_files, tmp_path, VALUE_LINE, ""))
    assert not report.conforms
    assert [(v.focus, v.path, v.message) for v in report.violations] == [
        ("<https://w3id.org/kg/id/result_fx-001_1>", "kgo:value",
         "a result has exactly one kgo:value, a number (xsd:decimal or xsd:double), not a string")]


def test_a_value_typed_as_string_is_reported(rdf_files: dict[str, Path], tmp_path: Path) -> None:
    path = broken(rdf_files, tmp_path, VALUE_LINE, VALUE_LINE.replace("^^<http://www.w3.org/2001/XMLSchema#decimal>", ""))
    report = validate(path)
    assert [(v.focus, v.path, v.value) for v in report.violations] == [
        ("<https://w3id.org/kg/id/result_fx-001_1>", "kgo:value", '"95.1"')]
    assert "not a string" in report.violations[0].message


def test_a_statement_without_evidence_is_reported(rdf_files: dict[str, Path], tmp_path: Path) -> None:
    mention = "<https://w3id.org/kg/id/paper_fx-001/evaluatesOn/dataset_cifar10>"
    text = rdf_files["nt"].read_text(encoding="utf-8")
    path = tmp_path / "no-evidence.nt"
    path.write_text("".join(line for line in text.splitlines(keepends=True) if not line.startswith(mention)))
    messages = [v.message for v in validate(path).violations]
    assert messages == ["the statement https://w3id.org/kg/id/paper_fx-001 https://w3id.org/kg/ontology#evaluatesOn "
                        "https://w3id.org/kg/id/dataset_cifar10 has no kgo:Mention with its evidence"]


def test_a_direction_on_what_is_no_metric_is_reported(rdf_files: dict[str, Path], tmp_path: Path) -> None:
    direction = ('<https://w3id.org/kg/id/metric_top1error> <https://w3id.org/kg/ontology#lowerIsBetter> '
                 '"true"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n')
    on_a_dataset = direction.replace("metric_top1error", "dataset_cifar10")
    report = validate(broken(rdf_files, tmp_path, direction, direction + on_a_dataset))
    assert [(v.focus, v.message) for v in report.violations] == [
        ("<https://w3id.org/kg/id/dataset_cifar10>", "only a kgo:Metric has a kgo:lowerIsBetter")]
    as_text = direction.replace("^^<http://www.w3.org/2001/XMLSchema#boolean>", "")
    report = validate(broken(rdf_files, tmp_path, direction, as_text))
    assert [(v.focus, v.path) for v in report.violations] == [
        ("<https://w3id.org/kg/id/metric_top1error>", "kgo:lowerIsBetter")]


def test_cli_validate_exit_codes(rdf_files: dict[str, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(rdf_files["nt"])])
    assert ok.exit_code == 0 and "conforms" in ok.stdout
    bad = runner.invoke(main, ["validate", str(broken(rdf_files, tmp_path, VALUE_LINE, ""))])
    assert bad.exit_code == 1
    assert "Violation: <https://w3id.org/kg/id/result_fx-001_1> kgo:value: a result has exactly one kgo:value" \
        in bad.stdout
    garbage = tmp_path / "garbage.ttl"
    garbage.write_text("this is not turtle <<<")
    unparseable = runner.invoke(main, ["validate", str(garbage)])
    assert unparseable.exit_code == 2 and "garbage.ttl:1: not valid turtle RDF" in unparseable.stderr
    missing = runner.invoke(main, ["validate", str(tmp_path / "missing.nt")])
    assert missing.exit_code == 2 and "no such RDF file" in missing.stderr


def test_the_bundled_build_conforms(bundled_build: Path) -> None:
    report = validate(bundled_build / "graph.nt")
    assert report.conforms, "\n".join(map(str, report.violations[:20]))
