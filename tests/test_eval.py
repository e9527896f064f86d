"""`kg eval` and kg.eval on tiny hand-written gold and prediction files with known scores."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import KgInputError
from kg.eval import evaluate_files, fold_name, names_match

GOLD = [
    {"id": "p1", "title": "T1",
     "entities": [{"type": "Method", "names": ["Foo Net", "FN"], "proposed": True},
                  {"type": "Dataset", "names": ["CIFAR-10"]},
                  {"type": "Metric", "names": ["top-1 accuracy"]}],
     "ignore": ["PyTorch"],
     "results": [{"metric": "top-1 accuracy", "value": 76.1, "unit": "%", "dataset": "CIFAR-10",
                  "method": "Foo Net", "relative": False},
                 {"metric": "latency", "value": 2, "unit": "x", "dataset": None, "method": None,
                  "relative": True}]},
]
PRED = [
    {"id": "p1", "title": "T1",
     "entities": [{"type": "Method", "name": "FooNet", "aliases": [], "proposed": True},
                  {"type": "Dataset", "name": "cifar10", "aliases": []},
                  {"type": "Metric", "name": "accuracy", "aliases": []},
                  {"type": "Method", "name": "PyTorch", "aliases": []},
                  {"type": "Method", "name": "Bar", "aliases": [], "proposed": True}],
     "results": [{"metric": "accuracy", "value": 76.1, "unit": "%"},
                 {"metric": "speedup", "value": 2, "unit": "x"},
                 {"metric": "accuracy", "value": 5, "unit": "%"}]},
    {"id": "p2", "title": "not in gold", "entities": [{"type": "Method", "name": "Zed", "aliases": []}],
     "results": []},
]


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "gold.jsonl", GOLD), write(tmp_path / "pred.jsonl", PRED)


def scores(files: tuple[Path, Path]) -> dict:
    return evaluate_files(*files).to_dict()["scores"]


def test_name_folding_and_token_containment() -> None:
    assert fold_name("CIFAR-10") == fold_name("cifar10") == "cifar10"
    assert fold_name("GPUs") == fold_name("GPU")
    assert names_match(["Foo Net"], ["FooNet"], lenient=False)
    assert not names_match(["accuracy"], ["top-1 accuracy"], lenient=False)
    assert names_match(["accuracy"], ["top-1 accuracy"], lenient=True)
    assert not names_match(["test accuracy"], ["top-1 error"], lenient=True)


def test_micro_strict_and_lenient_exact_figures(files: tuple[Path, Path]) -> None:
    micro = scores(files)["micro"]
    # strict: FooNet and cifar10 match; accuracy and Bar are false positives; PyTorch is ignored;
    # top-1 accuracy is missed. p2 is not in the gold file and is not scored.
    assert micro["strict"] == {"tp": 2, "fp": 2, "fn": 1, "precision": 0.5, "recall": 0.6667, "f1": 0.5714}
    # lenient: "accuracy" is contained in "top-1 accuracy".
    assert micro["lenient"] == {"tp": 3, "fp": 1, "fn": 0, "precision": 0.75, "recall": 1.0, "f1": 0.8571}


def test_per_type_counts(files: tuple[Path, Path]) -> None:
    result = scores(files)
    assert (result["Method"]["strict"]["tp"], result["Method"]["strict"]["fp"]) == (1, 1)
    assert (result["Metric"]["strict"]["fp"], result["Metric"]["strict"]["fn"]) == (1, 1)
    assert result["Metric"]["lenient"]["tp"] == 1
    assert result["Task"]["strict"] == {"tp": 0, "fp": 0, "fn": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_ignore_entries_are_neutral(tmp_path: Path, files: tuple[Path, Path]) -> None:
    gold, _ = files
    without_pytorch = [dict(PRED[0], entities=[e for e in PRED[0]["entities"] if e["name"] != "PyTorch"])]
    pred = write(tmp_path / "pred2.jsonl", without_pytorch)
    assert evaluate_files(gold, pred).to_dict()["scores"]["micro"] == scores(files)["micro"]


def test_type_mismatch_counts_only_in_type_agnostic(tmp_path: Path) -> None:
    gold = write(tmp_path / "g.jsonl", [{"id": "a", "entities": [{"type": "Method", "names": ["Foo"]}]}])
    pred = write(tmp_path / "p.jsonl", [{"id": "a", "entities": [{"type": "Dataset", "name": "Foo"}]}])
    result = evaluate_files(gold, pred).to_dict()["scores"]
    assert (result["micro"]["strict"]["tp"], result["micro"]["strict"]["fp"], result["micro"]["strict"]["fn"]) \
        == (0, 1, 1)
    assert result["type-agnostic"]["strict"]["tp"] == 1


def test_matching_is_one_to_one(tmp_path: Path) -> None:
    gold = write(tmp_path / "g.jsonl", [{"id": "a", "entities": [{"type": "Method", "names": ["Foo"]}]}])
    pred = write(tmp_path / "p.jsonl", [{"id": "a", "entities": [{"type": "Method", "name": "Foo"},
                                                                  {"type": "Method", "name": "foo"}]}])
    assert evaluate_files(gold, pred).to_dict()["scores"]["micro"]["strict"]["fp"] == 1


def test_proposed(files: tuple[Path, Path]) -> None:
    proposed = scores(files)["proposed"]["strict"]
    assert (proposed["tp"], proposed["fp"], proposed["fn"]) == (1, 1, 0)


def test_results_with_metric_and_value_unit_only(files: tuple[Path, Path]) -> None:
    result = scores(files)
    # accuracy ~ top-1 accuracy (lenient metric) matches; speedup != latency; 5% is not in gold
    assert {k: result["results (with metric)"]["strict"][k] for k in ("tp", "fp", "fn")} == \
        {"tp": 1, "fp": 2, "fn": 1}
    assert {k: result["results (value+unit)"]["strict"][k] for k in ("tp", "fp", "fn")} == \
        {"tp": 2, "fp": 1, "fn": 0}


def test_cli_table_json_and_misses(files: tuple[Path, Path]) -> None:
    gold, pred = map(str, files)
    runner = CliRunner()
    table = runner.invoke(main, ["eval", gold, pred])
    assert table.exit_code == 0, table.output
    assert "micro" in table.output and "0.571" in table.output
    as_json = runner.invoke(main, ["eval", gold, pred, "--json", "--misses"])
    data = json.loads(as_json.output)
    assert data["papers"] == 1
    assert data["scores"]["micro"]["lenient"]["f1"] == 0.8571
    assert "Method: Bar" in data["misses"]["p1"]["entities"]["fp"]
    misses = runner.invoke(main, ["eval", gold, pred, "--misses"])
    assert "FP Method: Bar" in misses.output and "FN result: latency=2x" in misses.output


def test_bad_files_name_the_line(tmp_path: Path, files: tuple[Path, Path]) -> None:
    gold, _ = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(PRED[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(KgInputError, match=r"bad\.jsonl:2: malformed JSON"):
        evaluate_files(gold, bad)
    result = CliRunner().invoke(main, ["eval", str(gold), str(bad)])
    assert result.exit_code == 2 and "bad.jsonl:2:" in result.output
    no_id = tmp_path / "noid.jsonl"
    no_id.write_text('{"entities": []}\n', encoding="utf-8")
    with pytest.raises(KgInputError, match=r"noid\.jsonl:1: not an extraction record"):
        evaluate_files(gold, no_id)
    with pytest.raises(KgInputError, match=r"missing\.jsonl: no such file"):
        evaluate_files(gold, tmp_path / "missing.jsonl")
    papers = tmp_path / "papers.jsonl"  # the corpus given where the extractions go
    papers.write_text('{"id": "p1", "title": "T", "abstract": "A"}\n', encoding="utf-8")
    with pytest.raises(KgInputError, match=r"papers\.jsonl:1: not an extraction record \(no 'entities' list\)"):
        evaluate_files(gold, papers)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(KgInputError, match=r"empty\.jsonl: no gold papers in the file"):
        evaluate_files(empty, gold)


@pytest.mark.parametrize("bad_one", ["gold", "pred"])
def test_a_file_not_in_utf8_names_the_line(bad_one: str, tmp_path: Path, files: tuple[Path, Path]) -> None:
    bad = tmp_path / "latin.jsonl"
    bad.write_bytes(b'{"id": "p0", "entities": []}\n{"id": "p1", "title": "\xff\xfe"}\n')
    gold, pred = (bad, files[1]) if bad_one == "gold" else (files[0], bad)
    result = CliRunner().invoke(main, ["eval", str(gold), str(pred)])
    assert result.exit_code == 2
    assert result.stderr == (f"kg: error: {bad}:2: not UTF-8 at byte 24 of the line "
                             "(0xff; byte 53 of the file)\n")
    assert result.stdout == ""


def test_a_gold_file_with_a_byte_order_mark_scores_as_without(files: tuple[Path, Path]) -> None:
    gold, pred = files
    with_bom = gold.with_name("gold-bom.jsonl")
    with_bom.write_bytes(b"\xef\xbb\xbf" + gold.read_bytes())
    runner = CliRunner()
    result = runner.invoke(main, ["eval", str(with_bom), str(pred), "--json"])
    assert result.exit_code == 0, result.output
    assert result.stdout == runner.invoke(main, ["eval", str(gold), str(pred), "--json"]).stdout
    assert json.loads(result.stdout)["papers"] == 1


def test_names_in_other_scripts_keep_their_letters() -> None:
    assert fold_name("β-VAE") == "βvae" and not names_match(["β-VAE"], ["VAE"], lenient=False)
    assert not names_match(["日本語モデル"], ["中文模型"], lenient=False)
    assert names_match(["日本語モデル"], ["日本語 モデル"], lenient=False)
    assert not names_match(["—"], ["(?)"], lenient=False)  # nothing left of either: no match


@pytest.mark.parametrize(("entity", "message"), [
    ('{"type": "Method", "names": ["X"], "proposed": "false"}', "'proposed' must be true or false"),
    ('{"names": ["X"]}', "missing 'type'"),
])
def test_ill_typed_gold_is_refused(tmp_path: Path, entity: str, message: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(f'{{"id": "p1", "entities": [{entity}]}}\n', encoding="utf-8")
    with pytest.raises(KgInputError, match=rf"gold\.jsonl:1: not an extraction record \({re.escape(message)}\)"):
        evaluate_files(gold, gold)
    ignore_letters = tmp_path / "ignore.jsonl"  # a string would be ignored letter by letter
    ignore_letters.write_text('{"id": "p1", "entities": [], "ignore": "VAE"}\n', encoding="utf-8")
    with pytest.raises(KgInputError, match=r"'ignore' must be a list of names"):
        evaluate_files(ignore_letters, ignore_letters)


def test_files_given_the_wrong_way_round_are_refused(files: tuple[Path, Path]) -> None:
    gold, pred = files
    with pytest.raises(KgInputError, match=r"reads as `kg extract` output, .* the gold file comes first"):
        evaluate_files(pred, gold)
    assert evaluate_files(pred, pred).papers  # two extractions compare
