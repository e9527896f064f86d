"""Bad input through the command line: one line on stderr, exit code 2, nothing written.

Every case runs through `kg extract` and `kg build`; the input is read before any
extraction, so these tests do not depend on the later stages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import main
from kg.model import PaperExtraction


def _write(name: str, content: str | bytes) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
        return [name]
    return make


def _good_then_missing(folder: Path) -> list[str]:
    (folder / "good.jsonl").write_text('{"title": "T", "abstract": "A"}\n', encoding="utf-8")
    return ["good.jsonl", "missing.csv"]


def _fifo(folder: Path) -> list[str]:
    """A named pipe, as `<(zcat papers.jsonl.gz)` gives (nobody writes it: it is refused unopened)."""
    os.mkfifo(folder / "papers")
    return ["papers"]


LONG = "a" * 1_000_001
BAD_INPUTS = {
    "missing file": (lambda folder: ["missing.jsonl"], "missing.jsonl: no such file"),
    "missing second file": (_good_then_missing, "missing.csv: no such file"),
    "not UTF-8": (_write("bad.jsonl", b'{"title": "T", "abstract": "A"}\n{"title": "\xff"}\n'),
                  "bad.jsonl:2: not UTF-8 at byte 12 of the line (0xff; byte 44 of the file)"),
    "malformed JSON": (_write("bad.jsonl", '{"title": "T", "abstract": "A"}\n{"title": "T" "abstract": "A"}\n'),
                       "bad.jsonl:2: malformed JSON (Expecting ',' delimiter at column 15)"),
    "JSON not an object": (_write("bad.jsonl", '["T", "A"]\n'),
                           "bad.jsonl:1: expected a JSON object, got an array; "
                           "JSON Lines needs one whole object per line"),
    "JSON without title": (_write("bad.jsonl", '\n{"abstract": "A", "year": 2020}\n'),
                           "bad.jsonl:2: missing 'title' (keys: abstract, year)"),
    "JSON without either": (_write("bad.ndjson", '{"name": "x"}\n'),
                            "bad.ndjson:1: missing 'title' and 'abstract' (keys: name)"),
    "CSV without columns": (_write("bad.csv", "Name, Text\nx,y\n"),
                            "bad.csv:1: no 'title' and 'abstract' columns in the header (found: Name, Text)"),
    "JSON Python cannot read": (_write("big.jsonl", '{"id": ' + "9" * 5000 + ', "title": "T", "abstract": "A"}\n'),
                                "big.jsonl:1: unreadable JSON (Exceeds the limit (4300 digits) for integer "
                                "string conversion: value has 5000 digits)"),
    "CSV header cell over csv's limit": (_write("wide.csv", "x" * 140_000 + "\n"),
                                         "wide.csv:1: no 'title' and 'abstract' columns in the header "
                                         f"(found: {'x' * 120}...)"),
    "pipe without a format": (_fifo, "papers: is a pipe or a device, which can be read only once: name its "
                                     "format (--format jsonl, csv, tsv, arxiv or listing)"),
    "empty corpus": (_write("empty.jsonl", ""), "no papers found in empty.jsonl"),
    "abstract over limit": (_write("big.jsonl", json.dumps({"title": "T", "abstract": LONG}) + "\n"),
                            "big.jsonl:1: abstract too long: 1,000,001 characters (limit 1,000,000)"),
    "listing title without abstract": (_write("bad.txt", "First Title\nFirst abstract.\nOrphan Title\n"),
                                       "bad.txt:3: title has no abstract (it is the last line; "
                                       "a listing alternates title and abstract lines)"),
    "malformed XML": (_write("bad.xml", '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n</feed>\n'),
                      "bad.xml:3: malformed XML (mismatched tag at column 3)"),
    "XML not UTF-8": (_write("bad.atom", b'<feed xmlns="http://www.w3.org/2005/Atom">\n<title>\xe9</title>\n'),
                      "bad.atom:2: not UTF-8 at byte 8 of the line (0xe9; byte 51 of the file)"),
}
COMMANDS = {
    "extract": lambda inputs: ["extract", *inputs, "-o", "out.jsonl"],
    "build": lambda inputs: ["build", *inputs, "-o", "outdir", "-q"],
    "extract into new folders": lambda inputs: ["extract", *inputs, "-o", "new/deeper/out.jsonl"],
    "build into new folders": lambda inputs: ["build", *inputs, "-o", "new/deeper/outdir", "-q"],
}


def run(args: list[str]) -> Result:
    return CliRunner().invoke(main, args)


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` (hidden ones too) with its bytes (None for directories)."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         case: str, command: str) -> None:
    monkeypatch.chdir(tmp_path)
    make_inputs, message = BAD_INPUTS[case]
    inputs = make_inputs(tmp_path)
    before = tree(tmp_path)
    result = run(COMMANDS[command](inputs))
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"kg: error: {message}"]
    assert result.stdout == ""
    assert tree(tmp_path) == before  # no out.jsonl, no outdir, no new/, no hidden .out*.kg-* staging sibling


@pytest.mark.parametrize("case", ["malformed JSON", "empty corpus", "missing file"])
def test_failed_build_leaves_the_previous_outputs_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            case: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outdir" / "neo4j").mkdir(parents=True)
    (tmp_path / "outdir" / "graph.json").write_text('{"previous": true}\n')
    (tmp_path / "outdir" / "neo4j" / "nodes_Paper.csv").write_text("id\nold\n")
    (tmp_path / "out.jsonl").write_text('{"id": "old"}\n')
    make_inputs, _ = BAD_INPUTS[case]
    inputs = make_inputs(tmp_path)
    before = tree(tmp_path)
    for command in COMMANDS.values():
        assert run(command(inputs)).exit_code == 2
    assert tree(tmp_path) == before


@pytest.mark.parametrize("output", ["outdir", ".", ""], ids=["other files", "current directory", "empty"])
def test_build_refuses_to_replace_a_directory_it_did_not_make(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              output: str) -> None:
    """A build replaces its output directory as a whole: one holding anything else (here the
    input itself) or the current directory is refused before any work, and left as it was."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outdir").mkdir()
    (tmp_path / "outdir" / "papers.jsonl").write_text('{"title": "T", "abstract": "A"}\n', encoding="utf-8")
    (tmp_path / "outdir" / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = tree(tmp_path)
    result = run(["build", "outdir/papers.jsonl", "-o", output, "-q"])
    assert result.exit_code == 2, result.output
    if output == "outdir":
        assert result.stderr.splitlines() == [
            f"kg: error: {tmp_path / 'outdir'}: is a directory that is not an earlier kg build "
            "(it holds 'notes.txt' and 1 more); not replacing it (choose a new -o)"]
    else:
        assert result.stderr.splitlines() == [
            f"kg: error: {tmp_path}: holds the current directory, and a build replaces its output "
            "directory as a whole; not replacing it (choose a new -o)"]
    assert tree(tmp_path) == before


def test_build_replaces_what_kg_wrote_beside_its_outputs_but_not_files_in_its_neo4j_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page `kg view` writes by default and the caches `kg query` makes beside graph.ttl are
    kg's and go with a rebuild; a file of the user's inside neo4j/ is not, and stops it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "papers.jsonl").write_text('{"title": "T", "abstract": "We train ResNet-50."}\n', encoding="utf-8")
    assert run(["build", "papers.jsonl", "-o", "outdir", "-q"]).exit_code == 0
    assert run(["view", "--graph", "outdir/graph.json"]).exit_code == 0
    assert run(["query", "top-datasets", "--data", "outdir/graph.ttl"]).exit_code == 0
    assert {"view.html", ".graph.ttl.oxigraph"} <= {p.name for p in (tmp_path / "outdir").iterdir()}
    assert run(["build", "papers.jsonl", "-o", "outdir", "-q"]).exit_code == 0
    (tmp_path / "outdir" / "neo4j" / "my-queries.cypher").write_text("MATCH (n) RETURN n;\n", encoding="utf-8")
    before = tree(tmp_path)
    result = run(["build", "papers.jsonl", "-o", "outdir", "-q"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"kg: error: {tmp_path / 'outdir'}: is a directory that is not an earlier kg build "
        "(it holds 'neo4j/my-queries.cypher'); not replacing it (choose a new -o)"]
    assert tree(tmp_path) == before


def test_an_output_the_system_refuses_is_named_as_given(tmp_path: Path) -> None:
    """Not as the hidden file kg stages it in (/proc takes no new files)."""
    (tmp_path / "papers.jsonl").write_text('{"title": "T", "abstract": "A"}\n', encoding="utf-8")
    if not Path("/proc/self").is_dir():
        pytest.skip("needs Linux's /proc")
    for args, target in ((["extract", "-o", "/proc/kg-out.jsonl"], "/proc/kg-out.jsonl"),
                         (["build", "-q", "-o", "/proc/kg-out"], "/proc/kg-out")):
        result = run([*args, str(tmp_path / "papers.jsonl")])
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [f"kg: error: {target}: No such file or directory"]


def test_a_directory_given_for_a_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "afile").write_text("x\n", encoding="utf-8")
    for args, message in ((["build", "folder", "-o", "out"], "Invalid value for '[INPUTS]...': File 'folder' is a directory."),
                          (["build", "-o", "afile"], "Invalid value for '-o' / '--output': Directory 'afile' is a file."),
                          (["eval", "folder", "afile"], "Invalid value for 'GOLD': File 'folder' is a directory."),
                          (["extract", "afile", "-o", ""], "the output file's name is empty (-o)")):
        result = run(args)
        assert (result.exit_code, result.stderr.splitlines()) == (2, [f"kg: error: {message}"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "folder"]


def test_a_missing_spacy_model_is_one_line_with_jobs_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused before any worker starts (each would fail to load it, with a traceback)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "papers.jsonl").write_text('{"title": "T", "abstract": "A"}\n', encoding="utf-8")
    for command in (["build", "-o", "out", "-q"], ["extract", "-o", "out.jsonl"]):
        result = run([*command, "papers.jsonl", "--jobs", "2", "--spacy-model", "no_such_pipeline_xyz"])
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == [
            "kg: error: spaCy pipeline 'no_such_pipeline_xyz' is not installed (install it, e.g. "
            "`python -m spacy download no_such_pipeline_xyz`, or leave out --spacy-model)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["papers.jsonl"]


@pytest.fixture
def no_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    """`kg extract` without the extractor: each paper with nothing found, to test reading alone."""
    monkeypatch.setattr("kg.workflow.extract_papers",
                        lambda papers, spacy_model=None, progress=None, jobs=1: [PaperExtraction(p) for p in papers])


def test_duplicate_ids_warn_once_with_the_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                no_extraction: None) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.jsonl").write_text('{"id": "p1", "title": "One", "abstract": "A"}\n'
                                      '{"id": "p2", "title": "Two", "abstract": "B"}\n'
                                      '{"id": "p1", "title": "One again", "abstract": "C"}\n')
    (tmp_path / "b.csv").write_text("id,title,abstract\np2,Two again,D\np3,Three,E\n")
    result = run(["extract", "a.jsonl", "b.csv", "-o", "out.jsonl", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["kg: warning: 2 duplicate ids skipped (first kept): p1, p2"]
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [(p["id"], p["title"]) for p in written] == [("p1", "One"), ("p2", "Two"), ("p3", "Three")]


def test_format_option_overrides_the_extension(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               no_extraction: None) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "papers.jsonl").write_text("title\tabstract\nA Title\tAn abstract.\nB Title\tB abstract.\n")
    assert run(["extract", "papers.jsonl", "-o", "out.jsonl", "-q"]).exit_code == 2  # as JSON Lines: malformed
    result = run(["extract", "papers.jsonl", "--format", "tsv", "-o", "out.jsonl", "-q"])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [p["title"] for p in written] == ["A Title", "B Title"]


def test_every_command_is_found_in_the_module_that_defines_it() -> None:
    """`kg` imports a command's module only when the command runs: the table must name them all."""
    from importlib import import_module

    from kg.cli import COMMAND_MODULES

    for module in set(COMMAND_MODULES.values()):
        defined = {command.name for command in import_module(f"kg.cli.{module}").COMMANDS}
        assert defined == {name for name, owner in COMMAND_MODULES.items() if owner == module}


def test_extract_refuses_to_write_over_its_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "papers.jsonl").write_text('{"title": "T", "abstract": "A"}\n', encoding="utf-8")
    before = tree(tmp_path)
    result = run(["extract", "papers.jsonl", "-o", "./papers.jsonl"])
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "kg: error: ./papers.jsonl: is also an input, which the extractions would replace (choose another -o)"])
    assert tree(tmp_path) == before


@pytest.mark.parametrize(("command", "option"), [
    (["build"], ["--jobs", "2"]), (["build"], ["--max-nodes", "10"]), (["build"], ["--no-query-cache"]),
    (["extract", "-o", "x"], ["-j", "1"]),
])
def test_single_machine_options_are_refused_with_the_spark_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  command: list[str], option: list[str]) -> None:
    """Spark has its own settings for how much runs at once: an option it would ignore is an error."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*command, "--engine", "spark", *option])
    assert result.exit_code == 2
    assert f"{option[0] if option[0] != '-j' else '--jobs'} does not apply to --engine spark" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_reader_that_closes_the_output_early_ends_the_command_quietly(tmp_path: Path) -> None:
    """`kg view ... | head -0`: the summary line meets a closed pipe. It printed "kg: error:
    Broken pipe" and exited 1; a closed reader is no error of kg's, so nothing is said and the
    status is the one a shell gives a tool that SIGPIPE ended (128 + 13)."""
    graph = Path(__file__).resolve().parents[1] / "outputs" / "graph.json"
    process = subprocess.Popen([sys.executable, "-m", "kg", "view", "--graph", str(graph), "-o", str(tmp_path / "v.html")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before kg writes: it loads the graph and writes the page first
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 141
    assert stderr == b""
    assert (tmp_path / "v.html").is_file()  # what it was asked to write is written
