"""`kg query` and kg.query.run_query: every bundled query gives the exact rows expected from
the hand-made corpus, on both engines and on every RDF format."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from graph_corpus import corpus_graph, rdf_files  # noqa: F401

from kg.cli import main
from kg.errors import KgInputError
from kg.query import ENGINES, bundled_queries, run_query

TITLE_1 = 'Point Cloud Network: "Efficient" Image Classification'
TITLE_2 = "Predictive Coding Networks Learn Without Backpropagation"
TITLE_3 = "Scaling ViT on cifar-10 and ImageNet"
TITLE_4 = 'Schrödinger "Cat" Nets with back\\slashes'
SENTENCE_2 = ("Trained on A100 GPUs, PCN obtains an error rate of 4.2% on CIFAR10, "
              "1.5 points better than backpropagation.")

EXPECTED = [
    ("top-datasets", {}, ["dataset", "papers"], [("CIFAR-10", 4), ("ImageNet", 2)]),
    ("top-hardware", {}, ["hardware", "papers"], [("NVIDIA A100", 2), ("RTX 4090", 1), ("TPU v4", 1)]),
    ("top-metrics", {}, ["metric", "papers"], [("accuracy", 3), ("error rate", 1), ("top-1 error", 1)]),
    ("proposes-and-evaluates", {"dataset": "cifar10"}, ["paper_id", "title", "method"], [
        ("fx-001", TITLE_1, "Point Cloud Network"),
        ("fx-002", TITLE_2, "Predictive Coding Network"),
        ("fx-004", TITLE_4, "CatNet")]),
    ("proposes-and-evaluates", {"dataset": "IMAGENET-1K"}, ["paper_id", "title", "method"], [
        ("fx-004", TITLE_4, "CatNet")]),
    ("leaderboard", {"dataset": "CIFAR-10", "metric": "Accuracy"}, ["method", "value", "unit", "paper_id", "title"], [
        ("Vision Transformer", 96.3, "%", "fx-003", TITLE_3),
        ("Point Cloud Network", 95.1, "%", "fx-001", TITLE_1)]),
    ("leaderboard", {"dataset": "cifar-10", "metric": "accuracy", "order": "asc"},
     ["method", "value", "unit", "paper_id", "title"], [
        ("Point Cloud Network", 95.1, "%", "fx-001", TITLE_1),
        ("Vision Transformer", 96.3, "%", "fx-003", TITLE_3)]),
    # an error rate: lower is better; the relative 1.5 points is not a score
    ("leaderboard", {"dataset": "CIFAR10", "metric": "error rate"}, ["method", "value", "unit", "paper_id", "title"], [
        ("Predictive Coding Network", 4.2, "%", "fx-002", TITLE_2)]),
    ("co-methods", {"method": "vit"}, ["co_method", "papers"], [
        ("PCN", 1), ("Point Cloud Network", 1), ("Transformer", 1)]),
    # "PCN" names three methods: the two long forms and the bare acronym
    ("co-methods", {"method": "PCN"}, ["co_method", "papers"], [
        ("Transformer", 2), ("Vision Transformer", 2), ("backpropagation", 1)]),
    ("evidence", {"entity": "cifar10"},
     ["paper_id", "relation", "entity_name", "sentence", "start", "end", "rule", "mentions"], [
        ("fx-001", "evaluatesOn", "CIFAR-10", "On CIFAR-10, PCN reaches 95.1% accuracy on an RTX 4090.", 154, 162,
         "lexicon:CIFAR-10", 1),
        ("fx-002", "evaluatesOn", "CIFAR-10", SENTENCE_2, 199, 206, "coined:dataset-context", 1),
        ("fx-003", "evaluatesOn", "CIFAR-10", TITLE_3, 15, 23, "coined:dataset-context", 2),
        ("fx-004", "evaluatesOn", "CIFAR-10", "CatNet is evaluated on ImageNet-1k and CIFAR-10.", 80, 88,
         "lexicon:CIFAR-10", 1)]),
    ("evidence", {"entity": "PCN", "paper": "fx-002"},
     ["paper_id", "relation", "entity_name", "sentence", "start", "end", "rule", "mentions"], [
        ("fx-002", "proposes", "Predictive Coding Network", TITLE_2, 0, 25, "acronym", 4)]),
    # a name of nothing, or of another type, has no rows (rdflib gave a GROUP BY that matches
    # nothing one empty solution, which joined every method)
    ("co-methods", {"method": "no such method"}, ["co_method", "papers"], []),
    ("co-methods", {"method": "CIFAR-10"}, ["co_method", "papers"], []),
    ("proposes-and-evaluates", {"dataset": "PCN"}, ["paper_id", "title", "method"], []),
    ("leaderboard", {"dataset": "CIFAR-10", "metric": "no such metric"},
     ["method", "value", "unit", "paper_id", "title"], []),
    ("evidence", {"entity": "no such entity"},
     ["paper_id", "relation", "entity_name", "sentence", "start", "end", "rule", "mentions"], []),
]


def test_every_bundled_query_is_tested() -> None:
    assert {name for name, *_ in EXPECTED} == set(bundled_queries())


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("name", "params", "columns", "rows"), EXPECTED,
                         ids=[f"{e[0]}-{i}" for i, e in enumerate(EXPECTED)])
def test_bundled_query_rows(rdf_files: dict[str, Path], engine: str, name: str, params: dict[str, str],
                            columns: list[str], rows: list[tuple]) -> None:
    assert run_query(name, rdf_files["nt"], params, engine) == (columns, rows)


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_other_formats_give_the_same_rows(rdf_files: dict[str, Path], fmt: str) -> None:
    for name, params, columns, rows in EXPECTED:
        assert run_query(name, rdf_files[fmt], params, "rdflib") == (columns, rows)
        assert run_query(name, rdf_files[fmt], params, "oxigraph") == (columns, rows)


@pytest.mark.parametrize("engine", ENGINES)
def test_parameters_are_literals_not_query_text(rdf_files: dict[str, Path], engine: str) -> None:
    hostile = 'x")) } UNION { ?s ?p ?o } #'
    assert run_query("top-datasets", rdf_files["nt"], {}, engine)[1]  # the data is there
    assert run_query("proposes-and-evaluates", rdf_files["nt"], {"dataset": hostile}, engine)[1] == []


def test_query_text_and_rq_file(rdf_files: dict[str, Path], tmp_path: Path) -> None:
    text = ("PREFIX kgo: <https://w3id.org/kg/ontology#> SELECT ?p $iri "
            "WHERE { ?p a kgo:Paper ; kgo:proposes ?m . FILTER(STR(?m) = $iri) } ORDER BY ?p")
    catnet = "https://w3id.org/kg/id/method_catnet"
    for engine in ENGINES:
        assert run_query(text, rdf_files["nt"], {"iri": catnet}, engine) == (
            ["p", "iri"], [("https://w3id.org/kg/id/paper_fx-004", catnet)])
    query_file = tmp_path / "count.rq"
    query_file.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/kg/ontology#Result> }")
    for engine in ENGINES:
        assert run_query(str(query_file), rdf_files["nt"], {}, engine) == (["n"], [(6,)])
        assert run_query("ASK { ?s a <https://w3id.org/kg/ontology#Task> }", rdf_files["ttl"], {}, engine) == (
            ["ask"], [(True,)])


DATASETS = "SELECT ?x WHERE { ?x a kgo:Dataset ; skos:prefLabel ?name } ORDER BY ?x"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("query", [
    DATASETS,
    DATASETS.replace("SELECT", "SELECT DISTINCT"),
    ("# SELECT ?name: a comment, as the { in \"{\" below\n"
     'select ?x where { ?x a kgo:Dataset ; skos:prefLabel $name FILTER(?name != "{") } ORDER BY ?x'),
])
def test_a_parameter_of_a_query_need_not_be_selected(rdf_files: dict[str, Path], engine: str, query: str) -> None:
    assert run_query(query, rdf_files["nt"], {"name": "CIFAR-10"}, engine) == (
        ["x"], [("https://w3id.org/kg/id/dataset_cifar10",)])
    assert run_query(query, rdf_files["nt"], {"name": "no such dataset"}, engine) == (["x"], [])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_parameter_of_a_query_that_groups_is_selected(rdf_files: dict[str, Path], engine: str) -> None:
    grouped = "SELECT ?name (COUNT(*) AS ?n) WHERE { ?x a kgo:Dataset ; skos:prefLabel ?name } GROUP BY ?name"
    assert run_query(grouped, rdf_files["nt"], {"name": "ImageNet"}, engine) == (["name", "n"], [("ImageNet", 1)])
    for query in ("SELECT (COUNT(*) AS ?n) WHERE { ?x skos:prefLabel ?name }",
                  "SELECT ?x WHERE { ?x a ?t ; skos:prefLabel ?name } GROUP BY ?x"):
        with pytest.raises(KgInputError, match=re.escape(
                "query (command line): --param name: a query that groups or aggregates takes only "
                "variables of its SELECT clause as parameters; add ?name to it and to GROUP BY")):
            run_query(query, rdf_files["nt"], {"name": "ImageNet"}, engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_syntax_errors_name_the_line_of_the_query_file(rdf_files: dict[str, Path], tmp_path: Path,
                                                       engine: str) -> None:
    query_file = tmp_path / "broken.rq"
    query_file.write_text("# kg puts PREFIX declarations for skos and kgo before this line\n"
                          "SELECT ?x WHERE { ?x skos:prefLabel ?name .\n"
                          "  BIND(1 AS) .\n"
                          "  ?x a kgo:Method .\n"
                          "}\n")
    result = cli(str(query_file), "--data", str(rdf_files["nt"]), "--engine", engine)
    assert result.exit_code == 2
    assert re.fullmatch(rf"kg: error: {re.escape(str(query_file))}:3: malformed SPARQL at column \d+: .+\n",
                        result.stderr)


def test_syntax_errors_count_columns_in_the_query_as_written(rdf_files: dict[str, Path]) -> None:
    query = "SELECT ?x WHERE { ?x skos:prefLabel ?name . BIND(1 AS) }"
    column = query.index("BIND") + 1
    for params in ({}, {"name": "CIFAR-10"}):  # with prefixes, and a parameter added to the SELECT clause
        with pytest.raises(KgInputError, match=re.escape(f"query (command line): malformed SPARQL at line 1, "
                                                         f"column {column}: Expected SelectQuery, found 'BIND'")):
            run_query(query, rdf_files["nt"], params, "rdflib")


@pytest.mark.parametrize(("query", "params", "message"), [
    ("leaderboard", {"dataset": "CIFAR-10"}, "needs --param metric="),
    ("leaderboard", {"dataset": "a", "metric": "b", "order": "sideways"}, "must be one of asc, desc"),
    ("top-datasets", {"dataset": "a"}, "has no parameter 'dataset'"),
    ("no-such-query", {}, "no bundled query 'no-such-query'"),
    ("SELECT ?x WHERE { ?x ?y }", {}, "query (command line): malformed SPARQL at "),
    ("SELECT ?x WHERE { ?x foo:bar ?y }", {}, "query (command line): malformed SPARQL"),
])
def test_bad_queries_are_input_errors(rdf_files: dict[str, Path], query: str, params: dict[str, str],
                                      message: str) -> None:
    for engine in ENGINES:
        with pytest.raises(KgInputError, match=re.escape(message)):
            run_query(query, rdf_files["nt"], params, engine)


def cli(*args: str):
    return CliRunner().invoke(main, ["query", *args])


def test_cli_table(rdf_files: dict[str, Path]) -> None:
    result = cli("leaderboard", "--data", str(rdf_files["nt"]), "--param", "dataset=cifar10",
                 "--param", "metric=accuracy")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["method", "value", "unit", "paper_id", "title"]
    assert lines[2].startswith("Vision Transformer    96.3  %     fx-003    Scaling ViT")
    assert lines[-1] == "(2 rows)"


def test_cli_csv_and_json(rdf_files: dict[str, Path]) -> None:
    as_csv = cli("top-hardware", "--data", str(rdf_files["ttl"]), "--format", "csv", "--engine", "rdflib")
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [
        ["hardware", "papers"], ["NVIDIA A100", "2"], ["RTX 4090", "1"], ["TPU v4", "1"]]
    as_json = cli("evidence", "--data", str(rdf_files["nt"]), "--format", "json",
                  "--param", "entity=top-1 error")
    assert json.loads(as_json.stdout) == [{
        "paper_id": "fx-003", "relation": "measures", "entity_name": "top-1 error",
        "sentence": "ViT reaches 96.3% accuracy on cifar-10 and a top-1 error of 12.5% on ImageNet, "
                    "while PCN baselines lag behind.",
        "start": 142, "end": 153, "rule": "result", "mentions": 1}]


def test_cli_lists_the_bundled_queries() -> None:
    listing = cli("--list")
    assert listing.exit_code == 0
    for name in bundled_queries():
        assert f"\n{name}\n" in f"\n{listing.stdout}"
    assert "--param order=... (asc|desc) [optional]" in listing.stdout
    assert "leaderboard dataset metric [order]" in cli("--help").stdout


def test_cli_errors_exit_2(rdf_files: dict[str, Path], tmp_path: Path) -> None:
    missing_param = cli("leaderboard", "--data", str(rdf_files["nt"]))
    assert missing_param.exit_code == 2 and "needs --param dataset=" in missing_param.stderr
    bad_param = cli("top-datasets", "--data", str(rdf_files["nt"]), "--param", "oops")
    assert bad_param.exit_code == 2 and "is not NAME=VALUE" in bad_param.stderr
    no_data = cli("top-datasets", "--data", str(tmp_path / "none.nt"))
    assert (no_data.exit_code, no_data.stderr) == (2, f"kg: error: {tmp_path / 'none.nt'}: no such RDF file\n")
    twice = cli("leaderboard", "--data", str(rdf_files["nt"]), "--param", "dataset=A", "--param", "dataset=B",
                "--param", "metric=accuracy")
    assert (twice.exit_code, twice.stderr) == (2, "kg: error: --param dataset is given twice\n")
    odd = tmp_path / "graph.csv"
    odd.write_text("a,b\n")
    assert "unknown RDF file extension" in cli("top-datasets", "--data", str(odd)).stderr
    bad_nt = tmp_path / "bad.nt"
    bad_nt.write_text("<a> <b> .\n")
    assert cli("top-datasets", "--data", str(bad_nt)).exit_code == 2


def test_engines_agree_on_the_bundled_build(bundled_build: Path) -> None:
    data = bundled_build / "graph.nt"
    top = run_query("top-datasets", data, {}, "oxigraph")[1]
    assert top and all(isinstance(papers, int) and papers >= 1 for _, papers in top)
    dataset = top[0][0]
    metric = run_query("top-metrics", data, {}, "oxigraph")[1][0][0]
    hardware = run_query("top-hardware", data, {}, "oxigraph")[1][0][0]
    method = run_query("""PREFIX kgo: <https://w3id.org/kg/ontology#>
        SELECT ?name WHERE { ?m a kgo:Method ; kgo:support ?n ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }
        ORDER BY DESC(?n) ?name LIMIT 1""", data, {}, "oxigraph")[1][0][0]
    params = {"top-datasets": {}, "top-hardware": {}, "top-metrics": {}, "proposes-and-evaluates": {"dataset": dataset},
              "leaderboard": {"dataset": dataset, "metric": metric}, "co-methods": {"method": method},
              "evidence": {"entity": dataset}}
    assert set(params) == set(bundled_queries())
    for name, values in params.items():
        rows = run_query(name, data, values, "oxigraph")
        assert rows == run_query(name, data, values, "rdflib"), name
        assert rows[1] or name == "leaderboard", name
        for other in ("no such name", hardware):  # a name of nothing; of another type but for evidence
            others = dict.fromkeys(values, other)
            rows = run_query(name, data, others, "oxigraph")
            assert rows == run_query(name, data, others, "rdflib"), (name, other)
            assert not rows[1] or not values or (name, other) == ("evidence", hardware), (name, other)


@pytest.mark.parametrize("engine", ENGINES)
def test_construct_orders_objects_of_different_kinds(rdf_files: dict[str, Path], engine: str) -> None:
    query = 'CONSTRUCT { <http://x/s> <http://x/p> ?o } WHERE { VALUES ?o { "a" 2.5 1 true } }'
    columns, rows = run_query(query, rdf_files["nt"], {}, engine)
    assert columns == ["subject", "predicate", "object"]
    assert [row[2] for row in rows] == [True, 1, 2.5, "a"]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_query_without_braces_is_a_query(rdf_files: dict[str, Path], engine: str) -> None:
    cifar = run_query("SELECT ?d WHERE { ?d skos:prefLabel 'CIFAR-10' }", rdf_files["nt"], {}, engine)[1][0][0]
    columns, rows = run_query(f"DESCRIBE <{cifar}>", rdf_files["nt"], {}, engine)
    assert rows and {row[0] for row in rows} == {cifar}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("clause", "refused"), [
    ("SELECT * WHERE {\n  SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }\n}\n", "SERVICE is refused"),
    ("SELECT *\nFROM <http://x/g>\nWHERE { ?s ?p ?o }\n", "FROM is refused"),
    ("SELECT *\nFROM NAMED <http://x/g>\nWHERE { ?s ?p ?o }\n", "FROM is refused"),
])
def test_nothing_but_the_data_file_is_queried(rdf_files: dict[str, Path], tmp_path: Path, engine: str,
                                              clause: str, refused: str) -> None:
    """A SERVICE clause would reach the network; FROM reads differently on the two engines."""
    query_file = tmp_path / "remote.rq"
    query_file.write_text(clause)
    result = cli(str(query_file), "--data", str(rdf_files["nt"]), "--engine", engine)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kg: error: {query_file}:2: {refused}")
    quoted = "SELECT ?s WHERE { ?s skos:prefLabel 'SERVICE FROM' }"  # the words inside a string are text
    assert run_query(quoted, rdf_files["nt"], {}, engine) == (["s"], [])


def test_a_syntax_error_oxigraph_places_at_the_end_names_its_line(rdf_files: dict[str, Path],
                                                                  tmp_path: Path) -> None:
    query_file = tmp_path / "broken.rq"
    query_file.write_text("SELECT ?m WHERE {\n  ?m a kgo:Method ;\n     skos:prefLabel ?name .\n"
                          "  ?m kgo:foo ?x ?y .\n}\n")
    result = cli(str(query_file), "--data", str(rdf_files["nt"]))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kg: error: {query_file}:4: malformed SPARQL at column 17:")


@pytest.mark.parametrize(("text", "line"), [
    ("@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n  ex:", 3),  # rdflib: "string index out of range"
    ('@prefix ex: <http://e/> .\nex:a ex:b "open ;\n', 2),
])
def test_rdflib_errors_in_turtle_name_the_line(tmp_path: Path, text: str, line: int) -> None:
    data = tmp_path / "bad.ttl"
    data.write_text(text)
    for result in (cli("top-datasets", "--data", str(data), "--engine", "rdflib"),
                   CliRunner().invoke(main, ["validate", str(data)])):
        assert result.exit_code == 2
        assert re.fullmatch(rf"kg: error: {re.escape(str(data))}:{line}: not valid turtle RDF \(Parser error .+\)\n",
                            result.stderr)


def test_an_ill_typed_literal_is_one_warning_line(rdf_files: dict[str, Path], tmp_path: Path) -> None:
    lines = rdf_files["nt"].read_text(encoding="utf-8").splitlines(keepends=True)
    typed = next(i for i, line in enumerate(lines) if line.rstrip().endswith('"^^<http://www.w3.org/2001/XMLSchema#integer> .'))
    lines[typed] = re.sub(r'"[^"]*"\^\^', '"abc"^^', lines[typed])
    data = tmp_path / "ill.nt"
    data.write_text("".join(lines), encoding="utf-8")
    for _ in range(2):  # the same warning is shown once per command
        result = cli("top-datasets", "--data", str(data), "--engine", "rdflib")
        assert result.exit_code == 0
        assert "Traceback" not in result.stderr
        warnings = result.stderr.splitlines()
        assert len(warnings) == 1 and warnings[0].startswith("kg: warning: rdflib: Failed to convert Literal")
        assert "'abc'" in warnings[0]


# --- leaderboard: which value is best ---------------------------------------------------

def _results_graph(tmp_path: Path, results: list[tuple[str, float, str]],
                   lexicon: dict[str, bool | None] | None = None) -> Path:
    """N-Triples of a graph in which paper i reports results[i] (metric, value, unit) on ImageNet,
    with a method of its own, "Method i". A metric in `lexicon` is the lexicon entry's, with the
    direction given there (`Entity.lower_is_better`); any other is a name of the papers' own."""
    from graph_corpus import entity, paper

    from kg.export.rdf import write_ntriples
    from kg.graph import build_graph
    from kg.model import Entity, Result

    directions = lexicon or {}

    def measured(metric: str) -> Entity:
        if metric in directions:
            return entity("Metric", metric, lexicon=metric, lower_is_better=directions[metric])
        return entity("Metric", metric)

    extractions = [paper(f"p{i:03d}", entity("Dataset", "ImageNet"), measured(metric),
                         entity("Method", f"Method {i:03d}"),
                         results=(Result(metric, value, unit, False, f"{value} {unit} {metric}", 0, 1,
                                         dataset="ImageNet", method=f"Method {i:03d}"),))
                   for i, (metric, value, unit) in enumerate(results)]
    data = tmp_path / "graph.nt"
    write_ntriples(build_graph(extractions), data)
    return data


@pytest.mark.parametrize("engine", ENGINES)
def test_leaderboard_ranks_by_the_direction_the_graph_gives_the_metric(tmp_path: Path, engine: str) -> None:
    """Lowest first where the metric is kgo:lowerIsBetter true, else highest first. The query
    ranked by a rule over the metric's name; "error rate" here has a direction its name
    contradicts, which the query follows now."""
    lexicon = {"FID": True, "top-1 accuracy": False, "attack success rate": None, "error rate": False}
    lowest_first = {**{name: bool(lower) for name, lower in lexicon.items()},
                    "machine footprint": True, "energy efficiency": False}  # not in the lexicon: by name
    data = _results_graph(tmp_path, [(name, value, "") for name in lowest_first for value in (1.0, 2.0, 1.5)],
                          lexicon)

    def values(metric: str, **order: str) -> list[float]:
        return [row[1] for row in run_query("leaderboard", data, {"dataset": "imagenet", "metric": metric, **order},
                                            engine)[1]]

    assert {name: values(name) for name in lowest_first} == {
        name: [1.0, 1.5, 2.0] if lowest else [2.0, 1.5, 1.0] for name, lowest in lowest_first.items()}
    assert values("FID", order="desc") == [2.0, 1.5, 1.0]
    assert values("energy efficiency", order="asc") == [1.0, 1.5, 2.0]


@pytest.mark.parametrize("engine", ENGINES)
def test_leaderboard_compares_values_in_different_units(tmp_path: Path, engine: str) -> None:
    """0.5 s ranked before 12 ms, and 1.2B parameters before 900K: the values were compared as
    numbers, whatever their unit."""
    data = _results_graph(tmp_path, [("latency", 0.5, "s"), ("latency", 12.0, "ms"), ("latency", 2.0, "h"),
                                     ("parameter count", 1.2, "B"), ("parameter count", 900.0, "K"),
                                     ("parameter count", 5.7, "M"), ("top-1 accuracy", 80.0, "%")])
    latency = run_query("leaderboard", data, {"dataset": "ImageNet", "metric": "latency"}, engine)[1]
    assert [(value, unit) for _, value, unit, _, _ in latency] == [(12.0, "ms"), (0.5, "s"), (2.0, "h")]
    slowest = run_query("leaderboard", data, {"dataset": "ImageNet", "metric": "latency", "order": "desc"}, engine)[1]
    assert [(value, unit) for _, value, unit, _, _ in slowest] == [(2.0, "h"), (0.5, "s"), (12.0, "ms")]
    size = run_query("leaderboard", data, {"dataset": "ImageNet", "metric": "parameter count"}, engine)[1]
    assert [(method, value, unit) for method, value, unit, _, _ in size] == [
        ("Method 004", 900.0, "K"), ("Method 005", 5.7, "M"), ("Method 003", 1.2, "B")]


def test_the_ontology_is_found_when_kg_is_imported_from_its_checkout() -> None:
    """A script run in a checkout (or `python -m kg` there) imports the checkout's kg/, where
    the package kg.ontology, which an install maps from ontology/, does not exist; the queries
    and shapes are then the checkout's ontology/. Run without site's .pth files, so that no
    editable install's finder supplies kg.ontology from wherever it was installed."""
    import subprocess
    import sys
    import sysconfig

    import kg

    root = Path(kg.__file__).resolve().parents[1]
    code = ("import sys; sys.path[:0] = sys.argv[1:]; from kg.query import bundled_queries, ontology_path; "
            "print(len(bundled_queries()), ontology_path('shapes.ttl'))")
    result = subprocess.run([sys.executable, "-S", "-c", code, str(root), sysconfig.get_paths()["purelib"]],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(len(bundled_queries())), str(root / "ontology" / "shapes.ttl")]
