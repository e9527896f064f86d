"""Graphs for the HTML page's tests and benchmark, made by hand after kg/graph/schema.py.

`small_graph` is a handful of real-looking papers; `synthetic_graph` scales to thousands of
nodes with a long-tailed entity support, like a real corpus.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph.schema import PROPOSES, RELATION_BY_TYPE, REPORTS_RESULT, RESULT_RELATIONS


@dataclass
class GraphMaker:
    """Collects nodes and edges, then adds them in the schema's sorted order."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    def paper(self, paper_id: str, title: str, url: str | None = None, year: int | None = None,
              authors: tuple[str, ...] = ()) -> str:
        node = f"paper_{paper_id}"
        data: dict[str, Any] = {"kind": "Paper", "label": title, "paper_id": paper_id,
                                "title": title, "authors": list(authors)}
        if url is not None:
            data["url"] = url
        if year is not None:
            data["year"] = year
        self.nodes[node] = data
        return node

    def entity(self, kind: str, name: str, aliases: tuple[str, ...] = ()) -> str:
        node = f"{kind.lower()}_{name.lower().replace(' ', '%20')}"
        self.nodes.setdefault(node, {"kind": kind, "label": name, "name": name,
                                     "aliases": sorted(aliases), "support": 0,
                                     "proposed_in": 0, "lexicon": True})
        return node

    def mention(self, paper: str, entity: str, sentence: str, proposed: bool = False) -> None:
        data = self.nodes[entity]
        relation = PROPOSES if proposed else RELATION_BY_TYPE[data["kind"]]
        data["support"] += 1
        data["proposed_in"] += int(proposed)
        start = max(sentence.find(data["name"]), 0)
        self.edges[(paper, relation, entity)] = {
            "relation": relation, "sentence": sentence, "start": start,
            "end": start + len(data["name"]), "rule": f"lexicon:{data['name']}", "mentions": 1}

    def result(self, paper: str, metric: str, value: float, unit: str, sentence: str,
               dataset: str | None = None, method: str | None = None) -> str:
        paper_id = self.nodes[paper]["paper_id"]
        n = sum(1 for source, relation, _ in self.edges
                if source == paper and relation == REPORTS_RESULT)
        node = f"result_{paper_id}_{n}"
        data: dict[str, Any] = {"kind": "Result", "label": f"{self.nodes[metric]['name']} {value:g} {unit}".strip(),
                                "metric": self.nodes[metric]["name"], "value": float(value),
                                "unit": unit, "relative": False, "paper_id": paper_id,
                                "sentence": sentence, "start": 0, "end": 1}
        self.edges[(paper, REPORTS_RESULT, node)] = {"relation": REPORTS_RESULT}
        self.edges[(node, RESULT_RELATIONS["metric"], metric)] = {"relation": RESULT_RELATIONS["metric"]}
        for role, target in (("dataset", dataset), ("method", method)):
            if target is not None:
                data[role] = self.nodes[target]["name"]
                self.edges[(node, RESULT_RELATIONS[role], target)] = {"relation": RESULT_RELATIONS[role]}
        self.nodes[node] = data
        return node

    def graph(self) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph(merged_mentions=len(self.edges), merged_entities=len(self.nodes))
        for node in sorted(self.nodes):
            graph.add_node(node, **self.nodes[node])
        for source, relation, target in sorted(self.edges):
            graph.add_edge(source, target, key=relation, **self.edges[(source, relation, target)])
        return graph


def small_graph(first_title: str | None = None, method_name: str = "BERT") -> nx.MultiDiGraph:
    """Four papers, eight entities, two results. `first_title` and `method_name` let a test
    put hostile text where corpus text goes."""
    g = GraphMaker()
    p1 = g.paper("2401.00001", first_title or "Fine-tuning BERT for Question Answering on SQuAD",
                 url="https://arxiv.org/abs/2401.00001", year=2024, authors=("A. Author", "B. Author"))
    p2 = g.paper("2401.00002", "Scaling Vision Transformers on TPU v4", year=2024)
    p3 = g.paper("2401.00003", "A Survey of Question Answering Benchmarks",
                 url="https://huggingface.co/papers/2401.00003")
    p4 = g.paper("2401.00004", "Distilling BERT into Small Students")
    bert = g.entity("Method", method_name, aliases=("BERT-base",))
    vit = g.entity("Method", "Vision Transformer", aliases=("ViT",))
    distil = g.entity("Method", "DistilBERT")
    squad = g.entity("Dataset", "SQuAD", aliases=("SQuAD 1.1",))
    imagenet = g.entity("Dataset", "ImageNet")
    tpu = g.entity("Hardware", "TPU v4")
    f1 = g.entity("Metric", "F1")
    qa = g.entity("Task", "question answering")
    g.mention(p1, bert, f"We fine-tune {method_name} on SQuAD.")
    g.mention(p1, squad, f"We fine-tune {method_name} on SQuAD.")
    g.mention(p1, f1, "Our model reaches 93.2 F1.")
    g.mention(p1, qa, "Question answering remains hard.")
    g.mention(p2, vit, "We scale the Vision Transformer to 22B parameters.")
    g.mention(p2, imagenet, "Top-1 accuracy on ImageNet improves.")
    g.mention(p2, tpu, "Training runs on TPU v4 pods.")
    g.mention(p3, qa, "We survey question answering benchmarks.")
    g.mention(p3, squad, "SQuAD is the most used benchmark.")
    g.mention(p3, bert, f"Most systems build on {method_name}.")
    g.mention(p4, distil, "We propose DistilBERT, a smaller model.", proposed=True)
    g.mention(p4, bert, f"DistilBERT is distilled from {method_name}.")
    g.mention(p4, squad, "DistilBERT keeps 97% of the F1 on SQuAD.")
    g.mention(p4, f1, "DistilBERT keeps 97% of the F1 on SQuAD.")
    g.result(p1, f1, 93.2, "", "Our model reaches 93.2 F1.", dataset=squad, method=bert)
    g.result(p4, f1, 97, "%", "DistilBERT keeps 97% of the F1 on SQuAD.", dataset=squad, method=distil)
    return g.graph()


KIND_SHARES = (("Method", 0.45), ("Dataset", 0.2), ("Metric", 0.15), ("Task", 0.15), ("Hardware", 0.05))


def synthetic_graph(papers: int, entities: int, seed: int = 0) -> nx.MultiDiGraph:
    """`papers` papers mentioning ~6 of `entities` entities each (Zipf-like support), with
    ~1.5 results each: 1000 papers and 2500 entities make about 5,000 nodes."""
    rng = random.Random(seed)
    g = GraphMaker()
    kinds = [kind for kind, share in KIND_SHARES for _ in range(round(share * 100))]
    pool = [g.entity(kinds[i % len(kinds)], f"entity {i:05d}", aliases=(f"E{i}",))
            for i in range(entities)]
    weights = [1 / (rank + 1) for rank in range(entities)]
    for p in range(papers):
        paper = g.paper(f"syn-{p:05d}", f"Synthetic paper {p:05d} about things",
                        url=f"https://example.org/{p}", year=2020 + p % 5)
        chosen = sorted(set(rng.choices(pool, weights, k=6)))
        for i, entity in enumerate(chosen):
            g.mention(paper, entity, f"Sentence {i} of paper {p} names {g.nodes[entity]['name']}.",
                      proposed=i == 0 and p % 7 == 0)
        metrics = [e for e in chosen if g.nodes[e]["kind"] == "Metric"]
        datasets = [e for e in chosen if g.nodes[e]["kind"] == "Dataset"]
        for r in range(p % 3 if metrics else 0):
            g.result(paper, metrics[0], 50 + r, "%", f"It reaches {50 + r}%.",
                     dataset=datasets[0] if datasets else None)
    for entity in pool:
        if not g.nodes[entity]["support"]:
            del g.nodes[entity]
    return g.graph()


def gold_graph(shared_data: Path, papers: int | None = None) -> nx.MultiDiGraph:
    """The graph `kg.graph.build_graph` makes of the dev gold annotations (a realistic graph:
    real titles, names and sentences), each name's first occurrence in the abstract as its
    mention. `papers` keeps only the first so many papers."""
    from kg.graph import build_graph
    from kg.model import Entity, Paper, PaperExtraction, Result

    listing = {}
    with open(shared_data / "hf_papers_listing.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            listing[record["id"]] = record
    extractions = []
    with open(shared_data / "gold_dev.jsonl", encoding="utf-8") as lines:
        for line in list(lines)[:papers]:
            gold = json.loads(line)
            source = listing[gold["id"]]
            paper = Paper(id=gold["id"], title=source["title"], abstract=source["abstract"],
                          url=source.get("url"), year=source.get("year"))
            entities = tuple(Entity(type=e["type"], name=e["names"][0], aliases=tuple(e["names"][1:]),
                                    proposed=e["proposed"], mentions=_first_mention(paper, e["names"]))
                             for e in gold["entities"])
            results = tuple(Result.from_dict({**r, "sentence": "", "start": 0, "end": 0})
                            for r in gold["results"])
            extractions.append(PaperExtraction(paper, entities, results))
    return build_graph(extractions)


def _first_mention(paper: Any, names: list[str]) -> tuple[Any, ...]:
    from kg.model import Mention

    text = paper.text
    for name in names:
        start = text.find(name)
        if start >= 0:
            sentences = [(m.start(), m.end()) for m in re.finditer(r"[^\n.!?]+[.!?]?", text)]
            sentence = next((text[a:b].strip() for a, b in sentences if a <= start < b), "")
            return (Mention(start=start, end=start + len(name), text=name, sentence=sentence,
                            rule="gold"),)
    return ()
