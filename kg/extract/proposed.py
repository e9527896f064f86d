"""What the paper introduces (ANNOTATION.md, `proposed`).

Cues, each within one sentence:
- "we / this paper / this work [also] propose / introduce / present / develop / describe /
  engineer / term / call ...", "by introducing / proposing ..." and "(we study X) and propose /
  introduce ..." mark the first eligible name after the verb (within 100
  characters, its object: no preposition between unless the name follows a comma, "a
  framework for X, NAME"), the names listed with it, and the parts defined after it ("we
  propose A (X), which has (1) Tower Module (TM), (2) ...": acronyms with a Title Case long
  form, not used as a modifier: "for Computer-Aided Design (CAD) sketches" is the setting),
  all within 600 characters;
- "called / named / dubbed / termed X" (the name found by `kg.extract.coined`);
- "our X", "(the) proposed X" (not "recently / previously proposed X"), "the newly introduced X", "under the name X", and
  "X, a novel / new ...", "X is a new ..." (not "On X, our method ...": X is what it is evaluated on);
- a coined name opening the title before ":";
- a size or version of a proposed name ("Med-Distill-3B" after "we propose Med-Distill").
Eligible: names not from the lexicon (well known, so not new) of type Method, Dataset,
Hardware, untyped or Task (both then become a Method: papers introduce methods for tasks,
rarely new tasks); a lexicon name only when it opens the title with a coined shape
("ShuffleNet V2: ...", but not "Neural Architecture Search: A Survey").
Drafts still untyped after this component are dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.coined import shape
from kg.extract.context import EVALUATED_ON
from kg.extract.entities import COORDINATION
from kg.extract.heads import (
    PROPOSAL_SUBJECT,
    PROPOSAL_VERB,
    SIZE_CODES,
    SUBJECT_OPENERS,
    VARIANT_WORDS,
    type_from_head,
)
from kg.extract.state import DocState, EntityDraft, state
from kg.extract.words import WordPattern

VERB = WordPattern(rf"\b{PROPOSAL_SUBJECT}\s+(?:[a-z]+\s+){{0,2}}?{PROPOSAL_VERB}"
                   r"|\bby (?:introducing|proposing|presenting)\b"
                   r"|\band\s+(?:then\s+|further\s+|also\s+)?(?:propose|introduce)s?\b",  # "We study X and propose Y"
                   (*SUBJECT_OPENERS, "by", "and"))
BEFORE = re.compile(r"(?:\b[Oo]ur|(?<!recently )(?<!previously )(?<!originally )(?<!been )(?<!was )(?<!were )\bproposed|\bnewly (?:introduced|proposed|released|collected)|"
                    r"\bunder the name)\s+(?:new\s+|novel\s+|final\s+|resulting\s+|best\s+)?[\"“]?$")
BEFORE_WORDS = ("our", "Our", "proposed", "newly", "under the name")  # one is in every match of BEFORE
AFTER = re.compile(r"\s*(?:,|\bis|\(|-|–|:)\s*"
                   r"(?:(?:a|an)\s+(?:\w+\s+)?(?:novel|new)\b|our\b|the proposed\b)")
TITLE_CASE = re.compile(r"[A-Z0-9][\w-]*(?:\s+(?:[A-Z0-9][\w-]*|of|for|and|to|in|on|with|the|a))*")
PROPOSABLE = (None, "Method", "Dataset", "Hardware", "Task")
# "a Computer-Aided Design (CAD) sketch": a defined name that modifies the noun after it is
# the setting of the contribution, not a part of it.
ATTRIBUTIVE = re.compile(r"\)\s+(?!(?:and|or|which|that|to|is|are|with|for|as|in|on|by|of|from|via)\b)([a-z][\w-]*)")


def _attributive(text: str, short_end: int) -> bool:
    """Whether the defined name modifies the word after it, which is not a head noun that says
    what the name is ("Time Series MambaMixer (TSM2) architectures" names architectures)."""
    match = ATTRIBUTIVE.match(text, short_end)
    return match is not None and type_from_head(match.group(1)) not in ("Method", "Dataset", "Hardware")
CUE_WINDOW = 100
LIST_WINDOW = 600  # how far after the verb its list of parts may run
PREPOSITION = re.compile(r"\b(?:for|of|to|on|in|with|from|by|that|which|into|over|under|using|via)\b")


def _eligible(draft: EntityDraft) -> bool:
    """Not from the lexicon (well known, so not new); a Method, Dataset, Hardware or untyped;
    or a Task the paper names itself ("SD-DARTS: Self-Distillation ... Architecture Search")."""
    return draft.type in PROPOSABLE and draft.lexicon is None


def mark_proposed(st: DocState, text: str) -> None:
    owner = {(c.start, c.end): d for d in st.entities for c in d.spans}
    named_spans = {(c.start, c.end) for c in st.candidates if c.rule in ("title-prefix", "coined:cue")}
    mentions = sorted(owner.items())
    title_end = text.find("\n")
    for (start, end), draft in mentions:
        if (start, end) in named_spans and start < title_end and draft.type in PROPOSABLE and (
                draft.lexicon is None or any(shape(w) for w in text[start:end].split())):
            draft.proposed = True  # a title's own coined name, even when the lexicon knows it
        if not _eligible(draft):
            continue
        sent_start, sent_end = st.sentences.span(start)
        apposed = AFTER.match(text, end, min(sent_end, end + 40)) and not EVALUATED_ON.fullmatch(text, sent_start, start)
        if (start, end) in named_spans or _before(text[max(sent_start, start - 30):start]) or apposed:
            draft.proposed = True
    defined = {(p.long_start, p.long_end) for p in st.acronyms
               if TITLE_CASE.fullmatch(p.long) and not _attributive(text, p.short_end)}
    starts = [start for (start, _), _ in mentions]
    for verb in VERB.finditer(text):
        _mark_after_verb(st, text, verb.end(), mentions, starts, defined)
    mark_variants(st.entities, text)


# "Med-Distill-3B", "HiMAE-10B", "Whisper-Lite-S": a size or version of a proposed name is proposed too.
VARIANT_TAIL = re.compile(rf"[- ](?:[vV]?\d+(?:\.\d+)?[BMKbmk]?|{'|'.join(sorted(SIZE_CODES, key=lambda code: (-len(code), code)))}|"
                          rf"{'|'.join(sorted(word.capitalize() for word in VARIANT_WORDS))})")


def mark_variants(drafts: list[EntityDraft], text: str) -> None:
    """Mark the eligible names that are a proposed name plus a size or version tail."""
    own = {text[c.start:c.end] for d in drafts if d.proposed for c in d.spans}
    if not own:
        return
    prefixes = tuple(own)
    for draft in drafts:
        if draft.proposed or not _eligible(draft):
            continue
        for cand in draft.spans:
            name = text[cand.start:cand.end]
            if not name.startswith(prefixes):
                continue
            cut = max(name.rfind("-"), name.rfind(" "))
            if cut > 0 and name[:cut] in own and VARIANT_TAIL.fullmatch(name, cut):
                draft.proposed = True
                break


def _before(left: str) -> bool:
    """Whether BEFORE matches `left`, searched only if a word it needs is there (rarely)."""
    return any(word in left for word in BEFORE_WORDS) and BEFORE.search(left) is not None


def _mark_after_verb(st: DocState, text: str, cue_end: int, mentions: list[tuple[tuple[int, int], EntityDraft]],
                     starts: list[int], defined: set[tuple[int, int]]) -> None:
    _, sent_end = st.sentences.span(cue_end)
    limit = min(sent_end, cue_end + LIST_WINDOW)
    first: tuple[int, int] | None = None
    for (start, end), draft in mentions[bisect_left(starts, cue_end):bisect_left(starts, limit)]:
        if not _eligible(draft):
            continue
        if (start, end) in defined:
            draft.proposed = True
        if first is None and start - cue_end <= CUE_WINDOW and (
                not PREPOSITION.search(text, cue_end, start) or text[start - 2:start] == ", "):
            first = (start, end)
            draft.proposed = True
        elif first is not None and COORDINATION.fullmatch(text[first[1]:start]):
            first = (start, end)
            draft.proposed = True


@Language.component("kg_proposed")
def proposed(doc: Doc) -> Doc:
    st = state(doc)
    mark_proposed(st, st.text)
    for draft in st.entities:
        if draft.type in (None, "Task") and draft.proposed:
            draft.type = "Method"
    st.entities = [d for d in st.entities if d.type is not None]
    return doc
