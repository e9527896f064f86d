"""The graph model: the one place that says what the NetworkX graph holds.

Every exporter (rdf, html, gephi, neo4j) reads a graph of this shape and nothing else.

The graph is a ``networkx.MultiDiGraph``. Nodes are added in sorted order of their id and
edges in sorted order of (source, relation, target), so iteration order, and with it every
export, is deterministic.

Node ids
    Stable strings, identical in every export (the local name of the RDF IRI, the Neo4j
    ``id``, the GEXF/GraphML node id): ``paper_<paper id>``, ``<kind lower>_<entity key>``,
    ``result_<paper id>_<n>``. The entity key is the resolution key (see resolve.py); any
    character outside ``[A-Za-z0-9._~-]`` is percent-encoded, so two different keys never
    share an id and every id is a valid IRI path segment.

Node attributes (every node)
    kind     one of NODE_KINDS
    label    what a person reads: a paper's title, an entity's name, a result's
             "metric value unit"

Paper nodes
    paper_id str; title str; url str (absent when unknown); year int (absent when unknown);
    authors list[str] (empty when unknown)

Entity nodes (Method, Dataset, Hardware, Metric, Task)
    name       canonical name (lexicon canonical name, else long form, else the most used
               surface form; ties broken by sort order)
    aliases    sorted list[str] of the other surface forms seen in any paper
    support    int, how many papers mention it
    proposed_in  int, how many papers propose it
    wikidata   str Wikidata id, absent when the lexicon does not know one
    lexicon    bool, whether the lexicon knows it
    acronym / long_form  str, absent unless the entity is an acronym pair

Metric nodes, besides
    lower_is_better  bool, whether the metric's lowest value is its best (an error, a cost): the
               lexicon entry's direction, else kg.graph.direction's rule over the name; absent
               when the lexicon knows the metric but its extractions give no direction (attack
               success rate, sparsity; `kg extract` lines written before the lexicon gave one)

Result nodes
    metric str (entity name), value float, unit str ("" when none), relative bool,
    dataset str / method str (entity names, absent when not stated), paper_id str,
    sentence str, start int, end int (offsets of the number in the paper's text)

Edges: ``G.add_edge(source, target, key=relation, relation=relation, ...)``
    Paper -> entity, one edge per (paper, relation, entity), relation one of PAPER_RELATIONS:
    proposes (the paper introduces it, any entity type), else by the entity's type:
    usesMethod, evaluatesOn (Dataset), runsOn (Hardware), measures (Metric), addresses (Task).
    Each carries the evidence of its first mention:
        sentence str, start int, end int (offsets into title + "\\n" + abstract),
        rule str (the component or lexicon entry that found it), mentions int (how many).
    Paper -> Result: reportsResult. Result -> entity: ofMetric, onDataset, forMethod.
    These carry ``relation`` only.

Graph attributes
    G.graph["merged_mentions"]  int, entity mentions across all papers
    G.graph["merged_entities"]  int, entity nodes they resolved into
"""

from __future__ import annotations

from types import GenericAlias
from typing import Final

from kg.model import ENTITY_TYPES

NODE_KINDS: Final = ("Paper", *ENTITY_TYPES, "Result")

RELATION_BY_TYPE: Final = {
    "Method": "usesMethod",
    "Dataset": "evaluatesOn",
    "Hardware": "runsOn",
    "Metric": "measures",
    "Task": "addresses",
}
PROPOSES: Final = "proposes"
PAPER_RELATIONS: Final = (PROPOSES, *RELATION_BY_TYPE.values())
REPORTS_RESULT: Final = "reportsResult"
RESULT_RELATIONS: Final = {"metric": "ofMetric", "dataset": "onDataset", "method": "forMethod"}
RELATIONS: Final = (*PAPER_RELATIONS, REPORTS_RESULT, *RESULT_RELATIONS.values())

Types = type | tuple[type, ...] | GenericAlias
STRINGS: Final = list[str]
"""The type of a list of strings in the tables below (a paper's authors, an entity's aliases)."""
_ENTITY_ATTRIBUTES: Final[dict[str, Types]] = {
    "label": str, "name": str, "support": int, "proposed_in": int, "lexicon": bool}
NODE_ATTRIBUTES: Final[dict[str, dict[str, Types]]] = {
    "Paper": {"label": str, "paper_id": str, "title": str},
    **dict.fromkeys(ENTITY_TYPES, _ENTITY_ATTRIBUTES),
    "Result": {"label": str, "paper_id": str, "value": (int, float), "unit": str, "relative": bool,
               "sentence": str, "start": int, "end": int},
}
"""Of the node attributes above, those every node of each kind has, and their types: what an
exporter reads without asking whether it is there (kg.export.nodelink checks a graph.json for
them)."""
_ENTITY_OPTIONAL: Final[dict[str, Types]] = {
    "aliases": STRINGS, "wikidata": str, "acronym": str, "long_form": str}
OPTIONAL_ATTRIBUTES: Final[dict[str, dict[str, Types]]] = {
    "Paper": {"url": str, "year": int, "authors": STRINGS},
    **dict.fromkeys(ENTITY_TYPES, _ENTITY_OPTIONAL),
    "Metric": {**_ENTITY_OPTIONAL, "lower_is_better": bool},
    "Result": {"metric": str, "dataset": str, "method": str},
}
"""The other node attributes above, and their types where a node has them."""
EVIDENCE_ATTRIBUTES: Final[dict[str, Types]] = {
    "sentence": str, "start": int, "end": int, "rule": str, "mentions": int}
"""The same of a paper-to-entity edge (one of PAPER_RELATIONS from a Paper)."""
