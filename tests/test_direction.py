"""Which values of a metric are the better ones: the lexicon's ``better`` column and the rule
over names that judges the metrics the lexicon does not list (kg.graph.direction)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.errors import KgInputError
from kg.extract.lexicon import read_lexicon
from kg.graph.direction import lower_is_better_by_name

LOWER_IS_BETTER = {
    "test error", "top-1 error", "top-5 error", "error rate", "validation error", "training error",
    "generalization error", "false positive rate", "false negative rate", "FPR@95", "false acceptance rate",
    "false rejection rate", "equal error rate", "log loss", "Brier score", "expected calibration error",
    "maximum calibration error", "selective risk", "Hausdorff distance", "mATE", "mASE", "mAOE", "mAVE", "mAAE",
    "navigation error", "MSE", "RMSE", "MAE", "MAPE", "sMAPE", "MASE", "OWA", "CRPS", "WQL", "NRMSE",
    "mean relative error", "relative L2 error", "AbsRel", "SqRel", "EPE", "Fl-all", "Chamfer distance",
    "Earth Mover's Distance", "ATE", "RPE", "rotation error", "translation error", "MPJPE", "ADE", "FDE",
    "miss rate", "collision rate", "L2 error", "LPIPS", "FID", "sFID", "FID-50K", "KID", "FVD", "FAD",
    "KL divergence", "NIQE", "BRISQUE", "bits per dimension", "bits per pixel", "BD-rate", "TER", "self-BLEU",
    "perplexity", "bits per character", "bits per byte", "cross-entropy", "hallucination rate", "regret",
    "toxicity", "WER", "CER", "PER", "MCD", "DER", "minDCF", "real-time factor", "median rank",
    "Davies–Bouldin index", "FLOPs", "MACs", "BOPs", "latency", "inference time", "training time",
    "wall-clock time", "GPU hours", "GPU days", "TPU hours", "TPU days", "compute budget", "time per output token",
    "sample complexity", "communication cost", "parameter count", "model size", "memory", "memory footprint",
    "GPU memory", "peak memory", "KV cache size", "activation memory", "bits per weight", "bitrate", "energy",
    "energy consumption", "energy per inference", "power consumption", "power", "carbon emissions", "monetary cost",
    "chip area", "area", "EDP", "privacy budget", "average forgetting", "mean corruption error", "RMSD", "SA score",
    "docking score", "energy MAE", "force MAE",
}
"""The metrics of kg/extract/lexicon/metric.tsv whose best value is the lowest; every other
one's is the highest, but for EITHER_WAY's."""
EITHER_WAY = {"attack success rate", "refusal rate", "membership inference accuracy", "demographic parity",
              "equalized odds", "disparate impact", "MOTP", "rate-distortion", "ADD", "sparsity"}
"""Metrics of the lexicon whose direction depends on the point of view or the variant: none."""
LOWER_NOT_IN_LEXICON = ("idle compute time", "search cost", "architectural computational complexity",
                        "machine footprint")
"""Metric names the lexicon does not know, as the extractor finds them, whose best is the lowest."""
HIGHER_NOT_IN_LEXICON = ("parameter efficiency", "memory bandwidth", "error reduction", "acceptance length",
                         "battery lifetime")
"""The same, whose best is the highest: a word of benefit outweighs a word of cost."""


def _lexicon_directions() -> dict[str, bool | None]:
    return {entry.name: entry.lower_is_better for entry in read_lexicon() if entry.type == "Metric"}


def test_the_lexicon_gives_every_metric_its_direction() -> None:
    """"GPU hours", "FID-50K", "LPIPS", "energy" ... once ranked the highest value first: the rule
    of the leaderboard query knew few of the lexicon's lower-is-better metrics."""
    directions = _lexicon_directions()
    assert {name for name, lower in directions.items() if lower is None} == EITHER_WAY
    assert {name for name, lower in directions.items() if lower} == LOWER_IS_BETTER


def test_the_rule_agrees_with_the_lexicon_on_its_metrics() -> None:
    """A coined metric named like a lexicon one ranks the same way."""
    disagree = {name: lower for name, lower in _lexicon_directions().items()
                if lower is not None and lower_is_better_by_name(name) != lower}
    assert disagree == {}  # the lexicon's direction of each


@pytest.mark.parametrize(("name", "lower"), [*((name, True) for name in LOWER_NOT_IN_LEXICON),
                                             *((name, False) for name in HIGHER_NOT_IN_LEXICON)])
def test_the_rule_judges_names_the_lexicon_does_not_know(name: str, lower: bool) -> None:
    assert name not in _lexicon_directions()
    assert lower_is_better_by_name(name) is lower


def test_the_rule_reads_an_error_acronym_only_as_the_last_word() -> None:
    assert lower_is_better_by_name("force MAE") and lower_is_better_by_name("fid-10k")
    assert not lower_is_better_by_name("MAE pretraining")
    assert not lower_is_better_by_name("FIDELITY")


@pytest.mark.parametrize(("file", "row", "message"), [
    ("metric.tsv", "FID\t\t\tworse", "the better column is 'worse': a metric's is lower, higher or empty"),
    ("dataset.tsv", "ImageNet\t\t\tlower", "the better column is 'lower'"),
])
def test_a_direction_other_than_lower_or_higher_of_a_metric_is_an_input_error(tmp_path: Path, file: str, row: str,
                                                                             message: str) -> None:
    (tmp_path / file).write_text(f"name\taliases\twikidata\tbetter\n# a section\n{row}\n", encoding="utf-8")
    with pytest.raises(KgInputError, match=f"^{re.escape(f'{tmp_path / file}:3: {message}')}"):
        read_lexicon(tmp_path)
