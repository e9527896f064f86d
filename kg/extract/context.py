"""Entity type from the words around a mention (within its sentence).

Each rule is a cue a reader uses: "the X dataset", "X GPUs", "accuracy on X",
"compared with X", "outperforms X", "X, a new benchmark ...", "models such as X",
"measured by FVD and X", "the best baseline, X", "On X, our model ...".
The patterns are anchored at the mention and bounded, so they run in linear time.
"""

from __future__ import annotations

import re

from kg.extract.heads import type_of_description
from kg.model import EntityType

RIGHT_RULES: tuple[tuple[re.Pattern[str], EntityType], ...] = (
    (re.compile(r"[\s-]*(?:dataset|datasets|benchmark|benchmarks|corpus|corpora|test set|"
                r"suite|leaderboard)\b"), "Dataset"),
    (re.compile(r"[\s)]*(?:GPUs?|TPUs?|CPUs?|NPUs?|FPGAs?|accelerators?|chips?|processors?|"
                r"supercomputers?|boards?|SoCs?)\b"), "Hardware"),
    (re.compile(r"[\s-]*(?:model|models|architecture|architectures|network|networks|method|methods|"
                r"algorithm|algorithms|framework|baseline|baselines|backbone|backbones|variant|variants|"
                r"family|based)\b"), "Method"),
)
LEFT_RULES: tuple[tuple[re.Pattern[str], EntityType], ...] = (
    (re.compile(r"\b(?:measured|evaluated|assessed|scored) (?:by|with|using|in)\s+(?:[\w-]+,?\s+(?:and\s+)?){0,4}$"),
     "Metric"),
    (re.compile(r"\b(?:in terms of|metrics?\s*(?:such as|like|including|:))\s+(?:[\w-]+,?\s+(?:and\s+)?){0,4}$"),
     "Metric"),
    (re.compile(r"\b(?:datasets?|benchmarks?|corpora|corpus)\s*(?:,\s*)?(?:such as|like|including|"
                r"e\.g\.,?|namely|:)\s+(?:the\s+)?$"), "Dataset"),
    (re.compile(r"\b(?:accuracy|error|errors|results?|experiments?|evaluated|evaluation|evaluations|"
                r"tested|trained|pre-trained|pretrained|fine-tuned|score|scores|mAP|mIoU|BLEU|"
                r"perplexity|state-of-the-art|SOTA)\s+on\s+(?:the\s+)?(?:challenging\s+|popular\s+|"
                r"standard\s+|large-scale\s+|public\s+)?$"), "Dataset"),
    (re.compile(r"\b(?:models?|methods?|baselines?|architectures?|approaches|networks?|techniques?|"
                r"algorithms?|LLMs|backbones?)\s*,?\s*(?:such as|like|including|e\.g\.,?)\s+$"
                r"|\bbaselines?\s*,\s+$"), "Method"),
    (re.compile(r"\b(?:compared (?:with|to)|outperforms?|outperforming|outperformed|surpass(?:es|ing)?|"
                r"than|versus|vs\.?|over|beats?|exceeds?|improves? (?:up)?on|based on|built on|"
                r"extends?|fine-tunes?|fine-tuning)\s+(?:the\s+)?(?:previous\s+|prior\s+|original\s+|"
                r"vanilla\s+|baseline\s+|state-of-the-art\s+|strong\s+|popular\s+)?$"), "Method"),
    (re.compile(r"\b(?:runs?|running|deployed|executed|measured|implemented|benchmarked)\s+on\s+"
                r"(?:an?\s+|the\s+)?(?:single\s+|commodity\s+)?$"), "Hardware"),
)
ANY_LEFT_RULE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in LEFT_RULES))
"""Matches wherever one of LEFT_RULES does: a single search rules out most mentions (and as
every rule ends in whitespace, so does a mention not preceded by any)."""
# "On LVBench, our method ...": a name opening a results sentence after "On" is what it is evaluated
# on (a size-coded name such as "Qwen2-7B" is a model that results are reported for).
EVALUATED_ON = re.compile(r"(?:On|Across)\s+(?:the\s+)?")
MODEL_SIZE = re.compile(r"\d+(?:\.\d+)?B\b")
APPOSITION = re.compile(r"\s*(?:,|\bis|\(|-|–|:)\s*(?:a|an|the)\s+")
WINDOW = 60


def type_from_context(text: str, start: int, end: int, sent_start: int, sent_end: int) -> EntityType | None:
    """The type the sentence gives the mention at [start, end), if a cue says so."""
    right = text[end:min(end + WINDOW, sent_end)]
    for pattern, type_ in RIGHT_RULES:
        if pattern.match(right):
            return type_
    apposition = APPOSITION.match(text, end, sent_end)
    if apposition:
        type_ = type_of_description(text[apposition.end():min(apposition.end() + 80, sent_end)])
        if type_ in ("Method", "Dataset", "Hardware"):
            return type_
    if EVALUATED_ON.fullmatch(text, sent_start, start) and text.startswith(",", end) \
            and not MODEL_SIZE.search(text, start, end):
        return "Dataset"
    left = text[max(sent_start, start - WINDOW):start]
    if left[-1:].isspace() and ANY_LEFT_RULE.search(left):
        for pattern, type_ in LEFT_RULES:
            if pattern.search(left):
                return type_
    return None
