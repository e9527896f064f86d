"""`build_graph`: PaperExtraction records -> the graph of kg.graph.schema."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.errors import KgInputError
from kg.graph.ids import entity_node_id, paper_node_id, result_node_id
from kg.graph.resolve import EntityRecord, ResolvedEntity, normalize, resolve
from kg.graph.schema import PROPOSES, RELATION_BY_TYPE, REPORTS_RESULT, RESULT_RELATIONS
from kg.model import Entity, EntityType, Mention, Paper, PaperExtraction, Result

RESULT_RULE = "result"
"""`Mention.rule` of an entity that only a result names (e.g. a metric no entity of the paper has)."""

RESULT_FIELD_TYPES: dict[str, EntityType] = {"metric": "Metric", "dataset": "Dataset", "method": "Method"}

Edge = tuple[str, str, str, dict[str, Any]]

FREEZE_EVERY = 1000
"""Papers read between two `gc.freeze` calls while the extractions stream in (`_sorted_unique`)."""


@dataclass
class PaperPlan:
    """One paper's entities, plus those its results name and no entity matches."""

    extraction: PaperExtraction
    entities: list[Entity] = field(default_factory=list)
    result_fields: list[dict[str, int]] = field(default_factory=list)
    """Per result: field ("metric", "dataset", "method") -> index into `entities`."""


def build_graph(extractions: Iterable[PaperExtraction]) -> nx.MultiDiGraph:
    """The graph of `extractions`, resolved across papers; the same for any input order.

    Two extractions with the same paper id are an input error (KgInputError).
    """
    kept = _sorted_unique(extractions)
    with _collector_paused():
        return _resolved_graph([plan_paper(extraction) for extraction in kept])


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off in the block. Building the graph allocates
    millions of containers and no garbage cycles; each full collection the allocations
    trigger walks every object already made, which took a third of the time at 100k papers.
    The stream of extractions is read with the collector on (`_sorted_unique`): with one
    process that stream runs the spaCy pipeline (perhaps a trained model's), whose garbage
    is the collector's to free."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _resolved_graph(plans: list[PaperPlan]) -> nx.MultiDiGraph:
    records = [EntityRecord(plan.extraction.id, entity) for plan in plans for entity in plan.entities]
    nodes, node_of_record = resolve(records)
    node_ids = [entity_node_id(node.type, node.key) for node in nodes]

    attrs: dict[str, dict[str, Any]] = {node_id: entity_attrs(node) for node_id, node in zip(node_ids, nodes)}
    edges: list[Edge] = []
    offset = 0
    for plan in plans:
        members = node_of_record[offset:offset + len(plan.entities)]
        offset += len(plan.entities)
        paper_attrs, paper_edges = paper_part(plan, [node_ids[n] for n in members],
                                              [nodes[n].name for n in members])
        attrs.update(paper_attrs)
        edges += paper_edges

    graph = nx.MultiDiGraph()
    graph.graph["merged_mentions"] = len(records)
    graph.graph["merged_entities"] = len(nodes)
    for node_id in sorted(attrs):
        graph.add_node(node_id, **attrs[node_id])
    for source, relation, target, edge_attrs in sorted(edges, key=lambda edge: edge[:3]):
        graph.add_edge(source, target, key=relation, relation=relation, **edge_attrs)
    return graph


def paper_part(plan: PaperPlan, entity_ids: list[str],
               entity_names: list[str]) -> tuple[dict[str, dict[str, Any]], list[Edge]]:
    """The paper's own nodes (the paper, its results) and every edge leaving them, given
    the node id and name each of `plan.entities` resolved to. Depends on nothing but the
    paper, so kg.spark runs it paper by paper."""
    paper_id = paper_node_id(plan.extraction.id)
    attrs = {paper_id: _paper_attrs(plan.extraction.paper)}
    edges = _paper_edges(paper_id, plan.entities, entity_ids)
    for number, (result, fields) in enumerate(zip(plan.extraction.results, plan.result_fields), 1):
        result_id = result_node_id(plan.extraction.id, number)
        names = {name: entity_names[index] for name, index in fields.items()}
        attrs[result_id] = _result_attrs(plan.extraction.id, result, names)
        edges.append((paper_id, REPORTS_RESULT, result_id, {}))
        edges += [(result_id, RESULT_RELATIONS[name], entity_ids[index], {})
                  for name, index in fields.items()]
    return attrs, edges


def _sorted_unique(extractions: Iterable[PaperExtraction]) -> list[PaperExtraction]:
    """The extractions by paper id, read with the collector on; every FREEZE_EVERY papers
    the records kept so far are frozen out of its generations (`gc.freeze`), then unfrozen
    at the end. They are long-lived and hold no cycles, yet each full collection that the
    pipeline's garbage triggers would walk all of them again: 18 full collections took 6.6 s
    while 100k papers were extracted in one process."""
    by_id: dict[str, PaperExtraction] = {}
    try:
        for count, extraction in enumerate(extractions, 1):
            if extraction.id in by_id:
                raise KgInputError(f"two papers with id {extraction.id!r}; paper ids must be unique")
            by_id[extraction.id] = extraction
            if count % FREEZE_EVERY == 0:
                gc.freeze()
    finally:
        gc.unfreeze()
    return [by_id[paper_id] for paper_id in sorted(by_id)]


def plan_paper(extraction: PaperExtraction) -> PaperPlan:
    """Match each result's metric/dataset/method name to an entity of the paper of that type
    (exact name or alias first, then the normal form); a name none matches becomes an entity."""
    plan = PaperPlan(extraction, list(extraction.entities))
    unknown = sorted({e.type for e in plan.entities} - set(RELATION_BY_TYPE))
    if unknown:
        raise KgInputError(f"paper {extraction.id!r}: unknown entity type {unknown[0]!r}")
    exact: dict[tuple[str, str], int] = {}
    normal: dict[tuple[str, str], int] = {}
    for index, entity in enumerate(plan.entities):
        for name in entity.names:
            exact.setdefault((entity.type, name), index)
            normal.setdefault((entity.type, normalize(name)), index)
    for result in extraction.results:
        fields: dict[str, int] = {}
        for name, entity_type in RESULT_FIELD_TYPES.items():
            value = getattr(result, name)
            if not value and name != "metric":
                continue
            index = exact.get((entity_type, value), normal.get((entity_type, normalize(value))))
            if index is None:
                index = len(plan.entities)
                plan.entities.append(_result_entity(entity_type, value, result, extraction.paper))
                exact[(entity_type, value)] = normal[(entity_type, normalize(value))] = index
            fields[name] = index
        plan.result_fields.append(fields)
    return plan


def _result_entity(entity_type: EntityType, name: str, result: Result, paper: Paper) -> Entity:
    """An entity only a result names; its mention is the name's occurrence nearest before the
    number in the paper's text, or the number itself when the text does not contain the name."""
    text = paper.text.casefold()
    start = text.rfind(name.casefold(), 0, result.start)
    if start < 0:
        start = text.find(name.casefold())
    span = (start, start + len(name)) if start >= 0 else (result.start, result.end)
    mention = Mention(start=span[0], end=span[1], text=paper.text[span[0]:span[1]],
                      sentence=result.sentence, rule=RESULT_RULE)
    return Entity(type=entity_type, name=name, mentions=(mention,))


def _paper_edges(paper_id: str, entities: list[Entity], entity_ids: list[str]) -> list[Edge]:
    """One edge per entity node: `proposes` if any of the paper's entities resolved to it is
    proposed, else the relation of its type; evidence of the first mention by offset."""
    grouped: dict[str, list[Entity]] = defaultdict(list)
    for entity, entity_id in zip(entities, entity_ids):
        grouped[entity_id].append(entity)
    edges = []
    for entity_id, group in grouped.items():
        relation = PROPOSES if any(e.proposed for e in group) else RELATION_BY_TYPE[group[0].type]
        # distinct mentions as tuples ordered as the evidence is chosen: equal tuples are equal
        # mentions, and a tuple hashes faster than the dataclass
        mentions = {(m.start, m.end, m.rule, m.text, m.sentence) for e in group for m in e.mentions}
        start, end, rule, _, sentence = min(mentions, default=(0, 0, "", "", ""))
        edges.append((paper_id, relation, entity_id,
                      {"sentence": sentence, "start": start, "end": end, "rule": rule,
                       "mentions": len(mentions)}))
    return edges


def _paper_attrs(paper: Paper) -> dict[str, Any]:
    attrs: dict[str, Any] = {"kind": "Paper", "label": paper.title, "paper_id": paper.id,
                             "title": paper.title, "authors": list(paper.authors)}
    if paper.url is not None:
        attrs["url"] = paper.url
    if paper.year is not None:
        attrs["year"] = paper.year
    return attrs


def entity_attrs(node: ResolvedEntity) -> dict[str, Any]:
    attrs: dict[str, Any] = {"kind": node.type, "label": node.name, "name": node.name,
                             "aliases": list(node.aliases), "support": node.support,
                             "proposed_in": node.proposed_in, "lexicon": node.lexicon}
    for key in ("wikidata", "acronym", "long_form", "lower_is_better"):
        if getattr(node, key) is not None:
            attrs[key] = getattr(node, key)
    return attrs


def _result_attrs(paper_id: str, result: Result, names: dict[str, str]) -> dict[str, Any]:
    value = float(result.value)
    shown = str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    attrs: dict[str, Any] = {"kind": "Result", "label": " ".join(filter(None, (names["metric"], shown, result.unit))),
                             "metric": names["metric"], "value": value, "unit": result.unit,
                             "relative": result.relative, "paper_id": paper_id,
                             "sentence": result.sentence, "start": result.start, "end": result.end}
    attrs.update({name: names[name] for name in ("dataset", "method") if name in names})
    return attrs
