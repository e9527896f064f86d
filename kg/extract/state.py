"""What the pipeline components leave on a Doc: one `DocState` per document, in
`doc.user_data` (see `state`).

Components run in order (see `kg.extract.pipeline`) and each reads what the earlier ones
wrote: the lexicon, acronym and coined-name components add `Candidate` spans, the entity
component resolves overlaps and groups them into `EntityDraft`s, the proposed component
marks drafts, and the results component adds `Result`s. Everything is in character
offsets into `doc.text`, which is `Paper.text`, so no token/char conversion leaks out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from operator import add

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from kg.model import EntityType, Result

BLOCK = "block:"


@dataclass(slots=True)
class Candidate:
    """A span that may name an entity; `type` None until some rule types it. A key starting
    with `BLOCK` marks a blocker (a software or generic name, a web address): it wins overlaps like
    any span but yields no entity."""

    start: int
    end: int
    type: EntityType | None
    rule: str
    key: str
    lexicon: str | None = None
    wikidata: str | None = None
    lower_is_better: bool | None = None

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def blocker(self) -> bool:
        return self.key.startswith(BLOCK)


@dataclass(slots=True)
class AcronymPair:
    """"long form (SHORT)", "SHORT (long form)" or "SHORT: Long Form" found in the text."""

    long_start: int
    long_end: int
    short_start: int
    short_end: int
    long: str
    short: str
    type: EntityType | None


@dataclass(slots=True)
class EntityDraft:
    """One entity of the document while the pipeline still works on it."""

    type: EntityType | None
    spans: list[Candidate]
    lexicon: str | None = None
    wikidata: str | None = None
    lower_is_better: bool | None = None
    long_form: str | None = None
    acronym: str | None = None
    proposed: bool = False

    @property
    def first(self) -> Candidate:
        return min(self.spans, key=lambda c: c.start)


MAX_EVIDENCE = 2000
EVIDENCE_CONTEXT = 300


class Sentences:
    """Sentence boundaries of a doc in characters, for offset -> sentence look-ups."""

    def __init__(self, text: str, bounds: list[tuple[int, int]]) -> None:
        self.text = text
        self.bounds = bounds
        self.starts = [start for start, _ in bounds]
        self._texts: dict[int, str] = {}

    def index(self, char: int) -> int:
        return max(bisect_right(self.starts, char) - 1, 0)

    def span(self, char: int) -> tuple[int, int]:
        return self.bounds[self.index(char)]

    def evidence(self, start: int, end: int) -> str:
        """The sentence around text[start:end]. A sentence longer than `MAX_EVIDENCE`
        characters (only pathological input has one) gives the `EVIDENCE_CONTEXT` characters
        either side instead, so evidence stays linear in the text. Each sentence's text is
        made once and shared by its mentions."""
        index = self.index(start)
        sent_start, sent_end = self.bounds[index]
        if sent_end - sent_start > MAX_EVIDENCE:
            return self.text[max(sent_start, start - EVIDENCE_CONTEXT):min(sent_end, end + EVIDENCE_CONTEXT)].strip()
        cached = self._texts.get(index)
        if cached is None:
            cached = self._texts[index] = self.text[sent_start:sent_end].strip()
        return cached


@dataclass(slots=True)
class DocState:
    """`text` is the doc's text (`doc_text`), kept once for all components."""

    sentences: Sentences
    token_starts: list[int]  # each token's offsets in characters, by token index
    token_ends: list[int]
    candidates: list[Candidate] = field(default_factory=list)
    kept: list[Candidate] = field(default_factory=list)
    acronyms: list[AcronymPair] = field(default_factory=list)
    entities: list[EntityDraft] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.sentences.text


STATE = "kg.state"
TEXT = "kg.text"
"""Keys of `doc.user_data`: a plain dict, read about 30 times faster than a `doc._` extension."""


def state(doc: Doc) -> DocState:
    """The doc's state, made by the kg_sentences component (here, on first use, for a doc
    that has sentence boundaries from elsewhere)."""
    current = doc.user_data.get(STATE)
    if current is None:
        current = new_state(doc, doc_text(doc), [(s.start_char, s.end_char) for s in doc.sents])
    return current


def new_state(doc: Doc, text: str, sentences: list[tuple[int, int]],
              tokens: tuple[list[int], list[int]] | None = None) -> DocState:
    """A new state for `doc`, which has this text and these sentence bounds; `tokens` are the
    tokens' starts and lengths in characters (read from the doc when not given)."""
    if tokens is None:
        columns = doc.to_array([IDX, LENGTH])
        tokens = columns[:, 0].tolist(), columns[:, 1].tolist()
    starts, lengths = tokens
    current = DocState(Sentences(text, sentences), starts, list(map(add, starts, lengths)))
    doc.user_data[STATE] = current
    return current


def drop_state(doc: Doc) -> None:
    """Forget the doc's state and text (the Doc may be kept by spaCy's internals)."""
    doc.user_data.pop(STATE, None)
    doc.user_data.pop(TEXT, None)


def make_doc(nlp: Language, text: str) -> Doc:
    """`nlp.make_doc(text)` that remembers `text`: spaCy rebuilds `doc.text` from the tokens,
    one `Token` object each, which costs as much as a pipeline component."""
    doc = nlp.make_doc(text)
    doc.user_data[TEXT] = text
    return doc


def doc_text(doc: Doc) -> str:
    """The text of a doc, which is the text it was made from."""
    text = doc.user_data.get(TEXT)
    return doc.text if text is None else text


NAMES_CACHED = 1 << 16
"""How many names the pure functions of a name (`fold`, `kg.extract.coined.shape`, ...) remember:
the same names recur across papers, and a look-up is cheaper than the rules."""
NOT_ALNUM = re.compile(r"[\W_]+")  # exactly the characters for which str.isalnum() is false


@lru_cache(maxsize=NAMES_CACHED)
def fold(name: str) -> str:
    """ANNOTATION.md's name comparison: case folded, only letters and digits, plural 's' dropped
    (but not a size code: "Whisper-Lite-S" is not the plural of "Whisper-Lite")."""
    folded = NOT_ALNUM.sub("", name.lower())
    plural = len(folded) > 3 and folded.endswith("s") and not name.endswith(("-S", " S"))
    return folded[:-1] if plural else folded
