"""What the pipeline components leave on a Doc, in `doc._.kg` (one `DocState` per document).

Components run in order (see `kg.extract.pipeline`) and each reads what the earlier ones
wrote: the lexicon, acronym and coined-name components add `Candidate` spans, the entity
component resolves overlaps and groups them into `EntityDraft`s, the proposed component
marks drafts, and the results component adds `Result`s. Everything is in character
offsets into `doc.text`, which is `Paper.text`, so no token/char conversion leaks out.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.model import EntityType, Result

if not Doc.has_extension("kg"):
    Doc.set_extension("kg", default=None)


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

    def __init__(self, doc: Doc) -> None:
        self.text = doc.text
        self.bounds = [(s.start_char, s.end_char) for s in doc.sents]
        self.starts = [start for start, _ in self.bounds]
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
    """`text` is `doc.text` computed once (spaCy rebuilds `doc.text` from tokens on each access)."""

    sentences: Sentences
    candidates: list[Candidate] = field(default_factory=list)
    kept: list[Candidate] = field(default_factory=list)
    acronyms: list[AcronymPair] = field(default_factory=list)
    entities: list[EntityDraft] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.sentences.text


def state(doc: Doc) -> DocState:
    """The doc's state, created on first use (after sentence boundaries are set)."""
    current = doc._.kg
    if current is None:
        current = DocState(Sentences(doc))
        doc._.kg = current
    return current


def fold(name: str) -> str:
    """ANNOTATION.md's name comparison: case folded, only letters and digits, plural 's' dropped."""
    folded = "".join(ch for ch in name.lower() if ch.isalnum())
    return folded[:-1] if len(folded) > 3 and folded.endswith("s") else folded
