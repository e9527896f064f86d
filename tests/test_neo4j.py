"""The neo4j/ folder: CSV files neo4j-admin accepts, import.sh, load.cypher, and graph.cypher
loaded into a real openCypher engine (FalkorDB)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from export_graphs import built_graph, reversed_copy, snapshot, tricky_graph
from falkordb_server import FalkorServer, falkordb_db, falkordb_server  # noqa: F401  (fixtures)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.export import neo4j
from kg.export.attributes import clean_attributes, clean_text
from kg.export.neo4j import ARRAY_DELIMITER, cypher_string, write_neo4j

GRAPHS = {"tricky": tricky_graph, "built": built_graph}
HEADER = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)?:(?P<type>ID|START_ID|END_ID|LABEL|TYPE|"
                    r"int|long|float|double|boolean|byte|short|char|string|date|datetime|"
                    r"(?:int|long|float|double|boolean|string)\[\])(?:\((?P<group>[A-Za-z0-9_]+)\))?\Z")
CONVERT = {"long": int, "int": int, "double": float, "float": float, "boolean": lambda v: v == "true",
           "string": str, "string[]": lambda v: v.split(ARRAY_DELIMITER)}


@pytest.fixture(params=sorted(GRAPHS))
def graph(request: pytest.FixtureRequest) -> nx.MultiDiGraph:
    return GRAPHS[request.param]()


@pytest.fixture
def folder(graph: nx.MultiDiGraph, tmp_path: Path) -> Path:
    write_neo4j(graph, tmp_path / "neo4j")
    return tmp_path / "neo4j"


def expected_nodes(graph: nx.MultiDiGraph) -> dict[str, dict[str, dict[str, Any]]]:
    """label -> id -> properties, as every Neo4j file should hold them."""
    by_label: dict[str, list[str]] = {}
    for node, kind in sorted(graph.nodes(data="kind")):
        by_label.setdefault(kind, []).append(node)
    result = {}
    for label, nodes in by_label.items():
        table = clean_attributes([graph.nodes[n] for n in nodes], join_lists=False, exclude=("kind",))
        result[label] = {n: {"id": n, **row} for n, row in zip(nodes, table.rows)}
    return result


def expected_relationships(graph: nx.MultiDiGraph) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    """type -> (start, end) -> properties."""
    by_type: dict[str, list[tuple[str, str, str]]] = {}
    for edge in sorted(graph.edges(keys=True)):
        by_type.setdefault(graph.edges[edge]["relation"], []).append(edge)
    result = {}
    for type_, edges in by_type.items():
        table = clean_attributes([graph.edges[e] for e in edges], join_lists=False, exclude=("relation",))
        result[type_] = {(s, t): row for (s, t, _), row in zip(edges, table.rows)}
    return result


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as source:
        header, *rows = list(csv.reader(source))
    return header, rows


def typed_row(header: list[str], row: list[str]) -> dict[str, Any]:
    """A CSV row as neo4j-admin reads it (an empty field is a missing value)."""
    values = {}
    for column, field in zip(header, row):
        name, type_ = column.split(":", 1)
        if field == "":
            continue
        if type_.startswith(("ID", "START_ID", "END_ID")):
            values[name or type_.split("(")[0]] = field
        elif type_ in ("LABEL", "TYPE"):
            values[type_] = field
        else:
            values[name] = CONVERT[type_](field)
    return values


def without_empty_strings(properties: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in properties.items() if v != ""}


# ------------------------------------------------------------------ CSV files for neo4j-admin

def test_csv_headers_follow_the_neo4j_admin_grammar(folder: Path) -> None:
    files = sorted(folder.glob("*.csv"))
    assert files
    for path in files:
        header, rows = read_csv(path)
        matches = [HEADER.match(column) for column in header]
        assert all(matches), (path.name, header)
        types = [m["type"] for m in matches]
        if path.name.startswith("nodes_"):
            assert header[:2] == ["id:ID(kg)", ":LABEL"]
            assert types.count("ID") == 1 and types.count("LABEL") == 1
        else:
            assert header[:3] == [":START_ID(kg)", ":END_ID(kg)", ":TYPE"]
        names = [m["name"] for m in matches if m["name"]]
        assert len(names) == len(set(names)), path.name
        assert all(len(row) == len(header) for row in rows), path.name


def test_csv_rows_hold_every_node_and_relationship(graph: nx.MultiDiGraph, folder: Path) -> None:
    ids: set[str] = set()
    for label, nodes in expected_nodes(graph).items():
        header, rows = read_csv(folder / f"nodes_{label}.csv")
        got = {}
        for row in rows:
            values = typed_row(header, row)
            assert values.pop("LABEL") == label
            got[values["id"]] = values
        assert got == {n: without_empty_strings(p) for n, p in nodes.items()}
        ids |= set(got)
    assert ids == set(graph.nodes)
    for type_, relationships in expected_relationships(graph).items():
        header, rows = read_csv(folder / f"relationships_{type_}.csv")
        got = {}
        for row in rows:
            values = typed_row(header, row)
            assert values.pop("TYPE") == type_
            assert values["START_ID"] in ids and values["END_ID"] in ids
            got[(values.pop("START_ID"), values.pop("END_ID"))] = values
        assert got == {ends: without_empty_strings(p) for ends, p in relationships.items()}
    relations = {relation for *_, relation in graph.edges(data="relation")}
    assert len(list(folder.glob("relationships_*.csv"))) == len(relations)


def test_csv_quotes_empty_text_and_leaves_missing_values_empty(tmp_path: Path) -> None:
    write_neo4j(tricky_graph(), tmp_path)

    def field(filename: str, row_id: str, column: str) -> str:
        header, *lines = (tmp_path / filename).read_text(encoding="utf-8").splitlines()
        row = next(line for line in lines if line.startswith(f'"{row_id}",'))
        return row.split(",")[header.split(",").index(column)]  # these rows hold no comma in text

    assert field("nodes_Result.csv", "result_2401.00001_1", "unit:string") == '""'  # "" is a value
    assert field("nodes_Paper.csv", "paper_2401.00002", "year:long") == ""  # no year: no property


def test_array_delimiter_never_occurs_inside_a_value(folder: Path) -> None:
    for path in folder.glob("*.csv"):
        header, rows = read_csv(path)
        for row in rows:
            for column, field in zip(header, row):
                assert (ARRAY_DELIMITER in field) <= column.endswith("[]"), (path.name, column)


def test_import_script_passes_every_file_to_neo4j_admin(folder: Path, tmp_path: Path) -> None:
    fake = tmp_path / "neo4j-admin"
    record = tmp_path / "args.txt"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$PWD" "$@" > "{record}"\n')
    fake.chmod(0o755)
    env = {**os.environ, "NEO4J_ADMIN": str(fake)}
    subprocess.run(["sh", str(folder / "import.sh"), "papers", "--overwrite-destination=true"],
                   check=True, env=env, cwd=tmp_path)
    cwd, *args = record.read_text(encoding="utf-8").splitlines()
    assert Path(cwd) == folder
    assert args[:4] == ["database", "import", "full", "papers"]  # the name before the file lists
    assert "--overwrite-destination=true" in args
    assert {"--id-type=string", "--array-delimiter=U+001F", "--multiline-fields=true"} <= set(args)
    nodes = {a.removeprefix("--nodes=") for a in args if a.startswith("--nodes=")}
    rels = {a.removeprefix("--relationships=") for a in args if a.startswith("--relationships=")}
    assert nodes == {f"{p.stem.removeprefix('nodes_')}={p.name}" for p in folder.glob("nodes_*.csv")}
    assert rels == {f"{p.stem.removeprefix('relationships_')}={p.name}"
                    for p in folder.glob("relationships_*.csv")}
    subprocess.run(["sh", str(folder / "import.sh")], check=True, env=env, cwd=tmp_path)
    assert record.read_text(encoding="utf-8").splitlines()[4] == "neo4j"


# ------------------------------------------------------------------ load.cypher

def test_load_cypher_creates_constraints_then_reads_every_column(folder: Path) -> None:
    text = (folder / "load.cypher").read_text(encoding="utf-8")
    statements = [s for s in text.split(";\n") if s.strip()]
    labels = [p.stem.removeprefix("nodes_") for p in sorted(folder.glob("nodes_*.csv"))]
    constraints = [s for s in statements if s.startswith("CREATE CONSTRAINT")]
    assert statements[:len(constraints)] == constraints
    assert sorted(re.search(r"\(n:(\w+)\)", s)[1] for s in constraints) == labels
    assert all("REQUIRE n.id IS UNIQUE" in s and "IF NOT EXISTS" in s for s in constraints)
    loads = statements[len(constraints):]
    assert all(s.startswith("LOAD CSV WITH HEADERS FROM 'file:///") and
               s.endswith("} IN TRANSACTIONS OF 1000 ROWS") for s in loads)
    for path in folder.glob("*.csv"):
        header, _ = read_csv(path)
        reading = [s for s in loads if f"'file:///{path.name}'" in s]
        assert reading, path.name
        for statement in reading:
            for column in header:
                if not column.startswith(":") or column.startswith((":START_ID", ":END_ID")):
                    assert f"row.`{column}`" in statement, (path.name, column)
    methods = next(s for s in loads if "nodes_Method.csv" in s)
    assert "n.`support` = toInteger(row.`support:long`)" in methods
    assert "n.`lexicon` = toBoolean(row.`lexicon:boolean`)" in methods
    assert "n.`aliases` = split(row.`aliases:string[]`, '\\u001F')" in methods
    metrics = next(s for s in loads if "nodes_Metric.csv" in s)
    assert "n.`lower_is_better` = toBoolean(row.`lower_is_better:boolean`)" in metrics


def falkordb_dialect(statement: str) -> str:
    """A load.cypher statement as FalkorDB runs it: without Neo4j's batching subquery (FalkorDB
    has no IN TRANSACTIONS and MERGEs only the first row inside CALL {}) and with the array
    delimiter as a raw character (FalkorDB has no \\u escapes)."""
    body = statement.replace("CALL {\n  WITH row\n", "").replace("\n} IN TRANSACTIONS OF 1000 ROWS", "")
    return body.replace("'\\u001F'", f"'{ARRAY_DELIMITER}'")


def as_falkordb_loads(properties: dict[str, Any]) -> dict[str, Any]:
    """Properties as FalkorDB's LOAD CSV gives them: a quoted empty field is null (Neo4j reads
    ""), and toFloat parses text in single precision (Neo4j in double)."""
    return {k: pytest.approx(v, rel=1e-6) if isinstance(v, float) else v
            for k, v in without_empty_strings(properties).items()}


@pytest.mark.falkordb
def test_load_cypher_reads_the_csv_files_back_into_the_graph(
        graph: nx.MultiDiGraph, folder: Path, falkordb_server: FalkorServer,
        request: pytest.FixtureRequest) -> None:
    for old in falkordb_server.import_dir.iterdir():
        old.unlink()
    for path in folder.glob("*.csv"):
        (falkordb_server.import_dir / path.name).write_bytes(path.read_bytes())
    db_graph = falkordb_server.db.select_graph(f"kg_load_{request.node.callspec.id}")
    text = (folder / "load.cypher").read_text(encoding="utf-8")
    try:
        for statement in text.split(";\n"):
            if statement.strip() and not statement.startswith("CREATE CONSTRAINT"):
                db_graph.query(falkordb_dialect(statement))
        assert loaded_nodes(db_graph) == {label: {n: as_falkordb_loads(p) for n, p in nodes.items()}
                                          for label, nodes in expected_nodes(graph).items()}
        assert loaded_relationships(db_graph) == {
            type_: {ends: as_falkordb_loads(p) for ends, p in rels.items()}
            for type_, rels in expected_relationships(graph).items()}
    finally:
        db_graph.delete()


def test_constraints_file_matches_load_cypher(folder: Path) -> None:
    constraints = (folder / "constraints.cypher").read_text(encoding="utf-8")
    assert (folder / "load.cypher").read_text(encoding="utf-8").startswith(constraints)


# ------------------------------------------------------------------ graph.cypher in FalkorDB

def statements(folder: Path) -> list[str]:
    text = (folder / "graph.cypher").read_text(encoding="utf-8")
    assert text.endswith(";\n")
    return [s for s in text.split(";\n") if s.strip()]


def load(db: Any, name: str, folder: Path, indexed: bool = False) -> Any:
    """Run graph.cypher in a new FalkorDB graph, after the README's indexes if `indexed`."""
    graph = db.select_graph(name)
    if indexed:
        for path in sorted(folder.glob("nodes_*.csv")):
            graph.query(f"CREATE INDEX FOR (n:{path.stem.removeprefix('nodes_')}) ON (n.id)")
    for statement in statements(folder):
        graph.query(statement)
    return graph


def loaded_nodes(db_graph: Any) -> dict[str, dict[str, dict[str, Any]]]:
    got: dict[str, dict[str, dict[str, Any]]] = {}
    for labels, properties in db_graph.query("MATCH (n) RETURN labels(n), properties(n)").result_set:
        assert len(labels) == 1
        got.setdefault(labels[0], {})[properties["id"]] = properties
    return got


def loaded_relationships(db_graph: Any) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    got: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    query = "MATCH (a)-[r]->(b) RETURN type(r), a.id, b.id, properties(r)"
    for type_, start, end, properties in db_graph.query(query).result_set:
        assert (start, end) not in got.get(type_, {})
        got.setdefault(type_, {})[(start, end)] = properties
    return got


@pytest.mark.falkordb
def test_graph_cypher_loads_into_falkordb(graph: nx.MultiDiGraph, folder: Path, falkordb_db: Any,
                                          request: pytest.FixtureRequest) -> None:
    db_graph = load(falkordb_db, f"kg_{request.node.callspec.id}", folder)
    try:
        assert loaded_nodes(db_graph) == expected_nodes(graph)
        assert loaded_relationships(db_graph) == expected_relationships(graph)
        counts = dict(db_graph.query("MATCH (n) RETURN labels(n)[0], count(n)").result_set)
        assert counts == dict(Counter(kind for _, kind in graph.nodes(data="kind")))
    finally:
        db_graph.delete()


@pytest.mark.falkordb
def test_awkward_names_round_trip_through_falkordb(tmp_path: Path, falkordb_db: Any) -> None:
    write_neo4j(tricky_graph(), tmp_path)
    db_graph = load(falkordb_db, "kg_awkward", tmp_path)
    try:
        def name(node_id: str) -> Any:
            return db_graph.query("MATCH (n {id: $id}) RETURN n.name", {"id": node_id}).result_set[0][0]

        assert name("method_1") == "O'Brien \"Net\""
        assert name("method_2") == "back\\slash; semi|pipe"
        assert name("method_3") == "多头注意力"
        assert name("dataset_1") == "line\nbreak\tand tab"
        assert name("dataset_2") == "שלום dataset 🚀"
        assert name("task_1") == "ctrlchar"
        paper = db_graph.query("MATCH (p:Paper {id: 'paper_2401.00001'}) RETURN p").result_set[0][0]
        paper = paper.properties
        assert paper["authors"] == ["Ada O'Neil", "李雷", "Bob | Builder"]
        assert paper["title"] == "Attention \"is\" all; you need\\really\n2nd line"
        assert paper["year"] == 2024
        aliases = db_graph.query("MATCH (m:Method {id: 'method_2'}) RETURN m.aliases").result_set[0][0]
        assert aliases == ["back\\slash; semi|pipe (alias)", "x;y|z"]
        result = db_graph.query("MATCH (r:Result {id: 'result_2401.00001_1'}) "
                                "RETURN r.value, r.unit, r.relative")
        assert result.result_set == [[3.0, "", True]]
    finally:
        db_graph.delete()


@pytest.mark.falkordb
def test_loading_twice_changes_nothing_and_batches_split(tmp_path: Path, falkordb_db: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neo4j, "CYPHER_BATCH_ROWS", 2)
    graph = tricky_graph()
    write_neo4j(graph, tmp_path)
    assert len(statements(tmp_path)) > len({k for _, k in graph.nodes(data="kind")}) + 10
    db_graph = load(falkordb_db, "kg_twice", tmp_path)
    try:
        load(falkordb_db, "kg_twice", tmp_path)
        assert loaded_nodes(db_graph) == expected_nodes(graph)
        assert loaded_relationships(db_graph) == expected_relationships(graph)
    finally:
        db_graph.delete()


@pytest.mark.falkordb
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_cypher_strings_parse_back_to_the_cleaned_text(falkordb_db: Any, text: str) -> None:
    cleaned = clean_text(text)
    result = falkordb_db.select_graph("kg_strings").query(f"RETURN {cypher_string(cleaned)}")
    assert result.result_set == [[cleaned]]


def test_cypher_strings_use_backslash_escapes() -> None:
    assert cypher_string("it's") == "'it\\'s'"
    assert cypher_string('a "b" \\ c') == "'a \\\"b\\\" \\\\ c'"
    assert cypher_string("l1\nl2\r\tx\x01\x7f") == "'l1\\nl2\\r\\tx\\u0001\x7f'"
    assert cypher_string("中文 😀 ;") == "'中文 😀 ;'"


def test_only_statement_ends_end_a_line_with_a_semicolon(folder: Path) -> None:
    lines = (folder / "graph.cypher").read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines):
        if line.endswith(";"):
            assert line.startswith("] AS row "), number
        elif line:
            assert line in ("UNWIND [",) or line.startswith("{"), number


# ------------------------------------------------------------------ the folder

def test_readme_says_which_file_to_use(folder: Path) -> None:
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for needle in ("import.sh", "load.cypher", "graph.cypher", "constraints.cypher", "cypher-shell",
                   "neo4j-admin database import full", "FalkorDB", "--array-delimiter=U+001F"):
        assert needle in readme, needle
    for path in folder.glob("*.csv"):
        assert f"`{path.name}`" in readme


def test_output_is_deterministic_and_graph_untouched(tmp_path: Path) -> None:
    graph = tricky_graph()
    before = snapshot(graph)
    write_neo4j(graph, tmp_path / "one")
    write_neo4j(reversed_copy(graph), tmp_path / "two")
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    assert one == {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()}
    assert snapshot(graph) == before


def test_a_kind_that_is_no_label_is_refused(tmp_path: Path) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("x", kind="Not a label")
    with pytest.raises(ValueError, match="Not a label"):
        write_neo4j(graph, tmp_path / "neo4j")


@pytest.mark.falkordb
def test_bundled_build_loads_into_falkordb(bundled_build: Path, falkordb_db: Any) -> None:
    from kg.export.nodelink import read_nodelink

    graph = read_nodelink(bundled_build / "graph.json")
    db_graph = load(falkordb_db, "kg_bundled", bundled_build / "neo4j", indexed=True)
    try:
        assert loaded_nodes(db_graph) == expected_nodes(graph)
        assert loaded_relationships(db_graph) == expected_relationships(graph)
    finally:
        db_graph.delete()
