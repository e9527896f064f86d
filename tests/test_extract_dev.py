"""The extractor on the dev gold (../shared/data): a guard against regressions.

The thresholds are the figures reached when this test was written minus two points
(strict micro F1 is the headline; see bench/results/extract.md for all figures).
"""

from __future__ import annotations

import json
from pathlib import Path

from kg.corpus import read_papers
from kg.eval import evaluate_files
from kg.extract import Extractor

MICRO_STRICT_F1 = 0.871
PROPOSED_STRICT_F1 = 0.858
RESULTS_WITH_METRIC_F1 = 0.865


def test_dev_gold_scores(shared_data: Path, tmp_path: Path) -> None:
    papers = list(read_papers([shared_data / "hf_papers_listing.jsonl"]))
    pred = tmp_path / "pred.jsonl"
    with open(pred, "w", encoding="utf-8") as out:
        for extraction in Extractor().pipe(papers):
            out.write(json.dumps(extraction.to_dict()) + "\n")
    scores = evaluate_files(shared_data / "gold_dev.jsonl", pred).to_dict()["scores"]
    assert scores["micro"]["strict"]["f1"] >= MICRO_STRICT_F1, scores["micro"]
    assert scores["proposed"]["strict"]["f1"] >= PROPOSED_STRICT_F1, scores["proposed"]
    assert scores["results (with metric)"]["strict"]["f1"] >= RESULTS_WITH_METRIC_F1, scores["results (with metric)"]
