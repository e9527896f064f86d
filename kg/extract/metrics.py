"""Metric phrases the lexicon cannot list: modifiers + a metric head noun, where reported.

"reduces machine footprint by up to 19x", "speeds up model switching time by 15x",
"12,041x less search cost", "its acceptance length by 25%": one to three modifier words
before a metric head ("footprint", "time", "cost", "length", ...) make a Metric when a
comparison cue stands before the phrase ("reduces", "lower", "less", "reduces the",
"improvement in", ...) or a
quantity follows it ("by 25%", "of 3.6%", "from 36 hours"). Modifiers are lower-case
words that are not function words, adverbs (-ly) or comparison words. A few heads name a
measure alone right after a comparative ("3.7x smaller size", "higher speed"). A coined name
or an acronym before "score" names a metric ("VBench score", "CLAP score").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.coined import shape
from kg.extract.state import Candidate, fold, state
from kg.extract.words import WordPattern

HEADS = ("cost|costs|time|times|footprint|score|scores|capacity|capacities|complexity|speed|speeds|length|"
         "rate|rates|error|errors|accuracy|latency|latencies|throughput|consumption|overhead|usage|"
         "efficiency|size|utilization|utilisation|bandwidth|ratio|quality|fidelity|gap|loss|volume")
HEAD = WordPattern(rf"\b(?:{HEADS})\b", HEADS.split("|"))
CUES = frozenset("reduce reduces reduced reducing reduction lower lowers higher improve improves improved "
                 "improving improvement better less fewer more smaller larger faster boost boosts boosting "
                 "cut cuts save saves saving up raise raises raised increases increased".split())
QUANTITY_AFTER = re.compile(r"\s+(?:by|of|from)\s+(?:up to\s+|about\s+|over\s+|only\s+)?[~+$]?\d")
LINKS = frozenset({"in", "of", "on", "the", "its", "their"})  # "reduction in X", "reduces the X"
MODIFIER_WORDS = re.compile(r"(?:(?<=\s)|^)([a-z][a-z-]+)\s+$")
NOT_MODIFIERS = frozenset((
    "a an the this that these those its their our his her your my we it they which who whose what "
    "of in on at by for to from with without into over under than as and or but nor not no only "
    "is are was were be been being has have had do does did can could may might will would shall should "
    "lower higher better worse less more fewer smaller larger faster slower reduced improved increased "
    "decreased reduces improves increases decreases reduce improve increase decrease reducing improving "
    "increasing decreasing same similar comparable competitive overall total significant substantial "
    "high low good best worst great large small new novel state-of-the-art both all each every much many "
    "up down also further even very while whereas achieves achieve achieved achieving maintaining "
    "maintains maintain speeds speed cuts saves saving between among across per via within around about "
    "through during after before against toward towards upon along beyond").split())
MAX_MODIFIERS = 3
# Sizes and lengths that set an experiment up rather than measure its outcome: "a larger batch
# size", "longer context length" are hyperparameters, not metrics.
SETUP_SIZES = re.compile(r"\b(?:batch|mini-?batch|window|step|kernel|patch|hidden|vocabulary|context|sequence|"
                         r"input|chunk|block|tile|beam|group|population|sample|embedding|image|grid|prompt|"
                         r"prefix|cache line|page)\s+(?:size|sizes|length|lengths)$")


def _phrase_start(text: str, head_start: int) -> int | None:
    """Start of the modifiers before the metric head at `head_start`: positive when a cue
    precedes them, -start-1 when only a quantity after the head may vouch for them."""
    words = _words_before(text, head_start)
    modifiers: list[tuple[int, str]] = []
    rest: list[str] = []  # the word that ends the modifiers and the one before it
    for start, word in words:
        if word in NOT_MODIFIERS or word.endswith("ly"):
            rest = [word, *(w for _, w in islice(words, 1))] if modifiers else []
            break
        modifiers.append((start, word))
        if len(modifiers) > MAX_MODIFIERS:
            return None
    if not modifiers:
        return None
    cued = bool(rest) and (rest[0] in CUES or rest[0] in LINKS and len(rest) > 1 and rest[1] in CUES)
    return modifiers[-1][0] if cued else -modifiers[-1][0] - 1


def _words_before(text: str, pos: int) -> Iterator[tuple[int, str]]:
    """Start and text of the words before `pos`, nearest first: as many as the modifiers and
    the two words before them can take, read only as far as they are needed."""
    for _ in range(MAX_MODIFIERS + 2):
        word = MODIFIER_WORDS.search(text, max(0, pos - 30), pos)
        if word is None:
            return
        yield word.start(1), word.group(1)
        pos = word.start(1)


# Heads that name a measure on their own right after a comparative ("smaller size", "higher speed").
STANDALONE = frozenset("size speed cost costs footprint overhead bandwidth".split())
COMPARATIVES = frozenset("smaller larger lower higher faster slower better worse less more fewer reduced "
                         "improved increased decreased".split())


def _compared(text: str, head_start: int) -> bool:
    word = MODIFIER_WORDS.search(text, max(0, head_start - 30), head_start)
    return word is not None and word.group(1) in COMPARATIVES


# "a VBench score drop", "a CLAP score of 0.41": a score named after a benchmark, model or measure.
NAME_BEFORE = re.compile(r"(?<![\w-])([A-Z][\w.+-]*[A-Za-z0-9+])[ \t]+$")
SCORES = ("score", "scores")


def _named_score(text: str, head: re.Match[str]) -> int | None:
    """Start of the name before "score" when it has the shape of a coined name or an acronym."""
    if head.group() not in SCORES:
        return None
    name = NAME_BEFORE.search(text, max(0, head.start() - 30), head.start())
    return name.start(1) if name is not None and shape(name.group(1)) in ("shape", "caps") else None


@Language.component("kg_metric_phrases")
def metric_phrases(doc: Doc) -> Doc:
    st = state(doc)
    text = st.text
    for head in HEAD.finditer(text):
        start = _phrase_start(text, head.start())
        if start is None:
            named = _named_score(text, head)
            if named is not None:
                st.candidates.append(Candidate(named, head.end(), "Metric", "metric-phrase",
                                               f"name:{fold(text[named:head.end()])}"))
                continue
            if head.group() in STANDALONE and _compared(text, head.start()):  # "3.7x smaller size"
                st.candidates.append(Candidate(head.start(), head.end(), "Metric", "metric-phrase",
                                               f"name:{fold(head.group())}"))
            continue
        if start < 0:  # no cue before: a quantity must follow ("acceptance length by 25%")
            if not QUANTITY_AFTER.match(text, head.end()):
                continue
            start = -start - 1
        name = text[start:head.end()]
        if SETUP_SIZES.search(name):
            continue
        st.candidates.append(Candidate(start, head.end(), "Metric", "metric-phrase", f"name:{fold(name)}"))
    return doc
