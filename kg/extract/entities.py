"""From candidate spans to one draft entity per thing.

1. Overlaps: the longest span wins ("GPU hours" over "GPU", "the CIFAR-10 dataset" never
   arises since only names are candidates); on equal spans the lexicon beats an acronym,
   which beats a coined name. Software and generic names (blockers) take part and then vanish.
   Adjacent metric names join ("top-1" "test accuracy"), a device class after a device's
   name is part of it ("A100 GPUs", "RISC-V SoC"), and modifiers make new names of known
   ones ("Evolved Transformer", "Nvidia GPUs", "throughput per DSP", "Open-Sora 1.2").
2. Grouping: spans with the same key (lexicon entry, acronym pair, coined name) or the same
   folded text are one entity; an acronym pair joins whatever covers its long form and
   its short form. The long form decides what the short form means in this paper: where
   the two are lexicon names of different types ("Masked Autoencoders (MAE)" against the
   metric MAE) or the long form's head noun gives another type, every use of the short form
   takes the long form's type; where the long form is a blocker ("machine learning (ML)"),
   so is every use of the short form. Releases or sizes of one family that a lexicon entry
   lists as aliases ("Whisper", "Whisper large-v3") are split apart where one abstract names
   several of them.
3. Typing (and a task used as a modifier, "a distributed training framework", is none): the lexicon's type; else the acronym long form's head noun; else the context of
   any mention (`kg.extract.context`); else a neighbour in a coordination ("ResNet,
   DenseNet and FractalNet"); else the type of a lexicon name inside a coined one
   ("DGX-A100" -> Hardware); else, for a title prefix or a coined shape, Method. Drafts
   still untyped stay so; the proposed component may type them, the rest are dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.context import type_from_context
from kg.extract.heads import SIZE_CODES, VARIANT_WORDS
from kg.extract.state import (
    NAMES_CACHED,
    AcronymPair,
    Candidate,
    DocState,
    EntityDraft,
    fold,
    state,
)
from kg.model import EntityType

PRIORITY = {"lexicon": 0, "acronym": 1, "title-prefix": 2}
COORDINATION = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s|/)\s*(?:(?:the|a|an)\s+)?")


def _priority(candidate: Candidate) -> int:
    return _rule_priority(candidate.rule)


@lru_cache(maxsize=NAMES_CACHED)
def _rule_priority(rule: str) -> int:
    return PRIORITY.get(rule.split(":")[0], 3)


def resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Longest first, then by priority; keep those that overlap nothing kept (sorted by start).
    Of two overlapping spans of the same name, the one starting first is the name
    ("RTX 4090 GPUs" matching both "RTX 4090" and "4090 GPUs" gives "RTX 4090")."""
    first: dict[str, Candidate] = {}
    leftmost: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: (c.start, c.start - c.end)):  # longest first
        earlier = first.get(cand.key)
        if earlier is not None and earlier.start < cand.start < earlier.end:
            continue
        if earlier is None or cand.start >= earlier.end:
            first[cand.key] = cand
        leftmost.append(cand)
    kept: list[Candidate] = []
    taken = bytearray(max((c.end for c in candidates), default=0) + 1)
    for cand in sorted(leftmost, key=lambda c: (c.start - c.end, _priority(c), c.start)):
        if taken.find(1, cand.start, cand.end) >= 0:
            continue
        kept.append(cand)
        taken[cand.start:cand.end] = b"\x01" * cand.length
    return sorted(kept, key=lambda c: c.start)


# Lexicon names of device classes that follow a device's own name ("A100 GPUs", "RISC-V SoC").
DEVICE_CLASSES = frozenset({"GPU", "TPU", "NPU", "CPU", "FPGA", "ASIC", "DSP", "system on chip", "microcontroller",
                            "AI accelerator"})
DIGIT = re.compile(r"\d")


def attach_device_classes(kept: list[Candidate], text: str) -> list[Candidate]:
    """A device class right after a device's name is part of that mention, not a device of its
    own: after a model number it is left out ("10,000 A100 GPUs" names the A100), after a name
    without one it joins the name ("a RISC-V SoC", "Hopper GPUs"), which keeps the key of the
    name so that its bare uses are the same entity."""
    out: list[Candidate] = []
    for cand in kept:
        last = out[-1] if out else None
        if (last is not None and cand.type == last.type == "Hardware" and cand.lexicon in DEVICE_CLASSES
                and last.lexicon not in DEVICE_CLASSES and not text[last.end:cand.start].strip()
                and cand.start > last.end):
            if not DIGIT.search(text, last.start, last.end):
                out[-1] = Candidate(last.start, cand.end, "Hardware", last.rule, last.key, last.lexicon,
                                    last.wikidata)
            continue
        out.append(cand)
    return out


def join_metric_words(kept: list[Candidate], text: str) -> list[Candidate]:
    """Adjacent Metric names form one: "top-1" + "test accuracy" -> "top-1 test accuracy"."""
    joined: list[Candidate] = []
    for cand in kept:
        last = joined[-1] if joined else None
        if (last is not None and last.type == cand.type == "Metric" and last.lexicon and cand.lexicon
                and not text[last.end:cand.start].strip()):
            joined[-1] = replace(cand, start=last.start)
        else:
            joined.append(cand)
    return joined


CAPITALISED_BEFORE = re.compile(r"(?<![\w-])((?:[A-Z][A-Za-z-]*[ ]){1,2})$")
PER_UNIT = re.compile(r" per [A-Za-z][\w-]*")
EXTENDED_TYPES = ("Method", "Hardware")
# A version number after a known name names a release of its own ("Open-Sora 1.2", "Common Voice 15"),
# where the number ends the name: punctuation or a function word follows, not a noun it counts
# ("CIFAR-10 100 classes") or a unit ("ImageNet 10 times").
VERSION_AFTER = re.compile(r" [vV]?\d+(?:\.\d+)*(?=[,;:)]|\.(?!\d)|[ \t]+(?:and|or|with|on|in|for|as|by|to|from|is|"
                           r"are|was|were|which|that|under|over|at|via|achieves?|reaches?|obtains?)\b|$)")
VERSIONED_TYPES = ("Method", "Dataset")


def extend_names(kept: list[Candidate], text: str, sentence_starts: set[int], title_end: int
                 ) -> list[Candidate]:
    """Modifiers that make a new name of a known one: capitalised words (no digits) inside a sentence
    before a lexicon method or device ("Evolved Transformer", "Nvidia GPUs", "Hopper GPU",
    "Secure MobileNet-V1"; not in the title, where every word is capitalised), "per X" after a
    metric ("throughput per DSP") and a version number after a method or dataset ("Open-Sora 1.2").
    The result is its own entity."""
    taken = bytearray(len(text) + 1)  # names that an extension may not swallow
    for cand in kept:
        if cand.type is not None or cand.blocker:
            taken[cand.start:cand.end] = b"\x01" * cand.length
    out: list[Candidate] = []
    for cand in kept:
        start, end = cand.start, cand.end
        if cand.lexicon and cand.type in EXTENDED_TYPES and start > title_end:
            before = CAPITALISED_BEFORE.search(text, max(title_end, start - 40), start)
            if before is not None:
                first = before.start(1)
                if first not in sentence_starts and taken.find(1, first, start) < 0:
                    start = first
        elif cand.type == "Metric":
            per = PER_UNIT.match(text, end)
            if per is not None and taken.find(1, end, per.end()) < 0:
                end = per.end()
        if cand.lexicon and cand.type in VERSIONED_TYPES and text.startswith(" ", end):
            version = VERSION_AFTER.match(text, end)
            if version is not None and taken.find(1, end, version.end()) < 0:
                end = version.end()
        if (start, end) == (cand.start, cand.end):
            out.append(cand)
        else:
            name = text[start:end]
            out.append(Candidate(start, end, cand.type, "extended", f"name:{fold(name)}"))
    extended = [c for c in out if c.rule == "extended"]  # sorted and disjoint
    starts = [c.start for c in extended]

    def swallowed(cand: Candidate) -> bool:  # overlaps the extension starting last before its end
        i = bisect_left(starts, cand.end)
        return i > 0 and extended[i - 1] is not cand and extended[i - 1].end > cand.start

    return [c for c in out if not swallowed(c)]


class _Groups:
    """Union-find over candidate keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        parent = self.parent
        up = parent.setdefault(key, key)
        while up != key:  # path halving: each key on the way points to its grandparent
            grand = parent[up]
            parent[key] = grand
            key, up = grand, parent[grand]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _pair_spans(pair: AcronymPair, by_span: dict[tuple[int, int], Candidate], by_end: dict[int, Candidate]
                ) -> tuple[Candidate | None, Candidate | None]:
    """The kept spans of a pair's long form (or a longer name ending with it) and short form."""
    long = by_end.get(pair.long_end)
    if long is not None and long.start > pair.long_start:
        long = None
    return long, by_span.get((pair.short_start, pair.short_end))


def follow_long_forms(st: DocState, kept: list[Candidate]) -> None:
    """Give every use of a short form the meaning of its long form (module docstring, 2.)."""
    by_span = {(c.start, c.end): c for c in kept}
    by_end = {c.end: c for c in kept}
    meaning: dict[str, tuple[str, EntityType | None]] = {}  # short form's key -> its key and type here
    for pair in st.acronyms:
        long, short = _pair_spans(pair, by_span, by_end)
        if long is None or short is None or long.key == short.key or short.key in meaning:
            continue
        long_type = long.type or pair.type
        if long.blocker:
            meaning[short.key] = (long.key, None)
        elif short.lexicon is not None and long_type is not None and long_type != short.type:
            meaning[short.key] = (f"acr:{pair.short}", long_type)
    if meaning:
        for cand in kept:
            if cand.key in meaning:
                (cand.key, cand.type), cand.lexicon, cand.wikidata, cand.lower_is_better = \
                    meaning[cand.key], None, None, None


INITIALLED = re.compile(r"([A-Z]{2,4})-([A-Za-z][\w+]*)")
WORDS = re.compile(r"[A-Za-z]+")


def initialled_names(kept: list[Candidate], text: str) -> list[tuple[Candidate, Candidate]]:
    """Pairs ("PC-DARTS", "Partially-Connected DARTS"): a name whose capitals before a hyphen are
    the initials of the words that the other name puts before the same last word."""
    shorts: dict[tuple[str, str], Candidate] = {}  # (last word, initials) -> the first such name
    for cand in kept:
        if text.find("-", cand.start + 2, cand.start + 5) < 0:  # "AB-" to "ABCD-": cheap test first
            continue
        match = INITIALLED.fullmatch(text, cand.start, cand.end)
        if match and not cand.blocker:
            shorts.setdefault((match.group(2), match.group(1).lower()), cand)
    pairs: list[tuple[Candidate, Candidate]] = []
    if not shorts:
        return pairs
    seen: set[str] = set()  # one pair per long name (its mentions share a key)
    for cand in kept:
        if cand.blocker or cand.key in seen:
            continue
        head, _, tail = text[cand.start:cand.end].rpartition(" ")
        short = shorts.get((tail, "".join(w[0] for w in WORDS.findall(head)).lower())) if head else None
        if short is not None:
            seen.add(cand.key)
            pairs.append((short, cand))
    return pairs


def group(st: DocState, kept: list[Candidate], text: str) -> list[EntityDraft]:
    groups = _Groups()
    by_span = {(c.start, c.end): c for c in kept}
    by_end = {c.end: c for c in kept}
    for cand in kept:
        if cand.blocker:
            groups.find(cand.key)
        else:
            groups.union(cand.key, f"fold:{fold(text[cand.start:cand.end])}")
    pair_of: dict[str, tuple[str, str]] = {}
    for pair in st.acronyms:
        long, short = _pair_spans(pair, by_span, by_end)
        if long is None or short is None or long.blocker:
            continue
        groups.union(long.key, short.key)
        pair_of[long.key] = (text[long.start:long.end], pair.short)
    for short, long in initialled_names(kept, text):
        groups.union(short.key, long.key)
        pair_of.setdefault(long.key, (text[long.start:long.end], text[short.start:short.end]))
    pair_by_root = {groups.find(key): pair for key, pair in pair_of.items()}  # roots after all unions
    members: dict[str, list[Candidate]] = {}
    for cand in kept:
        if not cand.blocker:
            members.setdefault(groups.find(cand.key), []).append(cand)
    drafts: list[EntityDraft] = []
    for root, spans in members.items():
        lexical = [c for c in spans if c.lexicon is not None]
        draft = EntityDraft(type=None, spans=spans)
        if lexical:
            first = lexical[0]
            draft.type, draft.lexicon, draft.wikidata, draft.lower_is_better = \
                first.type, first.lexicon, first.wikidata, first.lower_is_better
        pair = pair_by_root.get(root)
        if pair is not None:
            draft.long_form, draft.acronym = pair
        drafts.append(draft)
    return drafts


# Tails that make a release or size of a known name ("SDXL" + "Turbo", "Llama-2" + "13B"), folded.
VARIANT_TAILS = VARIANT_WORDS | {code.lower() for code in SIZE_CODES}
SPLIT_TYPES = ("Method", "Dataset")


def _variant_of(form: str, bases: set[str]) -> bool:
    """Whether the folded name `form` is one of `bases` plus a version or size tail
    ("whisperlargev3" = "whisper" + "largev3", "ettm2" = "ett" + "m2"; "batchnormalization" is no
    variant of "batchnorm")."""
    for base in bases:
        if base and form != base and form.startswith(base):
            tail = form[len(base):]
            if DIGIT.search(tail) or tail in VARIANT_TAILS:
                return True
    return False


def split_variants(drafts: list[EntityDraft], text: str) -> list[EntityDraft]:
    """A lexicon entry that lists releases or sizes of one family as aliases ("Whisper" and "Whisper
    large-v3", "ETT" and "ETTh1", "ETTm2") groups their mentions; where one abstract names two of
    them, they are different things (ANNOTATION.md counts spelling variants only as one name). Each
    variant becomes an entity of its own, outside the lexicon entry; the other mentions keep it."""
    out: list[EntityDraft] = []
    for draft in drafts:
        if draft.lexicon is None or draft.type not in SPLIT_TYPES or len(draft.spans) < 2:
            out.append(draft)
            continue
        folded = [(cand, fold(text[cand.start:cand.end])) for cand in draft.spans]
        forms = {form for _, form in folded}
        parts: dict[str, list[Candidate]] = {}
        if len(forms) > 1:
            bases = forms | {fold(draft.lexicon)}
            for cand, form in folded:
                parts.setdefault(form if _variant_of(form, bases) else "", []).append(cand)
        if len(parts) < 2:
            out.append(draft)
            continue
        for key, spans in parts.items():
            if key:
                out.append(EntityDraft(type=draft.type, spans=spans))
            else:
                draft.spans = spans
                out.append(draft)
    return out


def type_drafts(st: DocState, drafts: list[EntityDraft], text: str, found: list[Candidate]) -> None:
    """Type untyped drafts by the rules of the module docstring, in that order."""
    for draft in drafts:
        if draft.type is None:
            draft.type = next((c.type for c in draft.spans if c.type is not None), None)
        if draft.type is None:
            for cand in draft.spans:
                sent_start, sent_end = st.sentences.span(cand.start)
                draft.type = type_from_context(text, cand.start, cand.end, sent_start, sent_end)
                if draft.type is not None:
                    break
    _type_by_coordination(drafts, text)
    lexical = sorted((c for c in found if c.lexicon is not None and c.type is not None), key=lambda c: c.start)
    starts = [c.start for c in lexical]
    for draft in drafts:
        if draft.type is None:
            draft.type = _embedded_type(draft, lexical, starts)
    for draft in drafts:
        if draft.type is None and any(c.rule in ("coined:shape", "title-prefix") for c in draft.spans):
            draft.type = "Method"


def _embedded_type(draft: EntityDraft, lexical: list[Candidate], starts: list[int]) -> EntityType | None:
    """The type of the longest lexicon name inside a coined mention ("DGX-A100" -> Hardware);
    `lexical` are the typed lexicon candidates sorted by start, `starts` theirs."""
    inner = [c for s in draft.spans if s.rule.startswith(("coined", "title"))
             for c in lexical[bisect_left(starts, s.start):bisect_left(starts, s.end)] if c.end <= s.end]
    return max(inner, key=lambda c: c.length).type if inner else None


ARTICLE = re.compile(r"\b(?:the|a|an)\s")


def _type_by_coordination(drafts: list[EntityDraft], text: str) -> None:
    """Untyped names listed with typed ones take their type ("ResNet, DenseNet and FractalNet"; not
    across an article: "... for Stable Audio Open, and a CLAP score" joins phrases, not a list)."""
    spans = sorted(((c, d) for d in drafts for c in d.spans), key=lambda pair: pair[0].start)
    gaps = ((left, right, COORDINATION.fullmatch(text, left[0].end, right[0].start))
            for left, right in zip(spans, spans[1:]))
    neighbours = [(left, right) for left, right, gap in gaps if gap and not ARTICLE.search(gap.group())]
    for pairs in (neighbours, neighbours[::-1]):  # forward then backward along each list
        for (_, left), (_, right) in pairs:
            if (left.type is None) != (right.type is None):
                (left if left.type is None else right).type = left.type or right.type


# A task name that modifies the noun after it names a kind of thing, not a problem the paper
# addresses: "a distributed training framework", "image generation models", "Retrieval-Augmented
# Generation" ("text-to-video diffusion models" still names the task).
TASK_AS_MODIFIER = re.compile(r"(?:[ ]+(?:models?|frameworks?|paradigms?|systems?|pipelines?|"
                              r"engines?|libraries|library|tools?|architectures?)\b|-[A-Za-z]+ed\b|"
                              r"-(?:based|aware|free|specific|oriented|centric|like)\b)")


def drop_task_modifiers(drafts: list[EntityDraft], text: str) -> list[EntityDraft]:
    """Task mentions that only modify a noun are dropped, and tasks left without a mention."""
    kept: list[EntityDraft] = []
    for draft in drafts:
        if draft.type == "Task":
            draft.spans = [c for c in draft.spans if not TASK_AS_MODIFIER.match(text, c.end)]
        if draft.spans:
            kept.append(draft)
    return kept


@Language.component("kg_entities")
def entities(doc: Doc) -> Doc:
    st = state(doc)
    text = st.text
    starts = {start for start, _ in st.sentences.bounds}
    kept = join_metric_words(attach_device_classes(resolve_overlaps(st.candidates), text), text)
    st.kept = extend_names(kept, text, starts, text.find("\n"))
    follow_long_forms(st, st.kept)
    st.entities = split_variants(group(st, st.kept, text), text)
    type_drafts(st, st.entities, text, st.candidates)
    st.entities = drop_task_modifiers(st.entities, text)
    return doc
