"""graph.html in headless Chromium, offline: what a user sees and can do with it."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from browser import PageRun, open_page, require_chromium
from html_graphs import small_graph, synthetic_graph

from kg.export.html import PHYSICS_MAX_NODES, write_html

pytestmark = pytest.mark.browser

HOSTILE_TITLE = "<img src=x onerror=window.__pwned=1>"
HOSTILE_NAME = "</script><script>window.__pwned=2</script>"


@pytest.fixture(autouse=True)
def chromium() -> None:
    require_chromium()


def page_of(graph: nx.MultiDiGraph, directory: Path, **options) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / "graph.html"
    write_html(graph, path, **options)
    return path


def assert_clean(run: PageRun) -> None:
    assert run.requests == []
    assert run.console_errors == []
    assert run.page_errors == []


def panel_text(run: PageRun) -> str:
    return run.page.inner_text("#kg-panel")


def test_offline_page_draws_the_whole_graph_and_writes_nothing(tmp_path: Path) -> None:
    graph = small_graph()
    path = page_of(graph, tmp_path / "page")
    before = sorted(p.name for p in path.parent.iterdir())
    with open_page(path) as run:
        counts = run.evaluate("[kg.nodes.length, kg.edges.length, "
                              "Object.keys(kg.network.getPositions()).length]")
        physics = run.evaluate("kg.network.physics.physicsEnabled")
        assert_clean(run)
    assert counts == [graph.number_of_nodes(), graph.number_of_edges(), graph.number_of_nodes()]
    assert physics is False  # stabilised, then stopped
    assert sorted(p.name for p in path.parent.iterdir()) == before == ["graph.html"]


def test_search_selects_and_shows_a_node(tmp_path: Path) -> None:
    with open_page(page_of(small_graph(), tmp_path)) as run:
        run.page.fill("#kg-search", "squad 1")
        assert run.page.inner_text("#kg-matches") == "SQuAD \u2014 Dataset"
        run.page.press("#kg-search", "Enter")
        assert run.evaluate("kg.network.getSelectedNodes()") == ["dataset_squad"]
        text = panel_text(run)
        assert "SQuAD 1.1" in text and "We fine-tune BERT on SQuAD." in text
        assert run.page.get_attribute("#kg-panel a[href]", "href") == "https://arxiv.org/abs/2401.00001"
        assert_clean(run)


def test_type_filter_hides_that_type(tmp_path: Path) -> None:
    with open_page(page_of(small_graph(), tmp_path)) as run:
        run.page.uncheck('input[data-kind="Dataset"]')
        hidden = run.evaluate("kg.nodes.get().filter(n => n.hidden).map(n => n.kind)")
        assert hidden == ["Dataset", "Dataset"]
        run.page.check('input[data-kind="Dataset"]')
        assert run.evaluate("kg.nodes.get().filter(n => n.hidden).length") == 0
        assert_clean(run)


def test_clicking_a_node_highlights_its_neighbourhood(tmp_path: Path) -> None:
    graph = small_graph()
    with open_page(page_of(graph, tmp_path)) as run:
        box = run.page.locator("#kg-graph").bounding_box()
        point = run.evaluate("kg.network.canvasToDOM(kg.network.getPositions(['hardware_tpu%20v4'])"
                             "['hardware_tpu%20v4'])")
        run.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        assert run.evaluate("kg.network.getSelectedNodes()") == ["hardware_tpu%20v4"]
        assert run.evaluate("kg.highlighted") == ["hardware_tpu%20v4", "paper_2401.00002"]
        faded = run.evaluate("kg.nodes.get().filter(n => n.opacity < 1).length")
        assert faded == graph.number_of_nodes() - 2
        assert "TPU v4" in panel_text(run)
        assert_clean(run)


def test_hostile_corpus_text_shows_as_text_and_runs_nothing(tmp_path: Path) -> None:
    graph = small_graph(first_title=HOSTILE_TITLE, method_name=HOSTILE_NAME)
    method = next(n for n, label in graph.nodes(data="label") if label == HOSTILE_NAME)
    with open_page(page_of(graph, tmp_path)) as run:
        run.page.fill("#kg-search", "window.__pwned")
        matches = run.page.inner_text("#kg-matches")
        assert HOSTILE_TITLE in matches and HOSTILE_NAME in matches
        run.evaluate("id => kg.select(id)", "paper_2401.00001")
        assert HOSTILE_TITLE in panel_text(run) and HOSTILE_NAME in panel_text(run)
        run.evaluate("id => kg.select(id)", method)
        assert HOSTILE_NAME in panel_text(run)
        run.page.hover("#kg-graph")
        assert run.evaluate("window.__pwned") is None
        assert run.page.locator("img").count() == 0
        assert run.page.locator("script").count() == 3
        assert_clean(run)


def test_cap_message_says_what_was_left_out(tmp_path: Path) -> None:
    graph = small_graph()
    with open_page(page_of(graph, tmp_path, max_nodes=5)) as run:
        assert run.evaluate("kg.nodes.length") == 5
        assert run.page.inner_text("#kg-notice").startswith(
            f"showing 5 of {graph.number_of_nodes()} nodes; "
            f"{graph.number_of_nodes() - 5} less connected nodes left out")
        assert_clean(run)


def test_focused_view_opens_on_the_focus(tmp_path: Path) -> None:
    with open_page(page_of(small_graph(), tmp_path, focus="ViT", hops=1)) as run:
        assert run.evaluate("kg.network.getSelectedNodes()") == ["method_vision%20transformer"]
        assert "within 1 hop of Vision Transformer" in run.page.inner_text("#kg-summary")
        assert_clean(run)


def test_large_graph_uses_precomputed_positions(tmp_path: Path) -> None:
    graph = synthetic_graph(papers=300, entities=700)
    assert graph.number_of_nodes() > PHYSICS_MAX_NODES
    with open_page(page_of(graph, tmp_path)) as run:
        counts = run.evaluate("[kg.nodes.length, kg.edges.length, kg.data.options.physics.enabled]")
        first = run.evaluate("kg.network.getPositions(['paper_syn-00000'])['paper_syn-00000']")
        expected = run.evaluate("kg.nodes.get('paper_syn-00000')")
        assert_clean(run)
    assert counts == [graph.number_of_nodes(), graph.number_of_edges(), False]
    # getPositions rounds to whole pixels: the node sits where Python put it, physics never moved it
    assert abs(first["x"] - expected["x"]) <= 0.5 and abs(first["y"] - expected["y"]) <= 0.5


def test_focus_naming_more_nodes_than_the_cap_still_gives_a_working_page(tmp_path: Path) -> None:
    # "2401.00001" names the paper and its result (which carries the paper's id); one is drawn
    with open_page(page_of(small_graph(), tmp_path, focus="2401.00001", max_nodes=1)) as run:
        assert run.evaluate("kg.nodes.getIds()") == ["paper_2401.00001"]
        assert run.evaluate("kg.network.getSelectedNodes()") == ["paper_2401.00001"]
        assert run.page.inner_text("#kg-summary").endswith(
            "within 1 hop of Fine-tuning BERT for Question Answering on SQuAD, F1 93.2")
        assert run.page.inner_text("#kg-notice").startswith("showing 1 of 6 nodes")
        assert run.page.locator("#kg-kinds input").count() == 1
        assert_clean(run)


def test_a_link_to_a_node_of_a_hidden_type_shows_that_type_again(tmp_path: Path) -> None:
    with open_page(page_of(small_graph(), tmp_path)) as run:
        run.page.uncheck('input[data-kind="Paper"]')
        run.evaluate("id => kg.select(id)", "dataset_squad")
        run.page.get_by_role("button", name="A Survey of Question Answering Benchmarks").click()
        assert run.evaluate("kg.network.getSelectedNodes()") == ["paper_2401.00003"]
        assert run.evaluate("kg.nodes.get().filter(n => n.hidden).length") == 0
        assert run.page.is_checked('input[data-kind="Paper"]')
        assert_clean(run)


def test_highlight_fades_the_labels_of_the_other_nodes(tmp_path: Path) -> None:
    graph = small_graph()
    label_colours = "Object.values(kg.network.body.nodes).filter(n => !n.isCluster)" \
                    ".map(n => [n.id, n.options.font.color])"
    with open_page(page_of(graph, tmp_path)) as run:
        run.evaluate("id => kg.select(id)", "hardware_tpu%20v4")
        colours = dict(run.evaluate(label_colours))
        kept = {"hardware_tpu%20v4", "paper_2401.00002"}
        assert {colours[node] for node in kept} == {"#343434"}
        assert {colour for node, colour in colours.items() if node not in kept} == {"rgba(52, 52, 52, 0.15)"}
        # the next highlight updates only the nodes and edges whose look changes
        run.evaluate("window.updated = []; kg.nodes.on('update', (e, p) => updated.push(...p.items));"
                     "kg.edges.on('update', (e, p) => updated.push(...p.items))")
        run.evaluate("id => kg.select(id)", "paper_2401.00002")  # TPU v4's paper
        assert sorted(run.evaluate("updated")) == sorted(
            ["dataset_imagenet", "method_vision%20transformer", *run.evaluate(
                "kg.network.getConnectedEdges('paper_2401.00002')"
                ".filter(e => kg.edges.get(e).to !== 'hardware_tpu%20v4')")])
        box = run.page.locator("#kg-graph").bounding_box()
        run.page.mouse.click(box["x"] + 3, box["y"] + 3)  # an empty spot: the selection is cleared
        assert run.evaluate("kg.highlighted") is None
        assert set(dict(run.evaluate(label_colours)).values()) == {"#343434"}
        assert_clean(run)


def test_clicking_elsewhere_closes_the_list_of_matches(tmp_path: Path) -> None:
    with open_page(page_of(small_graph(), tmp_path)) as run:
        run.page.fill("#kg-search", "b")
        assert run.page.is_visible("#kg-matches")
        box = run.page.locator("#kg-graph").bounding_box()
        run.page.mouse.click(box["x"] + 3, box["y"] + box["height"] - 3)
        assert not run.page.is_visible("#kg-matches")
        run.page.fill("#kg-search", "bert")
        run.page.get_by_role("button", name="DistilBERT \u2014 Method").click()  # a match still picks
        assert run.evaluate("kg.network.getSelectedNodes()") == ["method_distilbert"]
        assert not run.page.is_visible("#kg-matches")
        assert_clean(run)


def test_panel_counts_the_papers_it_does_not_list(tmp_path: Path) -> None:
    graph = synthetic_graph(papers=1000, entities=2500)
    hub = "method_entity%2000000"
    papers = {u for u, _ in graph.in_edges(hub)}
    proposers = {u for u, _, relation in graph.in_edges(hub, keys=True) if relation == "proposes"}
    with open_page(page_of(graph, tmp_path, max_nodes=50)) as run:
        run.evaluate("id => kg.select(id)", hub)
        assert run.page.locator("#kg-panel li").count() == 2 * 12
        more = run.page.locator("#kg-panel p.kg-muted").all_inner_texts()
        assert more == [f"and {len(proposers) - 12} more", f"and {len(papers) - 12} more"]
        assert_clean(run)
