"""Extraction on the executors: kg.extract.Extractor, loaded once per Python worker."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kg.extract import Extractor
from kg.graph.build import plan_paper
from kg.graph.resolve import all_names, key_candidates, key_names, normalize
from kg.model import Paper, PaperExtraction
from kg.spark.io import dumps, loads

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, Row

_extractors: dict[str | None, Extractor] = {}
"""This worker process's pipelines by spaCy model. PySpark reuses a Python worker for the
tasks it runs (spark.python.worker.reuse, on by default), so the pipeline and lexicon are
loaded once per worker, not once per partition."""

RECORD_FIELDS = (
    ("paper_id", "string"), ("idx", "int"), ("type", "string"), ("proposed", "boolean"),
    ("name", "string"), ("lexicon", "string"), ("long_form", "string"), ("acronym", "string"),
    ("wikidata", "string"), ("all_names", "array<string>"), ("normals", "array<string>"),
    ("key_candidates", "array<array<string>>"), ("acronym_candidates", "array<string>"),
    ("lexicon_candidates", "array<string>"), ("lower_is_better", "boolean"),
)
"""One entity of one paper (the unit resolution groups): its fields, its names
(kg.graph.resolve.all_names) and their normal forms, the key candidates of each name it
shares (key_names), of its acronym when it has a long form and of its lexicon name."""
PLANNED_SCHEMA = ("paper_id string, extraction string, plan binary, records array<struct<"
                  + ",".join(f"{name}:{kind}" for name, kind in RECORD_FIELDS) + ">>")


def extractor(spacy_model: str | None) -> Extractor:
    if spacy_model not in _extractors:
        _extractors[spacy_model] = Extractor(model=spacy_model)
    return _extractors[spacy_model]


def extract_partition(rows: Iterable[Row], spacy_model: str | None) -> Iterator[PaperExtraction]:
    papers: Iterator[Paper] = (loads(row.paper) for row in rows)
    return extractor(spacy_model).pipe(papers)


def extraction_line(extraction: PaperExtraction) -> str:
    """The paper's line of `kg extract` (the single-machine command writes the same)."""
    return json.dumps(extraction.to_dict(), ensure_ascii=False)


def extraction_lines(papers: DataFrame, spacy_model: str | None, partitions: int) -> DataFrame:
    """``key, text``: each paper's `kg extract` line (PaperExtraction.to_dict), keyed by id."""
    def lines(rows: Iterable[Row]) -> Iterator[tuple[str, str]]:
        for extraction in extract_partition(rows, spacy_model):
            yield extraction.id, extraction_line(extraction)

    return papers.repartition(partitions, "id").rdd.mapPartitions(lines).toDF("key string, text string")


def planned_papers(papers: DataFrame, spacy_model: str | None, partitions: int) -> DataFrame:
    """Each paper extracted and planned (kg.graph.build.plan_paper): its `kg extract` line,
    the pickled plan and one record per entity, with the names and name-key candidates
    resolution needs."""
    def planned(rows: Iterable[Row]) -> Iterator[tuple]:
        for extraction in extract_partition(rows, spacy_model):
            plan = plan_paper(extraction)
            records = [_record(extraction.id, index, entity) for index, entity in enumerate(plan.entities)]
            yield extraction.id, extraction_line(extraction), dumps(plan), records

    return papers.repartition(partitions, "id").rdd.mapPartitions(planned).toDF(PLANNED_SCHEMA)


def _record(paper_id: str, index: int, entity) -> tuple:
    names = all_names(entity)
    paired = entity.long_form and entity.acronym
    return (paper_id, index, entity.type, entity.proposed, entity.name, entity.lexicon,
            entity.long_form, entity.acronym, entity.wikidata, names,
            [normalize(name) for name in names],
            [list(key_candidates(name)) for name in key_names(entity)],
            list(key_candidates(entity.acronym)) if paired else None,
            list(key_candidates(entity.lexicon)) if entity.lexicon else None, entity.lower_is_better)
