"""`--engine spark` gives the single-machine graph: same triples, stats, Neo4j rows, extractions.

Runs Spark in local mode (local[2], loopback only, no UI) in one session for the module.
Skipped when pyspark or a Java runtime is missing, except under CI (env CI set), where
that is a failure: CI installs both.
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.corpus import read_papers
from kg.errors import KgInputError
from kg.model import Paper
from kg.workflow import build, extract_papers

pytestmark = pytest.mark.spark

CORE_STATS = ("papers", "results", "entities", "edges", "resolution")
SESSION_CONF = {
    "spark.master": "local[2]",
    "spark.app.name": "kg-tests",
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "2",
    "spark.sql.adaptive.enabled": "false",
    "spark.kg.partitions": "3",
}


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and (Path(java_home) / "bin" / "java").exists()):
        return "no Java runtime (java not on PATH and JAVA_HOME unset)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Spark tests: {missing}")
        pytest.skip(missing)
    from kg.spark.session import spark_session

    session = spark_session(SESSION_CONF)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _write_jsonl(path: Path, papers: list[Paper]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(json.dumps({"id": paper.id, "title": paper.title, "abstract": paper.abstract,
                                   "year": paper.year}, ensure_ascii=False) + "\n" for paper in papers)


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["id", "title", "abstract"])
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 abstracts in three files, two formats: the 188 bundled papers (JSON Lines, split in
    two files) and 112 papers whose abstract runs on into the next paper's (CSV), so that
    acronyms, long forms and results meet in new combinations. The CSV repeats one JSON
    Lines id with another title (the first read must win) and has a record with neither
    title nor abstract."""
    papers = list(read_papers([]))
    folder = tmp_path_factory.mktemp("corpus")
    _write_jsonl(folder / "listing-1.jsonl", papers[:100])
    _write_jsonl(folder / "listing-2.jsonl", papers[100:])
    merged = [{"id": f"merged-{n:03d}", "title": a.title, "abstract": f"{a.abstract} {b.abstract}"}
              for n, (a, b) in enumerate(itertools.pairwise(papers[:113]))]
    duplicate = {"id": papers[5].id, "title": "A different title under a taken id", "abstract": "Nothing."}
    _write_csv(folder / "merged.csv", [*merged, duplicate, {"id": "empty", "title": "", "abstract": ""}])
    return folder


def _sources(corpus: Path) -> list[str]:
    return [str(corpus / "listing-*.jsonl"), str(corpus / "merged.csv")]


def _local_sources(corpus: Path) -> list[Path]:
    return [corpus / "listing-1.jsonl", corpus / "listing-2.jsonl", corpus / "merged.csv"]


@pytest.fixture(scope="module")
def builds(spark, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """(single-machine output, Spark output, the Spark engine's warnings)."""
    from kg.spark import build as spark_build

    out = tmp_path_factory.mktemp("builds")
    build(_local_sources(corpus), out / "local")
    warnings: list[str] = []
    spark_build(_sources(corpus), str(out / "spark"), spark=spark, warn=warnings.append)
    return out / "local", out / "spark", warnings


def _part_lines(directory: Path) -> list[str]:
    return [line for part in sorted(directory.glob("part-*"))
            for line in part.read_text(encoding="utf-8").splitlines()]


def _csv_rows(*paths: Path) -> list[tuple[str, ...]]:
    rows = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as stream:
            rows += [tuple(row) for row in csv.reader(stream)]
    return rows


def test_ntriples_parts_hold_the_single_machine_graph(builds) -> None:
    local, spark_out, _ = builds
    expected = (local / "graph.nt").read_text(encoding="utf-8").splitlines()
    parts = _part_lines(spark_out / "graph.nt")
    assert len(parts) == len(set(parts)), "no triple is written twice"
    assert set(parts) == set(expected)
    assert len(list((spark_out / "graph.nt").glob("part-*"))) == 3


def test_stats_are_counted_the_same(builds) -> None:
    local, spark_out, _ = builds
    expected = json.loads((local / "stats.json").read_text(encoding="utf-8"))
    found = json.loads((spark_out / "stats.json").read_text(encoding="utf-8"))
    assert {key: found[key] for key in CORE_STATS} == {key: expected[key] for key in CORE_STATS}
    assert found["papers"] == 300
    assert set(found["files"]) == {"extractions", "graph.nt", "neo4j"}


def test_neo4j_parts_have_the_single_machine_rows(builds) -> None:
    local, spark_out, _ = builds
    single = sorted(path.stem for path in (local / "neo4j").glob("*.csv"))
    assert sorted(path.name for path in (spark_out / "neo4j").iterdir() if path.is_dir()) == single
    for name in single:
        header, *rows = _csv_rows(local / "neo4j" / f"{name}.csv")
        directory = spark_out / "neo4j" / name
        assert _csv_rows(directory / "header.csv") == [header], name
        parts = _csv_rows(*sorted(directory.glob("part-*")))
        assert len(parts) == len(rows) and set(parts) == set(rows), name
    script = (spark_out / "neo4j" / "import.sh").read_text(encoding="utf-8")
    assert "--nodes=Paper=nodes_Paper/header.csv,nodes_Paper/part-[0-9]+" in script
    assert "--relationships=usesMethod=relationships_usesMethod/header.csv," in script


def test_first_read_wins_and_skips_are_reported(builds, corpus: Path) -> None:
    expected: list[str] = []
    list(read_papers(_local_sources(corpus), warn=expected.append))
    assert [warning.replace("file:", "") for warning in builds[2]] == expected
    taken = list(read_papers([]))[5].id
    assert expected[0] == f"1 duplicate id skipped (first kept): {taken}"
    assert expected[1].startswith("1 record with neither title nor abstract skipped: ")


def test_extractions_are_the_kg_extract_lines(spark, builds, corpus: Path, tmp_path: Path) -> None:
    from kg.spark import extract as spark_extract

    expected = {json.dumps(e.to_dict(), ensure_ascii=False)
                for e in extract_papers(read_papers(_local_sources(corpus)))}
    assert set(_part_lines(builds[1] / "extractions")) == expected
    assert spark_extract(_sources(corpus), str(tmp_path / "parts"), spark=spark) == 300
    lines = _part_lines(tmp_path / "parts")
    assert len(lines) == 300 and set(lines) == expected


def test_cli_engine_spark_replaces_outputs_and_reports_bad_input(spark, tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    papers = list(read_papers([]))[:3]
    _write_jsonl(good, papers)
    out = tmp_path / "parts"
    for _ in range(2):  # the second run replaces the first run's directory
        result = CliRunner().invoke(main, ["extract", "--engine", "spark", str(good), "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
    assert sorted(json.loads(line)["id"] for line in _part_lines(out)) == sorted(p.id for p in papers)
    assert not list(tmp_path.glob(".parts.kg-*"))

    bad = tmp_path / "bad.jsonl"
    bad.write_text(good.read_text(encoding="utf-8") + '{"title": "x", "abstract": \n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--engine", "spark", str(bad), "-o", str(tmp_path / "graph")])
    assert result.exit_code == 2
    assert "bad.jsonl:4: malformed JSON" in result.output
    assert not (tmp_path / "graph").exists()


def test_missing_input_is_an_input_error(spark, tmp_path: Path) -> None:
    from kg.spark import build as spark_build

    with pytest.raises(KgInputError, match="no such file"):
        spark_build([str(tmp_path / "absent-*.jsonl")], str(tmp_path / "out"), spark=spark)


def test_bad_input_is_one_error_line_without_spark_traces(spark, tmp_path: Path) -> None:
    """Run as a user runs it, Spark started by kg itself: a bad file's error is kg's one line,
    not preceded by Spark's logs of the failed task (its Python and Java traces)."""
    bad = tmp_path / "bad.csv"
    bad.write_text('title,abstract\nA,"never closed\nB,b\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kg", "extract", "--engine", "spark", str(bad),
                             "-o", str(tmp_path / "parts")], capture_output=True, text=True,
                            env={**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"}, timeout=300)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == f"kg: error: file:{bad}:2: malformed CSV (a quoted field opened in this row is never closed)"
    assert not [line for line in lines if "Traceback" in line or " WARN " in line or " ERROR " in line]
    assert not (tmp_path / "parts").exists()


def test_an_output_directory_is_replaced_only_when_it_holds_an_earlier_output(spark, tmp_path: Path) -> None:
    """Replacing the output directory deletes it whole: a directory holding anything else (the
    input, the user's notes) is refused, with nothing deleted; an earlier output is replaced."""
    from kg.spark import build as spark_build
    from kg.spark import extract as spark_extract

    corpus = tmp_path / "papers.jsonl"
    _write_jsonl(corpus, list(read_papers([]))[:3])
    out = tmp_path / "out"
    for _ in range(2):
        spark_build([str(corpus)], str(out), spark=spark)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "extractions", "graph.nt", "neo4j", "stats.json"]
    (out / "notes.txt").write_text("mine")
    with pytest.raises(KgInputError, match=r"is a directory that is not an earlier kg output \(it holds 'notes.txt'\)"):
        spark_build([str(corpus)], str(out), spark=spark)
    with pytest.raises(KgInputError, match="not an earlier kg output"):
        spark_extract([str(corpus)], str(tmp_path), spark=spark)
    assert (out / "notes.txt").read_text() == "mine" and corpus.exists()
