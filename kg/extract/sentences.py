"""Sentence boundaries: spaCy's rule-based "sentencizer" and three corrections for abstracts.

The sentencizer splits after every sentence-final punctuation token ("." "!" "?" ...);
abstracts need three corrections:
- the title (everything before the first newline) is one sentence, and the abstract
  starts a new one;
- no sentence starts with a lower-case letter or with , ; : ) -- such a split came from
  an abbreviation ("val.", "approx.") and is undone;
- a split after an abbreviation's "." ("et al. (2020)", "et al., 2012") is undone.
Decimals and "e.g." are single tokens in spaCy's English tokenizer, so they never split.

The component applies the sentencizer's rule itself, in a pipeline without a trained parser
or senter (which set the boundaries instead), and reads token offsets as arrays rather than
`Token` objects: making one per token cost more than all the rules. It leaves the boundaries
on the doc and, in characters, in the doc's state (`kg.extract.state`), which it creates.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from functools import partial

import numpy as np
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from kg.extract.state import doc_text, new_state

NO_SENTENCE_START = frozenset(",;:)]}%")
ABBREVIATIONS = frozenset({"al", "approx", "vs", "cf", "Fig", "Eq", "val", "resp", "etc"})
SENTENCE_FINAL = frozenset(Sentencizer.default_punct_chars)  # one character each
NOT_A_START = np.uint64(2**64 - 1)  # -1 in spaCy's uint64 SENT_START column


class _Tokens:
    """A doc's text and its tokens' offsets in characters, for the sentence rules."""

    def __init__(self, doc: Doc, text: str) -> None:
        columns = doc.to_array([IDX, LENGTH])
        self.doc = doc
        self.text = text
        self.idx, self.length = columns.T.tolist()
        self.single: list[int] = (columns[:, 1] == 1).nonzero()[0].tolist()  # one-character tokens

    def __len__(self) -> int:
        return len(self.idx)

    def is_text(self, i: int, word: str) -> bool:
        return self.length[i] == len(word) and self.text.startswith(word, self.idx[i])

    def text_of(self, i: int) -> str:
        return self.text[self.idx[i]:self.idx[i] + self.length[i]]


@Language.factory("kg_sentences")
def make_sentences(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """The component; it splits sentences itself unless a trained parser or senter does."""
    split = not ({"parser", "senter"} & set(nlp.pipe_names))
    return partial(fix_sentences, split=split)


def fix_sentences(doc: Doc, split: bool = True) -> Doc:
    text = doc_text(doc)
    if doc.has_annotation("DEP"):  # a trained parser set the boundaries; they cannot be changed after parsing
        new_state(doc, text, [(s.start_char, s.end_char) for s in doc.sents])
        return doc
    tokens = _Tokens(doc, text)
    if split:
        splits = _sentencizer_splits(tokens)
    else:  # a trained senter's
        splits = ((doc.to_array(SENT_START)[1:] == 1).nonzero()[0] + 1).tolist()
    abstract = _abstract_start(tokens)
    starts = [0] if len(tokens) else []
    if 0 < abstract < len(tokens):
        starts.append(abstract)
    starts.extend(i for i in splits if i > abstract and not _continues(tokens, i))
    # Token.is_sent_start's setter scans the whole doc on every call, so the boundaries are
    # written back once, as an array.
    column = np.full((len(tokens), 1), NOT_A_START)
    column[starts] = 1
    doc.from_array([SENT_START], column)
    new_state(doc, text, _bounds(tokens, starts), (tokens.idx, tokens.length))
    return doc


def _sentencizer_splits(tokens: _Tokens) -> list[int]:
    """spaCy's sentencizer rule: a sentence starts at the first token after a sentence-final
    one ("." "!" "?" ...) that is neither punctuation nor sentence-final ("It ends. Next"
    splits before "Next", "(see Fig. 1.)" before "1"). The starts after the first token."""
    finals = [i for i in tokens.single if tokens.text[tokens.idx[i]] in SENTENCE_FINAL]
    final = set(finals)
    splits: list[int] = []
    after = 0  # the start found for the finals so far: a final before it leads to it again
    for i in finals:
        if i < after:
            continue
        after = i + 1
        while after < len(tokens) and (after in final or tokens.doc[after].is_punct):
            after += 1
        if after == len(tokens):
            break
        splits.append(after)
    return splits


def _abstract_start(tokens: _Tokens) -> int:
    """The index of the abstract's first token: the one after the token (or its trailing
    space) holding the first line break; the doc's length when it is all title."""
    newline = tokens.text.find("\n")
    return len(tokens) if newline < 0 else bisect_right(tokens.idx, newline)


def _continues(tokens: _Tokens, i: int) -> bool:
    """Whether the sentence the sentencizer starts at token `i` continues the one before."""
    first = tokens.text[tokens.idx[i]]
    if first.islower() or first in NO_SENTENCE_START or tokens.doc[i].is_space:
        return True
    j = i - 1
    while j > 0 and not tokens.is_text(j, ".") and tokens.doc[j].is_punct:
        j -= 1
    return j >= 1 and tokens.is_text(j, ".") and tokens.text_of(j - 1) in ABBREVIATIONS


def _bounds(tokens: _Tokens, starts: list[int]) -> list[tuple[int, int]]:
    """Each sentence's (start_char, end_char), as `doc.sents` gives them: from its first
    token's start to its last token's end."""
    lasts = [i - 1 for i in starts[1:]] + [len(tokens) - 1]
    return [(tokens.idx[first], tokens.idx[last] + tokens.length[last]) for first, last in zip(starts, lasts)]
