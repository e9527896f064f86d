"""Which values of a metric are the better ones: the one place that decides a Metric node's
``lower_is_better`` (kg.graph.schema), which the exporters write (RDF ``kgo:lowerIsBetter``)
and the bundled leaderboard query ranks by.

The lexicon knows it of its metrics (the ``better`` column of kg/extract/lexicon/metric.tsv,
carried by `Entity.lower_is_better`); a metric it does not list ("machine footprint", "search
cost": the phrases kg.extract.metrics finds, the metrics only a result names) is judged by
`lower_is_better_by_name`, the rule the leaderboard query applied to every metric's name
before the graph knew the direction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

COST_NAME = re.compile(
    r"error|loss|perplexity|latency|time|memory|parameter|flops|hours|days|cost|budget|energy|power|emission"
    r"|footprint|size|distance|divergence|regret|forgetting|complexity|risk|false|miss rate|collision rate"
    r"|hallucination|toxicity|bits per|bitrate|bd-rate|cross-entropy|self-bleu|brier|davies|median rank|rmsd"
    r"|^(chip )?area$"
    r"|(^| )(wer|cer|per|s?fid(-[0-9]+k)?|kid|fvd|fad|lpips|n?rmse|mse|mae|s?mape|mase|owa|crps|wql|absrel|sqrel"
    r"|epe|fl-all|ate|rpe|mpjpe|ade|fde|mate|maoe|mave|maae|niqe|brisque|ter|mcd|der|mindcf|macs|bops|edp"
    r"|fpr@95|sa score|docking score)$",
    re.IGNORECASE)
"""A name that says its metric is a cost: a word of cost anywhere in it ("idle compute time",
"machine footprint"), or an error measure's acronym as its last word ("FID-50K", "force MAE")."""
BENEFIT_NAME = re.compile(
    r"efficien|accuracy|speed-?up|throughput|per second|bandwidth|utili[sz]ation|reduction|saving|lifetime",
    re.IGNORECASE)
"""A word that makes a cost's name a benefit: "energy efficiency", "error reduction", "memory
bandwidth", "battery lifetime"."""


def lower_is_better_by_name(name: str) -> bool:
    """Whether the name says its metric is a cost, lowest best: `COST_NAME` and not `BENEFIT_NAME`.
    It agrees with the lexicon's ``better`` column on every metric the column gives a direction."""
    return COST_NAME.search(name) is not None and BENEFIT_NAME.search(name) is None


def node_lower_is_better(entity_type: str, name: str, lexicon: str | None,
                         lexicon_directions: Iterable[tuple[str | None, bool | None]]) -> bool | None:
    """A node's ``lower_is_better``: None but for a Metric. A metric of the lexicon has its
    entry's direction, as its records carry it (`lexicon_directions`: each record's lexicon name
    and direction); None when none does (the entry has no direction, or the extractions predate
    the column) or they disagree (extractions of two versions of the lexicon). Any other metric
    is judged by its canonical `name`. Sets and names only: the same for any order of records."""
    if entity_type != "Metric":
        return None
    if lexicon is None:
        return lower_is_better_by_name(name)
    found = {lower for entry, lower in lexicon_directions if entry == lexicon and lower is not None}
    return found.pop() if len(found) == 1 else None
