"""Score an extraction file against a gold file (ANNOTATION.md, "How a prediction is matched").

Names are compared after folding case, dropping everything but letters and digits and a
final plural "s" ("CIFAR-10" = "cifar10", "GPUs" = "GPU"). A predicted entity matches a
gold entity when any predicted name equals any gold name (strict) or, in the lenient
score, also when one name's tokens contain the other's ("test accuracy" ~ "top-1 test
accuracy"). Typed scores also need the same type; the type-agnostic score does not.

- Matching is one-to-one and greedy: equal names are paired first, then (lenient only)
  token containment, each pass in gold-file order against predictions in file order.
- A prediction left unmatched that matches an `ignore` entry (same rule, no type) is
  neutral: neither a true nor a false positive.
- Proposed: predictions with proposed=true against gold entities with proposed=true,
  matched by name whatever the type; a proposed prediction matching a gold entity that is
  not proposed counts as a false positive.
- Results: "with metric" pairs a predicted and a gold result when the metric names match
  leniently, the values are equal and the units are equal; "value+unit" ignores the metric.
Only papers present in the gold file are scored; the prediction file may hold more.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.corpus.source import numbered_lines
from kg.errors import KgInputError
from kg.model import ENTITY_TYPES

_NON_ALNUM = re.compile(r"[\W_]+")  # not a letter or digit, in any script ("β-VAE" keeps its β)


def fold_name(name: str) -> str:
    """ANNOTATION.md's comparison: case folded, only letters and digits, plural 's' dropped."""
    folded = _NON_ALNUM.sub("", name.lower())
    return folded[:-1] if len(folded) > 3 and folded.endswith("s") else folded


def _tokens(name: str) -> frozenset[str]:
    return frozenset(fold_name(t) for t in _NON_ALNUM.split(name.lower()) if t)


def names_match(a: Iterable[str], b: Iterable[str], lenient: bool) -> bool:
    """Whether a name of `a` is a name of `b` (ANNOTATION.md); a name of nothing but
    punctuation matches nothing."""
    a, b = list(a), list(b)
    if ({fold_name(x) for x in a} & {fold_name(y) for y in b}) - {""}:
        return True
    if not lenient:
        return False
    return any(ta and tb and (ta <= tb or tb <= ta) for ta in map(_tokens, a) for tb in map(_tokens, b))


@dataclass(frozen=True, slots=True)
class EntityRecord:
    type: str
    names: tuple[str, ...]
    proposed: bool


@dataclass(frozen=True, slots=True)
class ResultRecord:
    metric: str
    value: float
    unit: str

    def label(self) -> str:
        return f"{self.metric}={self.value:g}{self.unit}"


@dataclass(frozen=True, slots=True)
class PaperRecord:
    id: str
    entities: tuple[EntityRecord, ...]
    results: tuple[ResultRecord, ...]
    ignore: tuple[str, ...] = ()


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(slots=True)
class Misses:
    """What one paper got wrong in one scope: gold items not found, predictions not in gold."""

    fn: list[str] = field(default_factory=list)
    fp: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Evaluation:
    """Counts per scope ("Method" ... "micro", "type-agnostic", "proposed", "results ...")
    and mode ("strict", "lenient"), and the misses per paper of the lenient typed match."""

    papers: int
    counts: dict[str, dict[str, Counts]]
    misses: dict[str, dict[str, Misses]]

    def to_dict(self) -> dict[str, Any]:
        return {"papers": self.papers,
                "scores": {scope: {mode: c.to_dict() for mode, c in modes.items()}
                           for scope, modes in self.counts.items()}}


SCOPES = (*ENTITY_TYPES, "micro", "type-agnostic", "proposed", "results (with metric)",
          "results (value+unit)")
MODES = ("strict", "lenient")


def _match(preds: Sequence[Any], golds: Sequence[Any],
           equal: Callable[[Any, Any], bool], similar: Callable[[Any, Any], bool] | None
           ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Greedy one-to-one matching: pairs, unmatched prediction and gold indices."""
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for test in (equal, similar):
        if test is None:
            continue
        for gi, gold in enumerate(golds):
            if gi in used_g:
                continue
            for pi, pred in enumerate(preds):
                if pi not in used_p and test(pred, gold):
                    pairs.append((pi, gi))
                    used_p.add(pi)
                    used_g.add(gi)
                    break
    return (pairs, [i for i in range(len(preds)) if i not in used_p],
            [i for i in range(len(golds)) if i not in used_g])


def _entity_test(typed: bool, lenient: bool) -> Callable[[EntityRecord, EntityRecord], bool]:
    return lambda p, g: (not typed or p.type == g.type) and names_match(p.names, g.names, lenient)


def _match_entities(preds: Sequence[EntityRecord], golds: Sequence[EntityRecord], lenient: bool, typed: bool
                    ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    return _match(preds, golds, _entity_test(typed, False), _entity_test(typed, True) if lenient else None)


def _score_entities(preds: Sequence[EntityRecord], golds: Sequence[EntityRecord], ignore: Sequence[str],
                    lenient: bool, typed: bool, by_type: dict[str, Counts] | None = None,
                    misses: Misses | None = None) -> Counts:
    pairs, free_p, free_g = _match_entities(preds, golds, lenient, typed)
    counts = Counts(tp=len(pairs))
    for _, gi in pairs:
        if by_type is not None:
            by_type.setdefault(golds[gi].type, Counts()).tp += 1
    for pi in free_p:
        if ignore and names_match(preds[pi].names, ignore, lenient):
            continue
        counts.fp += 1
        if by_type is not None:
            by_type.setdefault(preds[pi].type, Counts()).fp += 1
        if misses is not None:
            misses.fp.append(f"{preds[pi].type}: {' | '.join(preds[pi].names)}")
    for gi in free_g:
        counts.fn += 1
        if by_type is not None:
            by_type.setdefault(golds[gi].type, Counts()).fn += 1
        if misses is not None:
            misses.fn.append(f"{golds[gi].type}: {' | '.join(golds[gi].names)}")
    return counts


def _score_proposed(pred: PaperRecord, gold: PaperRecord, lenient: bool) -> Counts:
    """Proposed predictions against proposed gold entities, by name whatever the type. An
    unmatched prediction is neutral only when it matches `ignore` and no gold entity."""
    preds = [p for p in pred.entities if p.proposed]
    pairs, free_p, free_g = _match_entities(preds, [g for g in gold.entities if g.proposed], lenient, False)
    not_proposed = [name for g in gold.entities if not g.proposed for name in g.names]
    neutral = sum(1 for pi in free_p if gold.ignore and names_match(preds[pi].names, gold.ignore, lenient)
                  and not names_match(preds[pi].names, not_proposed, lenient))
    return Counts(len(pairs), len(free_p) - neutral, len(free_g))


def _values_equal(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _score_results(pred: PaperRecord, gold: PaperRecord, with_metric: bool,
                   misses: Misses | None = None) -> Counts:
    def test(p: ResultRecord, g: ResultRecord) -> bool:
        return (_values_equal(p.value, g.value) and p.unit == g.unit
                and (not with_metric or names_match([p.metric], [g.metric], True)))

    pairs, free_p, free_g = _match(pred.results, gold.results, test, None)
    if misses is not None:
        misses.fp.extend(f"result: {pred.results[i].label()}" for i in free_p)
        misses.fn.extend(f"result: {gold.results[i].label()}" for i in free_g)
    return Counts(len(pairs), len(free_p), len(free_g))


def evaluate(gold: dict[str, PaperRecord], pred: dict[str, PaperRecord]) -> Evaluation:
    """Score `pred` against `gold` (papers missing from `pred` count as empty predictions)."""
    counts = {scope: {mode: Counts() for mode in MODES} for scope in SCOPES}
    misses: dict[str, dict[str, Misses]] = {}
    for paper_id, gold_paper in gold.items():
        pred_paper = pred.get(paper_id) or PaperRecord(paper_id, (), ())
        paper_misses = {"entities": Misses(), "results": Misses()}
        misses[paper_id] = paper_misses
        for mode in MODES:
            lenient = mode == "lenient"
            by_type: dict[str, Counts] = {}
            counts["micro"][mode].add(_score_entities(
                pred_paper.entities, gold_paper.entities, gold_paper.ignore, lenient, True, by_type,
                paper_misses["entities"] if lenient else None))
            for type_, c in by_type.items():
                if type_ in counts:
                    counts[type_][mode].add(c)
            counts["type-agnostic"][mode].add(_score_entities(
                pred_paper.entities, gold_paper.entities, gold_paper.ignore, lenient, False))
            counts["proposed"][mode].add(_score_proposed(pred_paper, gold_paper, lenient))
            counts["results (with metric)"][mode].add(_score_results(
                pred_paper, gold_paper, True, paper_misses["results"] if lenient else None))
            counts["results (value+unit)"][mode].add(_score_results(pred_paper, gold_paper, False))
    return Evaluation(len(gold), counts, misses)


def evaluate_files(gold_path: str | Path, pred_path: str | Path) -> Evaluation:
    gold = read_records(gold_path)
    if not gold:
        raise KgInputError("no gold papers in the file", gold_path)
    if _names_entities(gold_path) is False and _names_entities(pred_path) is True:
        raise KgInputError(f"reads as `kg extract` output, and {pred_path} as gold: the gold file comes "
                           "first (kg eval GOLD PRED)", gold_path)
    return evaluate(gold, read_records(pred_path))


def _names_entities(path: str | Path) -> bool | None:
    """Whether the first entity of `path` is written as gold writes one (a "names" list) rather
    than as `kg extract` does ("name" and "aliases"); None when there is none to tell. Both are
    scored alike, so two extractions can be compared, but files given the wrong way round would
    give plausible figures."""
    for _, line in numbered_lines(Path(path)):
        try:
            entities = json.loads(line).get("entities") if line.strip() else None
        except (ValueError, AttributeError):
            return None
        if isinstance(entities, list) and entities and isinstance(entities[0], dict):
            return "names" in entities[0]
    return None


def read_records(path: str | Path) -> dict[str, PaperRecord]:
    """Gold lines (entities with `names`) or `kg extract` lines (`name` + `aliases`) by id.

    Read as `kg build` reads a corpus (kg.corpus.source): a leading byte-order mark is
    dropped, and a byte that is not UTF-8 is an input error naming its line."""
    path = Path(path)
    records: dict[str, PaperRecord] = {}
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            record = _record(data)
        except json.JSONDecodeError as err:
            raise KgInputError(f"malformed JSON ({err.msg} at column {err.colno})", path, number) from err
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            reason = f"missing {err}" if isinstance(err, KeyError) else str(err)
            raise KgInputError(f"not an extraction record ({reason})", path, number) from err
        if record.id in records:
            raise KgInputError(f"duplicate paper id {record.id!r}", path, number)
        records[record.id] = record
    return records


def _record(data: dict[str, Any]) -> PaperRecord:
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise ValueError("no string 'id'")
    if not isinstance(data.get("entities"), list):  # a paper of the corpus, say, not what was found in it
        raise ValueError("no 'entities' list")
    entities = []
    for item in data["entities"]:
        names = item["names"] if "names" in item else [item["name"], *item.get("aliases", ())]
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise ValueError("entity names must be a list of strings")
        proposed = item.get("proposed", False)
        if not isinstance(proposed, bool):  # "false" would count as proposed
            raise ValueError("'proposed' must be true or false")
        entities.append(EntityRecord(str(item["type"]), tuple(names), proposed))
    results = [ResultRecord(str(r["metric"]), float(r["value"]), str(r.get("unit") or ""))
               for r in data.get("results", ())]
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(name, str) for name in ignore):
        raise ValueError("'ignore' must be a list of names")  # a string would be read letter by letter
    return PaperRecord(data["id"], tuple(entities), tuple(results), tuple(ignore))


def format_table(evaluation: Evaluation) -> str:
    header = f"{'scope':<22} {'strict P':>8} {'R':>6} {'F1':>6}  {'lenient P':>9} {'R':>6} {'F1':>6}  {'tp/fp/fn (strict)':>18}"
    lines = [f"kg eval: {evaluation.papers} gold papers", header, "-" * len(header)]
    for scope in SCOPES:
        s, l = evaluation.counts[scope]["strict"], evaluation.counts[scope]["lenient"]
        lines.append(f"{scope:<22} {s.precision:>8.3f} {s.recall:>6.3f} {s.f1:>6.3f}  "
                     f"{l.precision:>9.3f} {l.recall:>6.3f} {l.f1:>6.3f}  {f'{s.tp}/{s.fp}/{s.fn}':>18}")
    return "\n".join(lines)


def format_misses(evaluation: Evaluation) -> str:
    lines: list[str] = ["", "misses (lenient, typed; FN = in gold not found, FP = predicted not in gold)"]
    for paper_id in sorted(evaluation.misses):
        groups = evaluation.misses[paper_id]
        rows = [(kind, item) for scope in ("entities", "results")
                for kind, items in (("FN", groups[scope].fn), ("FP", groups[scope].fp)) for item in items]
        if rows:
            lines.append(f"{paper_id}:")
            lines += [f"  {kind} {item}" for kind, item in rows]
    return "\n".join(lines)
