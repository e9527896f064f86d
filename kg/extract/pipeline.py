"""The spaCy pipeline: components in order, each in its own module.

    tokenizer (+ kg.extract.tokenizer) -> kg_sentences -> kg_lexicon
    -> kg_acronyms -> kg_coined -> kg_metric_phrases -> kg_entities -> kg_proposed -> kg_results

Default: `spacy.blank("en")`, no trained model needed. With `model`, that installed
pipeline is loaded (its tagger/parser run first; its own NER is dropped) and ours added.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER
from spacy.language import Language

from kg.errors import KgInputError
from kg.extract import (  # noqa: F401  (modules register the components)
    acronyms,
    coined,
    entities,
    lexicon,
    metrics,
    proposed,
    results,
    sentences,
)
from kg.extract.tokenizer import customise_tokenizer

# spaCy's 1,000,000-character limit guards the memory of trained parsers; the rule-based
# pipeline is linear in the text, so long abstracts are fine (a trained model keeps its limit).
BLANK_MAX_LENGTH = 100_000_000
LEXEME_ATTRIBUTES = frozenset({LOWER, IS_PUNCT, IS_SPACE})
"""The attributes of a word (a spaCy lexeme) that kg's components read: the lexicon's
case-insensitive matcher and the sentence rules. The blank pipeline computes only these for
each word it has not seen before: spaCy's 24 getters (shape, norm, prefix, suffix, stop word,
...) were 5.6% of the instructions of extracting a paper of the generated corpus, which keeps
meeting new names and numbers, and their strings stayed in memory. A trained pipeline keeps
them all: its models read them."""
OUR_COMPONENTS = ("kg_lexicon", "kg_acronyms", "kg_coined", "kg_metric_phrases", "kg_entities",
                  "kg_proposed", "kg_results")


def build_pipeline(model: str | None = None, lexicon_dir: str | Path | None = None) -> Language:
    """A ready pipeline; `lexicon_dir` replaces the bundled lexicon (tests use it)."""
    if model is None:
        nlp = spacy.blank("en")
        nlp.max_length = BLANK_MAX_LENGTH
        nlp.vocab.lex_attr_getters = {attr: getter for attr, getter in nlp.vocab.lex_attr_getters.items()
                                      if attr in LEXEME_ATTRIBUTES}
    else:
        try:
            nlp = spacy.load(model, exclude=["ner", "entity_ruler", "entity_linker", "lemmatizer"])
        except OSError as err:
            raise _not_installed(model) from err
    customise_tokenizer(nlp)
    nlp.add_pipe("kg_sentences")  # the sentencizer's rule, where no parser or senter sets boundaries
    config = {"directory": str(lexicon_dir)} if lexicon_dir is not None else {}
    nlp.add_pipe("kg_lexicon", config=config)
    for name in OUR_COMPONENTS[1:]:
        nlp.add_pipe(name)
    return nlp


def check_model(model: str) -> None:
    """Refuse a trained pipeline that `spacy.load` cannot find (neither an installed package,
    a directory nor ``blank:<lang>``) before worker processes start, each of which would
    otherwise fail to load it."""
    if not (model.startswith("blank:") or spacy.util.is_package(model) or Path(model).exists()):
        raise _not_installed(model)


def _not_installed(model: str) -> KgInputError:
    return KgInputError(f"spaCy pipeline {model!r} is not installed (install it, e.g. "
                        f"`python -m spacy download {model}`, or leave out --spacy-model)")
