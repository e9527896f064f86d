"""The gazetteer: kg/extract/lexicon/*.tsv matched with a spaCy PhraseMatcher.

File format: a header ``name<TAB>aliases<TAB>wikidata`` (metric.tsv adds ``<TAB>better``),
``#`` comment lines, aliases separated by `` | ``; the entity type comes from the file name
(method.tsv -> Method ...).
``software.tsv`` lists libraries and tools, ``generic.tsv`` names that look like entities but
are not (research fields, generic training stages): both are matched so that no other rule
tags them (they block overlapping spans) and yield no entity.

Surface variants are generated, so the files list each name once:
- hyphen / space / no separator: "CIFAR-10" = "CIFAR10" = "CIFAR 10", "pre-training" =
  "pretraining", "object detection" = "object-detection" (lower-case names of up to four
  words: "time-to-first-token"); letter-digit boundaries after
  two letters and version suffixes likewise ("RTX 4090" = "RTX4090" = "RTX-4090", "MobileNetV2" =
  "MobileNet-V2" = "MobileNet V2");
- Title Case of a name led by an acronym, as titles write it: "LLM serving" = "LLM Serving";
- British spellings of lower-case names: "quantization" = "quantisation", "normalizing flow"
  = "normalising flow";
- plurals of the last word: "GPUs", "A100s", "Transformers", "latencies" (not for datasets
  and tasks, which text does not pluralise).
Case rule (why: short upper-case names collide with words, "MAP"/"map", "OPT"/"opt"):
- a name without upper-case letters (other than the D of "3D") matches case-insensitively
  ("image classification" also matches "Image Classification" in a title, "3D object
  detection" "3D Object Detection");
- a multi-word name in Title Case without all-caps or mixed-case words ("Direct Preference
  Optimization") matches case-insensitively too;
- a single mixed-case word of five or more letters with an internal capital ("ImageNet",
  "MobileNetV2") matches case-insensitively ("Imagenet");
- every other name (all-caps "BERT", digit-bearing "GPT-4", "RTX 4090", capitalised
  single words "Theta") matches exactly as written; lexicon aliases list other casings.
Patterns are made by running the pipeline's own tokenizer on every variant, so they split
exactly as the text does. One case-insensitive matcher holds them all; a match of an exact
name is kept where its tokens are written as one of its variants (a second, case-sensitive
matcher cost a second pass over every doc's tokens for the few such matches).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.errors import KgInputError
from kg.extract.state import BLOCK, Candidate, DocState, fold, state
from kg.model import ENTITY_TYPES, EntityType

LEXICON_DIR = Path(__file__).parent / "lexicon"
BLOCKING_FILES = ("software", "generic")  # matched, never entities
FILE_TYPES: dict[str, EntityType | None] = {t.lower(): t for t in ENTITY_TYPES}
FILE_TYPES.update(dict.fromkeys(BLOCKING_FILES))
UNCOUNTED = ("Dataset", "Task")  # names that are not pluralised in text ("ImageNet", "image classification")


BETTER: dict[str, bool | None] = {"lower": True, "higher": False, "": None}
"""The values of metric.tsv's ``better`` column, as `Entry.lower_is_better`: which values of the
metric are the better ones; empty where that is no property of the metric but of the point of
view or the variant (attack success rate, sparsity)."""


@dataclass(frozen=True, slots=True)
class Entry:
    type: EntityType | None
    name: str
    aliases: tuple[str, ...]
    wikidata: str | None
    source: str = ""  # the file stem, which names a blocker's kind
    lower_is_better: bool | None = None

    @property
    def key(self) -> str:
        return f"lex:{self.type}:{self.name}" if self.type else f"{BLOCK}{self.source}:{self.name}"


def read_lexicon(directory: Path = LEXICON_DIR) -> tuple[Entry, ...]:
    """Every entry of every known TSV file in `directory` (missing files are empty)."""
    entries: list[Entry] = []
    for stem, type_ in FILE_TYPES.items():
        path = directory / f"{stem}.tsv"
        if path.exists():
            entries.extend(_read_file(path, type_, stem))
    return tuple(entries)


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        header_seen = False
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.rstrip("\r\n").split("\t")
            if not header_seen:
                header_seen = True
                if fields and fields[0].strip().lower() == "name":
                    continue
            yield number, fields


def _entry(path: Path, number: int, fields: list[str], type_: EntityType | None, source: str) -> Entry:
    name = fields[0].strip() if fields else ""
    if not name:
        raise KgInputError("lexicon entry without a name", path, number)
    aliases = tuple(a.strip() for a in (fields[1] if len(fields) > 1 else "").split("|") if a.strip())
    wikidata = fields[2].strip() if len(fields) > 2 and fields[2].strip() else None
    return Entry(type_, name, aliases, wikidata, source, _lower_is_better(path, number, fields, type_))


def _lower_is_better(path: Path, number: int, fields: list[str], type_: EntityType | None) -> bool | None:
    better = fields[3].strip() if len(fields) > 3 else ""
    if better not in BETTER or (better and type_ != "Metric"):
        raise KgInputError(f"the better column is {better!r}: a metric's is lower, higher or empty, "
                           "and other entries have none", path, number)
    return BETTER[better]


def _read_file(path: Path, type_: EntityType | None, source: str) -> Iterator[Entry]:
    for number, fields in _rows(path):
        yield _entry(path, number, fields, type_, source)


_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z]{2})(?<![a-z][Vv])[ -]?(?=\d)")
_VERSION = re.compile(r"(?<=[a-z])[ -]?(?=[Vv]\d+(?:\.\d+)?$)")
_WORD = re.compile(r"[A-Za-z]+")
_ACRONYM_LED = re.compile(r"[A-Z][A-Z0-9]+(?: [a-z]+){1,2}")  # "LLM serving", "KV cache"
_IZE = re.compile(r"(?<=[a-z])iz(?=e|ation|ing|er)")  # "quantization" = "quantisation"


def british_spellings(name: str) -> set[str]:
    """-ise / -isation forms of a lower-case name written with -ize / -ization."""
    return {_IZE.sub("is", name)} if name.islower() and _IZE.search(name) else set()
_SEPARATOR = re.compile(r"[\s-]")
_METRIC_HEAD_AFTER = re.compile(r"\)?(?:\s*\([^()]{1,60}\)|\s*(?:/|\band\b|\bor\b)\s*(?:\d+(?:\.\d+)?\s*%\s*)?[\w-]+)?"
                                r"\s+([A-Za-z]+)")
"""What may stand between a bare metric name and its head noun: "25.1% top-1 (7.8% top-5) error",
"top-1/top-5 error", "22.1% top-1 and 6.1% top-5 error rate" (the head word is the group's)."""


def surface_variants(name: str, plurals: bool = True) -> set[str]:
    """The spellings of `name` the text may use (see the module docstring)."""
    forms = {name}
    if "-" in name:
        forms |= {name.replace("-", " "), name.replace("-", "")}
    elif name.islower() and 1 <= name.count(" ") <= 3:
        forms.add(name.replace(" ", "-"))  # "object detection" = "object-detection", "time-to-first-token"
    elif _ACRONYM_LED.fullmatch(name):
        forms.add(" ".join(w if w.isupper() else w.capitalize() for w in name.split()))  # "LLM Serving" in a title
    for form in list(forms):
        if _LETTER_DIGIT.search(form):
            forms |= {_LETTER_DIGIT.sub(sep, form) for sep in ("", "-", " ")}
        if _VERSION.search(form):
            forms |= {_VERSION.sub(sep, form) for sep in ("", "-", " ")}
    for form in list(forms):
        forms |= british_spellings(form)
    if plurals:
        forms |= {plural(form) for form in forms}
    return {f for f in forms if f.strip()}


def plural(name: str) -> str:
    last = name[-1]
    if not last.isalnum() or name.endswith(("s", "x", "sh", "ch")):
        return name
    if name.endswith("y") and len(name) > 2 and name[-2] not in "aeiou" and name[-2].islower():
        return name[:-1] + "ies"
    return name + "s"


_DIMENSIONS = re.compile(r"(?<![\w-])\d[Dd](?![\w])")  # "3D", "2D": the same word in any case


def case_insensitive(name: str) -> bool:
    """The case rule of the module docstring."""
    if not any(ch.isupper() for ch in _DIMENSIONS.sub("", name)):
        return True
    words = _WORD.findall(name)
    if _SEPARATOR.search(name.strip()):
        return len(words) > 1 and not any(ch.isdigit() for ch in name) \
            and all(w.islower() or (w[0].isupper() and w[1:].islower()) for w in words)
    letters = sum(ch.isalpha() for ch in name)
    return letters >= 5 and any(ch.isupper() for ch in name[1:]) and any(ch.islower() for ch in name)


EXACT = "\x00exact"
"""Suffix of the match key of an entry's case-sensitive variants."""


class LexiconMatcher:
    """Adds a `Candidate` for every lexicon match (software names as blockers)."""

    def __init__(self, nlp: Language, directory: Path) -> None:
        self.entries = read_lexicon(directory)
        # match id (the hash of the key) -> entry, key and rule of a candidate
        self.by_id = {nlp.vocab.strings.add(entry.key): (entry, entry.key, f"lexicon:{entry.name}")
                      for entry in self.entries}
        self.metrics = {fold(name): entry for entry in self.entries if entry.type == "Metric"
                        for name in (entry.name, *entry.aliases)}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact_forms: dict[int, set[tuple[str, ...]]] = {}
        """Match id of an entry's case-sensitive variants -> their tokens' texts, which a match must have."""
        self._add_patterns(nlp)

    def _add_patterns(self, nlp: Language) -> None:
        """One tokenizer pass over every distinct variant (a variant matched case-insensitively
        for an entry is not also matched exactly). Variants are not merged by case: the
        tokenizer may split "1K" and "1k" differently."""
        exact: dict[str, set[str]] = {}
        folded: dict[str, set[str]] = {}
        for entry in self.entries:
            for name in (entry.name, *entry.aliases):
                variants = surface_variants(name, plurals=entry.type not in UNCOUNTED)
                (folded if case_insensitive(name) else exact).setdefault(entry.key, set()).update(variants)
        for key, variants in exact.items():
            variants -= folded.get(key, set())
        texts = sorted(set().union(*exact.values(), *folded.values()))
        docs = dict(zip(texts, nlp.tokenizer.pipe(texts)))
        for key, variants in exact.items():
            if variants:
                exact_key = key + EXACT
                exact_id = nlp.vocab.strings.add(exact_key)
                self.by_id[exact_id] = self.by_id[nlp.vocab.strings[key]]
                self.exact_forms[exact_id] = {tuple(t.text for t in docs[v]) for v in variants}
                self.matcher.add(exact_key, [docs[v] for v in sorted(variants)])
        for key, variants in folded.items():
            if variants:
                self.matcher.add(key, [docs[v] for v in sorted(variants)])

    def __call__(self, doc: Doc) -> Doc:
        doc_state = state(doc)
        candidates = doc_state.candidates
        token_starts, token_ends = doc_state.token_starts, doc_state.token_ends
        for match_id, start, end in self._matches(doc, doc_state):
            entry, key, rule = self.by_id[match_id]
            start_char, end_char = token_starts[start], token_ends[end - 1]
            if entry.type == "Metric":
                headed = self._with_head(doc_state.text, start_char, end_char, entry)
                if headed is not entry:
                    entry, key, rule = headed, headed.key, f"lexicon:{headed.name}"
            candidates.append(Candidate(start_char, end_char, entry.type, rule, key, entry.name,
                                        entry.wikidata, entry.lower_is_better))
        return doc

    def _matches(self, doc: Doc, doc_state: DocState) -> list[tuple[int, int, int]]:
        """The matcher's (match id, start token, end token), an exact name's only where its tokens
        are written as one of its variants; those first, as when each case had a matcher of its
        own (the order decides between two entries matching the same span)."""
        text, token_starts, token_ends = doc_state.text, doc_state.token_starts, doc_state.token_ends
        exact: list[tuple[int, int, int]] = []
        folded: list[tuple[int, int, int]] = []
        for match in self.matcher(doc):
            forms = self.exact_forms.get(match[0])
            if forms is None:
                folded.append(match)
            elif tuple(text[token_starts[i]:token_ends[i]] for i in range(match[1], match[2])) in forms:
                exact.append(match)
        return exact + folded

    def _with_head(self, text: str, start: int, end: int, entry: Entry) -> Entry:
        """The metric a bare name makes with a head noun after a parenthesis or a coordinated
        name: "top-1" is top-1 accuracy, but "top-1 (7.8% top-5) error" is top-1 error."""
        head = _METRIC_HEAD_AFTER.match(text, end)
        if head is None:
            return entry
        return self.metrics.get(fold(f"{text[start:end]} {head.group(1)}"), entry)


@Language.factory("kg_lexicon", default_config={"directory": None})
def make_lexicon_matcher(nlp: Language, name: str, directory: str | None) -> LexiconMatcher:
    return LexiconMatcher(nlp, Path(directory) if directory else LEXICON_DIR)
