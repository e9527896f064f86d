"""Extraction: papers in, `PaperExtraction`s out (issue 3).

    extractor = Extractor()
    for extraction in extractor.pipe(papers):
        ...

The work is done by a spaCy pipeline (`kg.extract.pipeline`), one component per module:

    tokenizer.py   tokenizer tweaks (LaTeX "~", "6times", "CIFAR-10/100", linear affixes)
    sentences.py   sentence boundaries: the title is a sentence; "et al." does not split
    lexicon.py     the gazetteer (lexicon/*.tsv) with generated spelling variants
    acronyms.py    "long form (SF)" pairs and later bare uses of SF
    coined.py      names the lexicon cannot know: shapes, title prefixes, proposal cues
    metrics.py     metric phrases ("machine footprint" in "reduces machine footprint by 19x")
    entities.py    overlaps, grouping into one entity per thing, typing (context.py, heads.py)
    proposed.py    what the paper introduces
    results.py     numbers with units tied to their metric, dataset and method

Components share state through the doc (`kg.extract.state`). This module turns that
state into the records of `kg.model`. Extraction of one paper depends on nothing but that
paper and the loaded pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc

from kg.extract.pipeline import build_pipeline
from kg.extract.state import EntityDraft, Sentences, drop_state, make_doc, state
from kg.model import Entity, Mention, Paper, PaperExtraction

__all__ = ["Extractor"]


class Extractor:
    """Loads the pipeline and lexicon once; `pipe` streams papers through it in batches."""

    def __init__(self, model: str | None = None, *, lexicon_dir: str | Path | None = None) -> None:
        self.nlp = build_pipeline(model, lexicon_dir)

    def pipe(self, papers: Iterable[Paper], batch_size: int = 64) -> Iterator[PaperExtraction]:
        """Extractions in the order of `papers`."""
        docs = self.nlp.pipe(((make_doc(self.nlp, paper.text), paper) for paper in papers),
                             as_tuples=True, batch_size=batch_size)
        for doc, paper in docs:
            yield to_extraction(paper, doc)

    def extract(self, paper: Paper) -> PaperExtraction:
        return to_extraction(paper, self.nlp(make_doc(self.nlp, paper.text)))


def to_extraction(paper: Paper, doc: Doc) -> PaperExtraction:
    st = state(doc)
    entities = sorted((_entity(d, st.sentences, st.text) for d in st.entities),
                      key=lambda e: (e.mentions[0].start, e.type, e.name))
    results = tuple(sorted(st.results, key=lambda r: (r.start, r.end)))
    drop_state(doc)
    return PaperExtraction(paper=paper, entities=tuple(entities), results=results)


def _entity(draft: EntityDraft, sentences: Sentences, text: str) -> Entity:
    spans = sorted(draft.spans, key=lambda c: (c.start, c.end))
    mentions = tuple(Mention(c.start, c.end, text[c.start:c.end], sentences.evidence(c.start, c.end), c.rule)
                     for c in spans)
    surface = list(dict.fromkeys(m.text for m in mentions))
    name = draft.lexicon or draft.long_form or surface[0]
    aliases = tuple(s for s in surface if s != name)
    assert draft.type is not None
    return Entity(type=draft.type, name=name, aliases=aliases, proposed=draft.proposed,
                  mentions=mentions, lexicon=draft.lexicon, wikidata=draft.wikidata,
                  long_form=draft.long_form, acronym=draft.acronym, lower_is_better=draft.lower_is_better)
