"""build_graph: the graph of kg.graph.schema, resolved across papers, the same in any input order."""

from __future__ import annotations

import gc
import random

import networkx as nx
import pytest
from graph_corpus import corpus_extractions, corpus_graph, entity, paper  # noqa: F401

from kg.errors import KgInputError
from kg.graph import build_graph, entity_node_id, paper_node_id, result_node_id
from kg.graph.schema import NODE_KINDS, PAPER_RELATIONS, RELATIONS
from kg.model import PaperExtraction, Result


def entity_ids(graph: nx.MultiDiGraph, kind: str) -> list[str]:
    return [n for n, k in graph.nodes(data="kind") if k == kind]


def test_fixture_offsets_point_at_the_mentions() -> None:
    for extraction in corpus_extractions():
        text = extraction.paper.text
        for ent in extraction.entities:
            for mention in ent.mentions:
                assert text[mention.start:mention.end] == mention.text
                assert mention.sentence in text
        for result in extraction.results:
            assert float(text[result.start:result.end]) == result.value


def test_entities_resolve_across_papers(corpus_graph: nx.MultiDiGraph) -> None:
    assert sorted(entity_ids(corpus_graph, "Dataset")) == ["dataset_cifar10", "dataset_imagenet"]
    assert sorted(entity_ids(corpus_graph, "Method")) == [
        "method_backpropagation", "method_catnet", "method_pcn", "method_pointcloudnetwork",
        "method_predictivecodingnetwork", "method_transformer", "method_visiontransformer"]
    assert sorted(entity_ids(corpus_graph, "Hardware")) == ["hardware_nvidiaa100", "hardware_rtx4090",
                                                            "hardware_tpuv4"]
    assert sorted(entity_ids(corpus_graph, "Metric")) == ["metric_accuracy", "metric_errorrate",
                                                          "metric_top1error"]
    assert corpus_graph.graph == {"merged_mentions": 25, "merged_entities": 16}


def test_spelling_variants_merge_under_the_lexicon_name(corpus_graph: nx.MultiDiGraph) -> None:
    cifar = corpus_graph.nodes["dataset_cifar10"]
    assert cifar == {"kind": "Dataset", "label": "CIFAR-10", "name": "CIFAR-10",
                     "aliases": ["CIFAR10", "cifar-10"], "support": 4, "proposed_in": 0,
                     "lexicon": True, "wikidata": "Q28407011"}
    a100 = corpus_graph.nodes["hardware_nvidiaa100"]
    assert (a100["name"], a100["aliases"], a100["support"]) == ("NVIDIA A100", ["A100 GPUs"], 2)


def test_two_lexicon_entries_sharing_a_spelling_stay_two_nodes() -> None:
    """"top-1" is how papers write top-1 accuracy, and top-1 error before "(... top-5) error"."""
    graph = build_graph([paper("a", entity("Metric", "top-1 accuracy", "top-1", lexicon="top-1 accuracy")),
                         paper("b", entity("Metric", "top-1 error", "top-1", lexicon="top-1 error"),
                               entity("Metric", "Top-1 accuracy", lexicon="top-1 accuracy"))])
    assert entity_ids(graph, "Metric") == ["metric_top1accuracy", "metric_top1error"]
    assert graph.nodes["metric_top1accuracy"]["support"] == 2


def test_plural_merges_with_the_singular(corpus_graph: nx.MultiDiGraph) -> None:
    transformer = corpus_graph.nodes["method_transformer"]
    assert (transformer["name"], transformer["aliases"], transformer["support"]) == (
        "Transformer", ["Transformers"], 2)


def test_plural_nobody_uses_in_the_singular_stays() -> None:
    graph = build_graph([paper("a", entity("Method", "GANs"))])
    assert entity_ids(graph, "Method") == ["method_gans"]


def test_one_acronym_with_two_long_forms_stays_two_nodes(corpus_graph: nx.MultiDiGraph) -> None:
    cloud = corpus_graph.nodes["method_pointcloudnetwork"]
    coding = corpus_graph.nodes["method_predictivecodingnetwork"]
    assert (cloud["acronym"], cloud["long_form"], cloud["support"]) == ("PCN", "Point Cloud Network", 1)
    assert (coding["acronym"], coding["long_form"], coding["support"]) == ("PCN", "Predictive Coding Network", 1)
    # fx-003's bare "PCN" could be either: it stays a node of its own
    assert corpus_graph.nodes["method_pcn"]["name"] == "PCN"
    assert corpus_graph.has_edge("paper_fx-003", "method_pcn", key="usesMethod")


def test_bare_acronym_joins_its_only_long_form(corpus_graph: nx.MultiDiGraph) -> None:
    vit = corpus_graph.nodes["method_visiontransformer"]
    assert (vit["name"], vit["aliases"], vit["support"]) == ("Vision Transformer", ["ViT"], 2)
    assert corpus_graph.has_edge("paper_fx-003", "method_visiontransformer", key="usesMethod")


def test_bare_acronym_joins_long_form_of_another_paper() -> None:
    defined = paper("a", entity("Method", "Point Cloud Network", "PCN", long_form="Point Cloud Network",
                                acronym="PCN", proposed=True))
    graph = build_graph([defined, paper("b", entity("Method", "PCN"))])
    assert entity_ids(graph, "Method") == ["method_pointcloudnetwork"]
    assert graph.nodes["method_pointcloudnetwork"]["support"] == 2
    assert graph.nodes["method_pointcloudnetwork"]["proposed_in"] == 1


def test_keys_are_per_entity_type() -> None:
    graph = build_graph([paper("a", entity("Method", "Mamba"), entity("Dataset", "Mamba"))])
    assert sorted(graph.nodes) == ["dataset_mamba", "method_mamba", "paper_a"]


def test_names_differing_in_punctuation_stay_apart_with_distinct_valid_ids() -> None:
    graph = build_graph([paper("a", entity("Method", "C++"), entity("Method", "C#"), entity("Method", "C"),
                               entity("Method", "c"))])
    assert sorted(entity_ids(graph, "Method")) == ["method_c", "method_c%23", "method_c%2B%2B"]
    assert entity_node_id("Method", "a/b c%") == "method_a%2Fb%20c%25"
    assert paper_node_id("2401.00001v2") == "paper_2401.00001v2"
    assert result_node_id("x y", 3) == "result_x%20y_3"


def test_node_and_edge_attributes_follow_the_schema(corpus_graph: nx.MultiDiGraph) -> None:
    assert {kind for _, kind in corpus_graph.nodes(data="kind")} == set(NODE_KINDS)
    assert {relation for *_, relation in corpus_graph.edges(keys=True)} == set(RELATIONS)
    assert corpus_graph.nodes["paper_fx-001"] == {
        "kind": "Paper", "label": 'Point Cloud Network: "Efficient" Image Classification', "paper_id": "fx-001",
        "title": 'Point Cloud Network: "Efficient" Image Classification', "url": "https://example.org/fx-001",
        "year": 2023, "authors": ["Ada Lovelace", "Alan Turing"]}
    assert "url" not in corpus_graph.nodes["paper_fx-002"] and "year" not in corpus_graph.nodes["paper_fx-003"]
    proposes = corpus_graph.get_edge_data("paper_fx-001", "method_pointcloudnetwork", key="proposes")
    assert proposes == {"relation": "proposes", "sentence": 'Point Cloud Network: "Efficient" Image Classification',
                        "start": 0, "end": 19, "rule": "acronym", "mentions": 4}
    # a proposed entity gets `proposes` instead of its type's relation
    assert not corpus_graph.has_edge("paper_fx-001", "method_pointcloudnetwork", key="usesMethod")
    for source, target, relation, data in corpus_graph.edges(keys=True, data=True):
        assert data["relation"] == relation
        if relation in PAPER_RELATIONS:
            assert set(data) == {"relation", "sentence", "start", "end", "rule", "mentions"}
        else:
            assert data == {"relation": relation}


def test_results_link_to_resolved_entities(corpus_graph: nx.MultiDiGraph) -> None:
    assert corpus_graph.nodes["result_fx-001_1"] == {
        "kind": "Result", "label": "accuracy 95.1 %", "metric": "accuracy", "value": 95.1, "unit": "%",
        "relative": False, "dataset": "CIFAR-10", "method": "Point Cloud Network", "paper_id": "fx-001",
        "sentence": "On CIFAR-10, PCN reaches 95.1% accuracy on an RTX 4090.", "start": 176, "end": 180}
    assert sorted((r, t) for _, t, r in corpus_graph.out_edges("result_fx-003_1", keys=True)) == [
        ("forMethod", "method_visiontransformer"), ("ofMetric", "metric_accuracy"),
        ("onDataset", "dataset_cifar10")]
    assert corpus_graph.has_edge("paper_fx-002", "result_fx-002_2", key="reportsResult")


def test_a_metric_only_a_result_names_becomes_an_entity(corpus_graph: nx.MultiDiGraph) -> None:
    assert corpus_graph.nodes["metric_top1error"]["name"] == "top-1 error"
    assert corpus_graph.has_edge("result_fx-003_2", "metric_top1error", key="ofMetric")
    measures = corpus_graph.get_edge_data("paper_fx-003", "metric_top1error", key="measures")
    assert (measures["start"], measures["end"], measures["rule"]) == (142, 153, "result")


def test_a_metric_has_its_lexicon_entry_direction_else_the_one_its_name_says() -> None:
    """`lower_is_better`, which leaderboards rank by (kg.graph.direction)."""
    graph = build_graph([
        paper("a", entity("Metric", "FID", lexicon="FID", lower_is_better=True),
              entity("Metric", "top-1 accuracy", lexicon="top-1 accuracy", lower_is_better=False),
              entity("Metric", "attack success rate", lexicon="attack success rate"),
              entity("Metric", "machine footprint"), entity("Metric", "energy efficiency"),
              entity("Metric", "perplexity", lexicon="perplexity", lower_is_better=True), entity("Method", "ResNet")),
        # a name of the paper's own that resolves into the lexicon's FID; two versions of the lexicon
        paper("b", entity("Metric", "FID score", "FID"),
              entity("Metric", "perplexity", lexicon="perplexity", lower_is_better=False)),
    ])
    assert {node: data.get("lower_is_better", "absent") for node, data in graph.nodes(data=True)
            if data["kind"] in ("Metric", "Method")} == {
        "metric_fid": True, "metric_top1accuracy": False, "metric_attacksuccessrate": "absent",
        "metric_machinefootprint": True, "metric_energyefficiency": False, "metric_perplexity": "absent",
        "method_resnet": "absent"}
    assert graph.nodes["metric_fid"]["aliases"] == ["FID score"]


def test_extractions_without_directions_give_lexicon_metrics_none(corpus_graph: nx.MultiDiGraph) -> None:
    """tests/data/graph/corpus.jsonl was written before the lexicon gave directions: its lexicon
    metrics have none; the metric only a result names is judged by its name."""
    assert {node: data.get("lower_is_better", "absent") for node, data in corpus_graph.nodes(data=True)
            if data["kind"] == "Metric"} == {"metric_accuracy": "absent", "metric_errorrate": "absent",
                                             "metric_top1error": True}


def test_result_without_dataset_or_method_has_no_such_edges() -> None:
    result = Result(metric="BLEU", value=27.5, unit="", relative=False, sentence="s", start=0, end=4)
    graph = build_graph([paper("a", results=(result,))])
    assert graph.nodes["result_a_1"]["label"] == "BLEU 27.5"
    assert "dataset" not in graph.nodes["result_a_1"] and "method" not in graph.nodes["result_a_1"]
    assert [r for *_, r in graph.out_edges("result_a_1", keys=True)] == ["ofMetric"]


def test_nodes_and_edges_are_inserted_sorted(corpus_graph: nx.MultiDiGraph) -> None:
    assert list(corpus_graph.nodes) == sorted(corpus_graph.nodes)
    edges = [(s, r, t) for s, t, r in corpus_graph.edges(keys=True)]
    assert edges == sorted(edges)


def graph_data(graph: nx.MultiDiGraph) -> tuple:
    return (graph.graph, list(graph.nodes(data=True)), list(graph.edges(keys=True, data=True)))


def test_input_order_does_not_change_the_graph(corpus_graph: nx.MultiDiGraph) -> None:
    for seed in range(5):
        extractions = corpus_extractions()
        random.Random(seed).shuffle(extractions)
        shuffled = [PaperExtraction(e.paper, tuple(random.Random(seed).sample(e.entities, len(e.entities))),
                                    e.results) for e in extractions]
        assert graph_data(build_graph(shuffled)) == graph_data(corpus_graph)


def test_duplicate_paper_ids_are_an_input_error() -> None:
    with pytest.raises(KgInputError, match="two papers with id 'a'"):
        build_graph([paper("a"), paper("a")])


def test_building_leaves_the_garbage_collector_as_it_was() -> None:
    """build_graph pauses Python's collector while it builds, then leaves it as it found it."""
    build_graph(corpus_extractions())
    assert gc.isenabled()
    gc.disable()
    try:
        build_graph(corpus_extractions())
        assert not gc.isenabled()
    finally:
        gc.enable()
