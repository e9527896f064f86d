"""Hand-made graphs in the shape of kg/graph/schema.py, for the Gephi and Neo4j export tests.

`tricky_graph` has every node kind and relation, and names that break naive writers:
quotes, backslashes, line breaks, tabs, ``;`` and ``|``, emoji, CJK and right-to-left text,
and a control character XML forbids.
"""

from __future__ import annotations

import copy
from typing import Any

import networkx as nx

from kg.graph.schema import NODE_KINDS, RELATION_BY_TYPE

TRICKY_NAMES = {
    "Method": ["Transformer", "O'Brien \"Net\"", "back\\slash; semi|pipe", "多头注意力"],
    "Dataset": ["ImageNet", "line\nbreak\tand tab", "שלום dataset 🚀"],
    "Hardware": ["A100 GPU"],
    "Metric": ["accuracy", "F1;score"],
    "Task": ["image classification", "ctrl\x01char"],
}
"""Entity names by type; the graph's entity ids are ``<kind lower>_<n>``."""


def tricky_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    nodes: dict[str, dict] = {}
    edges: list[tuple[str, str, dict]] = []
    papers = {
        "paper_2401.00001": {"title": "Attention \"is\" all; you need\\really\n2nd line", "year": 2024,
                             "url": "https://arxiv.org/abs/2401.00001",
                             "authors": ["Ada O'Neil", "李雷", "Bob | Builder"]},
        "paper_2401.00002": {"title": "A paper without year or url", "authors": []},
    }
    for node, data in papers.items():
        nodes[node] = {"kind": "Paper", "label": data["title"], "paper_id": node[len("paper_"):], **data}
    for kind, names in TRICKY_NAMES.items():
        for n, name in enumerate(names):
            node = f"{kind.lower()}_{n}"
            entity = {"kind": kind, "label": name, "name": name, "aliases": [f"{name} (alias)", "x;y|z"][:n],
                      "support": n + 1, "proposed_in": n % 2, "lexicon": n == 0}
            if n == 0:
                entity["wikidata"] = f"Q{100 + len(nodes)}"
            if (kind, n) == ("Metric", 0):  # the other metric has no direction: a boolean column with a gap
                entity["lower_is_better"] = False
            nodes[node] = entity
            paper = "paper_2401.00001" if n % 2 == 0 else "paper_2401.00002"
            relation = "proposes" if (kind, n) == ("Method", 1) else RELATION_BY_TYPE[kind]
            edges.append((paper, node, {"relation": relation, "sentence": f"We use {name}.\nThen more.",
                                        "start": 10 * n, "end": 10 * n + len(name),
                                        "rule": f"lexicon:{name}", "mentions": n + 1}))
    results = [("result_2401.00001_0", 91.5, "%", False, "dataset_1", "method_1"),
               ("result_2401.00001_1", 3.0, "", True, None, None)]
    for node, value, unit, relative, dataset, method in results:
        metric = "metric_1"
        data = {"kind": "Result", "label": f"F1;score {value} {unit}".strip(), "metric": "F1;score",
                "value": value, "unit": unit, "relative": relative, "paper_id": "2401.00001",
                "sentence": "It reaches 91.5% F1 'quoted' \"double\".", "start": 11, "end": 16}
        if dataset:
            data["dataset"] = TRICKY_NAMES["Dataset"][1]
            edges.append((node, dataset, {"relation": "onDataset"}))
        if method:
            data["method"] = TRICKY_NAMES["Method"][1]
            edges.append((node, method, {"relation": "forMethod"}))
        nodes[node] = data
        edges.append(("paper_2401.00001", node, {"relation": "reportsResult"}))
        edges.append((node, metric, {"relation": "ofMetric"}))
    for node in sorted(nodes):
        graph.add_node(node, **nodes[node])
    for source, target, data in sorted(edges, key=lambda e: (e[0], e[2]["relation"], e[1])):
        graph.add_edge(source, target, key=data["relation"], **data)
    graph.graph["merged_mentions"] = 20
    graph.graph["merged_entities"] = len(nodes) - 4
    assert {kind for _, kind in graph.nodes(data="kind")} == set(NODE_KINDS)
    return graph


def built_graph() -> nx.MultiDiGraph:
    """A graph made by `kg.graph.build_graph` from hand-made extractions with awkward names,
    so its node ids are percent-encoded the way a real build encodes them."""
    from kg.graph import build_graph
    from kg.model import Entity, Mention, Paper, PaperExtraction, Result

    def entity(type_: str, name: str, **extra) -> Entity:
        mention = Mention(0, len(name), name, f"We use {name};\n really.", f"lexicon:{name}")
        return Entity(type_, name, mentions=(mention,), **extra)

    first = PaperExtraction(
        Paper("2401.1", "Quotes 'single' \"double\" and back\\slash", "Abstract; with ;\nlines.",
              url="https://example.org/a?x=1&y=2", year=2024, authors=("Zoë Ä", "O'Hara; Jr.")),
        (entity("Method", "Flash'Attn \"2\"", proposed=True, aliases=("FA;2", "FA|2")),
         entity("Dataset", "C4 / 中文 🚀", lexicon="C4", wikidata="Q1"),
         entity("Metric", "top-1 accuracy"), entity("Hardware", "H100\tGPU"),
         entity("Task", "QA: עברית")),
        (Result("top-1 accuracy", 0.000012, "%", False, "It gets 1.2e-05%.", 10, 16,
                dataset="C4 / 中文 🚀", method="Flash'Attn \"2\""),
         Result("top-1 accuracy", -3.0, "", True, "Drops by 3.", 20, 21)))
    second = PaperExtraction(
        Paper("2401.2", "Second paper", "Uses C4."),
        (entity("Dataset", "C4 / 中文 🚀", lexicon="C4"), entity("Method", "Flash'Attn \"2\"")))
    return build_graph([first, second])


def snapshot(graph: nx.MultiDiGraph) -> Any:
    """Everything a graph holds, deep-copied, to show a writer left it as it was."""
    return copy.deepcopy((list(graph.nodes(data=True)), list(graph.edges(keys=True, data=True)), graph.graph))


def reversed_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same graph with nodes and edges inserted in reverse order."""
    other = nx.MultiDiGraph(**graph.graph)
    other.add_nodes_from(reversed(list(graph.nodes(data=True))))
    other.add_edges_from(reversed(list(graph.edges(keys=True, data=True))))
    return other
