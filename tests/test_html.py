"""graph.html without a browser: self-contained, deterministic, safe, and the graph untouched."""

from __future__ import annotations

import copy
import json
import re
from importlib.resources import files
from pathlib import Path

import lxml.html
import networkx as nx
import pytest
from html_graphs import small_graph, synthetic_graph

from kg.export.html import PANEL_PAPERS, PHYSICS_MAX_NODES, layout, write_html
from kg.view import select_view

HOSTILE_TITLE = "<img src=x onerror=window.__pwned=1>"
HOSTILE_NAME = "</script><script>window.__pwned=2</script>"
URL = re.compile(r"https?://[^\s\"'()<>\\]+")


def page_data(path: Path) -> dict:
    """The JSON the page embeds, parsed as the browser parses it."""
    document = lxml.html.parse(str(path)).getroot()
    (block,) = document.xpath('//script[@id="kg-data"]')
    return json.loads(block.text)


def vendor_urls() -> set[str]:
    """URLs inside vis-network's own files: licence comments, the SVG namespace, an error
    message. None is fetched; listing them lets the test catch any URL we add."""
    vis = files("pyvis") / "lib" / "vis-9.1.2"
    text = (vis / "vis-network.min.js").read_text(encoding="utf-8") + \
        (vis / "vis-network.css").read_text(encoding="utf-8")
    return set(URL.findall(text))


@pytest.fixture(scope="module")
def large_graph() -> nx.MultiDiGraph:
    graph = synthetic_graph(papers=300, entities=700)
    assert graph.number_of_nodes() > PHYSICS_MAX_NODES
    return graph


def test_page_loads_nothing_from_outside(tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    write_html(small_graph(), path)
    html = path.read_text(encoding="utf-8")
    document = lxml.html.fromstring(html)
    assert document.xpath("//*[@src or @href or @srcset or @data]") == []
    assert document.xpath("//link | //iframe | //object | //embed | //img | //base") == []
    assert "@import" not in html
    assert re.findall(r"url\(\s*(?!['\"]?data:)", html) == []
    paper_urls = {url for _, url in small_graph().nodes(data="url") if url}
    assert set(URL.findall(html)) - vendor_urls() == paper_urls


def test_only_web_urls_become_links(tmp_path: Path) -> None:
    graph = small_graph()
    nx.set_node_attributes(graph, {"paper_2401.00002": "javascript:window.__pwned=3"}, "url")
    write_html(graph, tmp_path / "graph.html")
    papers = page_data(tmp_path / "graph.html")["papers"]
    assert "url" not in papers["paper_2401.00002"]
    assert papers["paper_2401.00001"]["url"] == "https://arxiv.org/abs/2401.00001"


def test_same_graph_gives_the_same_bytes(tmp_path: Path, large_graph: nx.MultiDiGraph) -> None:
    for name, graph in (("small", small_graph()), ("large", large_graph)):
        write_html(graph, tmp_path / f"{name}-1.html")
        write_html(graph.copy(), tmp_path / f"{name}-2.html")
        assert (tmp_path / f"{name}-1.html").read_bytes() == (tmp_path / f"{name}-2.html").read_bytes()


def test_writing_leaves_the_graph_unchanged(tmp_path: Path, large_graph: nx.MultiDiGraph) -> None:
    for graph in (small_graph(), large_graph):
        before = (copy.deepcopy(dict(graph.nodes(data=True))),
                  copy.deepcopy(list(graph.edges(keys=True, data=True))), dict(graph.graph))
        write_html(graph, tmp_path / "graph.html", max_nodes=50)
        after = (dict(graph.nodes(data=True)), list(graph.edges(keys=True, data=True)), dict(graph.graph))
        assert after == before


def test_writes_only_the_page(tmp_path: Path, large_graph: nx.MultiDiGraph) -> None:
    write_html(large_graph, tmp_path / "graph.html")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_corpus_text_is_inert_json(tmp_path: Path) -> None:
    graph = small_graph(first_title=HOSTILE_TITLE, method_name=HOSTILE_NAME)
    path = tmp_path / "graph.html"
    write_html(graph, path)
    html = path.read_text(encoding="utf-8")
    assert HOSTILE_TITLE not in html and HOSTILE_NAME not in html and "<img" not in html
    assert html.count("</script>") == 3  # vis-network, the data, the page's own script
    data = page_data(path)
    assert data["details"]["paper_2401.00001"]["title"] == HOSTILE_TITLE
    method = next(n for n in data["nodes"] if n["kind"] == "Method" and n["label"] == HOSTILE_NAME)
    assert data["details"][method["id"]]["name"] == HOSTILE_NAME


def test_line_separators_are_escaped(tmp_path: Path) -> None:
    write_html(small_graph(first_title="Two\u2028lines\u2029here"), tmp_path / "graph.html")
    html = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert "\u2028" not in html and "\u2029" not in html
    assert page_data(tmp_path / "graph.html")["details"]["paper_2401.00001"]["title"] == "Two\u2028lines\u2029here"


def test_page_draws_every_node_and_edge_with_type_styles(tmp_path: Path) -> None:
    graph = small_graph()
    write_html(graph, tmp_path / "graph.html")
    data = page_data(tmp_path / "graph.html")
    assert sorted(n["id"] for n in data["nodes"]) == sorted(graph.nodes)
    assert sorted((e["from"], e["relation"], e["to"]) for e in data["edges"]) == \
        sorted((u, k, v) for u, v, k in graph.edges(keys=True))
    shapes = {n["kind"]: (n["shape"], n["color"]) for n in data["nodes"]}
    assert len(set(shapes.values())) == len(shapes) == 7
    bert = next(n for n in data["nodes"] if n["id"] == "method_bert")
    vit = next(n for n in data["nodes"] if n["id"] == "method_vision%20transformer")
    assert bert["size"] > vit["size"]  # BERT: 3 papers, ViT: 1
    assert data["view"]["notice"] is None


def test_entity_size_grows_with_support_up_to_a_bound(tmp_path: Path) -> None:
    write_html(synthetic_graph(papers=1000, entities=2500), tmp_path / "graph.html")
    data = page_data(tmp_path / "graph.html")
    support = {node: detail["support"] for node, detail in data["details"].items() if "support" in detail}
    size = {node["id"]: node["size"] for node in data["nodes"] if node["id"] in support}
    assert size["method_entity%2000000"] == 49  # in 510 papers: as large as in 64
    by_support = [size[node] for node in sorted(size, key=support.get)]
    assert by_support == sorted(by_support) and by_support[0] < 49 == by_support[-1]


def test_side_panel_data_has_evidence_and_paper_links(tmp_path: Path) -> None:
    write_html(small_graph(), tmp_path / "graph.html")
    data = page_data(tmp_path / "graph.html")
    squad = data["details"]["dataset_squad"]
    assert squad["aliases"] == ["SQuAD 1.1"] and squad["support"] == 3
    assert ["We fine-tune BERT on SQuAD.", "paper_2401.00001"] in squad["evidence"]
    assert squad["papers"] == ["paper_2401.00001", "paper_2401.00003", "paper_2401.00004"]
    assert data["details"]["method_distilbert"]["proposedBy"] == ["paper_2401.00004"]
    assert data["papers"]["paper_2401.00003"] == {
        "title": "A Survey of Question Answering Benchmarks",
        "url": "https://huggingface.co/papers/2401.00003"}


def test_a_capped_page_holds_only_the_papers_its_panel_lists(tmp_path: Path) -> None:
    """The page's size follows the cap, not the corpus: a hub's tens of thousands of papers
    are counted, not listed."""
    write_html(synthetic_graph(papers=1000, entities=2500), tmp_path / "graph.html", max_nodes=50)
    data = page_data(tmp_path / "graph.html")
    details = data["details"].values()
    named = {paper for detail in details for key in ("papers", "proposedBy") for paper in detail.get(key, ())}
    named |= {paper for detail in details for _, paper in detail.get("evidence", ())}
    named |= {node["id"] for node in data["nodes"] if node["kind"] == "Paper"}
    assert set(data["papers"]) == named
    hub = data["details"]["method_entity%2000000"]
    assert hub["paperCount"] == hub["support"] == 510 and len(hub["papers"]) == PANEL_PAPERS
    assert hub["proposedCount"] > len(hub["proposedBy"]) == PANEL_PAPERS
    assert len(data["papers"]) < 300  # every paper of the drawn hubs: 1000


def test_large_graphs_get_positions_and_no_physics(tmp_path: Path, large_graph: nx.MultiDiGraph) -> None:
    write_html(large_graph, tmp_path / "graph.html")
    data = page_data(tmp_path / "graph.html")
    assert data["options"]["physics"]["enabled"] is False
    positions = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(positions) == len(data["nodes"])  # no two nodes on the same spot
    write_html(small_graph(), tmp_path / "small.html")
    small = page_data(tmp_path / "small.html")
    assert small["options"]["physics"]["enabled"] is True
    assert small["options"]["physics"]["stabilization"]["iterations"] > 0
    assert all("x" not in n for n in small["nodes"])


def test_layout_spreads_the_graph_over_the_drawing() -> None:
    """No hub is pushed far out: the drawing (which the page zooms to fit) is not mostly empty."""
    graph = select_view(synthetic_graph(papers=1000, entities=2500)).graph
    positions = layout(graph)
    for axis in (0, 1):
        values = sorted(position[axis] for position in positions.values())
        tail = len(values) // 20
        middle = values[-tail - 1] - values[tail]  # what the middle 90% of the nodes span
        assert middle > 0.4 * (values[-1] - values[0])


def test_cap_is_reported_in_the_page_and_returned(tmp_path: Path, large_graph: nx.MultiDiGraph) -> None:
    total = large_graph.number_of_nodes()
    view = write_html(large_graph, tmp_path / "graph.html", max_nodes=100)
    expected = f"showing 100 of {total} nodes; {total - 100} less connected nodes left out"
    assert view.shown == 100 and view.left_out == total - 100
    assert view.notice is not None and view.notice.startswith(expected)
    data = page_data(tmp_path / "graph.html")
    assert len(data["nodes"]) == 100
    assert data["view"]["notice"] == view.notice


def test_missing_chromium_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import browser

    monkeypatch.setattr(browser, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browser.require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser.require_chromium()
