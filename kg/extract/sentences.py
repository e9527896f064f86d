"""Sentence boundaries on top of spaCy's rule-based "sentencizer".

The sentencizer splits after every "." token; abstracts need three corrections:
- the title (everything before the first newline) is one sentence, and the abstract
  starts a new one;
- no sentence starts with a lower-case letter or with , ; : ) -- such a split came from
  an abbreviation ("val.", "approx.") and is undone;
- a split after an abbreviation's "." ("et al. (2020)", "et al., 2012") is undone.
Decimals and "e.g." are single tokens in spaCy's English tokenizer, so they never split.
"""

from __future__ import annotations

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

NO_SENTENCE_START = frozenset(",;:)]}%")
ABBREVIATIONS = frozenset({"al", "approx", "vs", "cf", "Fig", "Eq", "val", "resp", "etc"})


@Language.component("kg_sentences")
def fix_sentences(doc: Doc) -> Doc:
    if doc.has_annotation("DEP"):
        return doc  # a trained parser set the boundaries; they cannot be changed after parsing
    # Token.is_sent_start's setter scans the whole doc on every call (quadratic on text with
    # many corrections), so the boundaries are edited as one array and written back once.
    starts = doc.to_array(SENT_START).astype("int64")
    abstract = _abstract_start(doc)
    starts[1:abstract] = -1
    if abstract < len(doc):
        starts[abstract] = 1
    for i in (starts[abstract + 1:] == 1).nonzero()[0] + abstract + 1:  # the sentencizer's splits
        if _continues(doc, int(i)):
            starts[i] = -1
    doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))  # -1 wraps as spaCy expects
    return doc


def _abstract_start(doc: Doc) -> int:
    """The index of the abstract's first token: the one after the first line break; the
    doc's length when it is all title."""
    for i in range(1, len(doc)):
        if "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_:
            return i
    return len(doc)


def _continues(doc: Doc, i: int) -> bool:
    first = doc[i].text[0]
    if first.islower() or first in NO_SENTENCE_START or doc[i].is_space:
        return True
    j = i - 1
    while j > 0 and doc[j].is_punct and doc[j].text != ".":
        j -= 1
    return j >= 1 and doc[j].text == "." and doc[j - 1].text in ABBREVIATIONS
