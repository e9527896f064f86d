"""`graph.html`: one self-contained interactive page (vis-network through pyvis's structures).

The page opens from disk with no network: vis-network's JS and CSS are inlined from pyvis's
bundled copy, the graph is embedded as JSON, and nothing is written beside the file. pyvis
gives the node, edge and options structures; the page itself is our template
(graph_page.html), because pyvis's own templates load Bootstrap and vis-network from CDNs.

Corpus text only ever reaches the page as JSON inside a non-executed <script> block with
``<``, ``>``, ``&``, U+2028 and U+2029 escaped; the page's script puts it into the DOM with
textContent, and vis draws labels on a canvas and tooltips with innerText.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.edge import Edge
from pyvis.node import Node
from pyvis.options import Options

from kg.export.style import NODE_STYLE, RELATION_COLOR
from kg.graph.schema import (
    NODE_KINDS,
    PAPER_RELATIONS,
    PROPOSES,
    RELATIONS,
    RESULT_RELATIONS,
)
from kg.staging import staged_file
from kg.view import View, select_view

PHYSICS_MAX_NODES = 400
"""Up to this many nodes the browser lays the graph out (bounded physics, then still);
above it the positions are computed here, since a browser's physics on thousands of nodes
does not settle in minutes."""

LAYOUT_CORE_NODES = 400
"""How many of the most connected nodes the precomputed layout places with a spring
layout (NetworkX's dense solver, fast at this size and without SciPy); every other node
is placed around a neighbour already placed."""

ENTITY_MAX_SUPPORT = 64
"""An entity is drawn the larger the more papers mention it, up to this many (size 49): a hub
of a 100k corpus, in 28,000 papers, got size 850 (a radius, in pixels) and hid the graph."""

LABEL_CHARS = 48
EVIDENCE_SENTENCES = 5
PANEL_PAPERS = 12
"""Papers the side panel lists in a section, saying how many more there are. The page holds
only those, so that its size follows the cap, not the corpus: a Method of a 100k corpus has
tens of thousands of papers, and their titles made a 1500-node page 29 MB."""
VIS = files("pyvis") / "lib" / "vis-9.1.2"
TEMPLATE = files("kg.export") / "graph_page.html"


def write_html(graph: nx.MultiDiGraph, path: str | Path, max_nodes: int | None = None, *,
               focus: str | None = None, hops: int = 1,
               types: Iterable[str] | None = None) -> View:
    """Write the page of `graph` (or of the `focus`/`hops`/`types` selection, see
    kg.view.select_view) to `path`, drawing at most `max_nodes` nodes.

    Returns the View drawn: `view.notice` says what the cap left out (None when nothing).
    """
    view = select_view(graph, focus=focus, hops=hops, types=types, max_nodes=max_nodes)
    page = render_page(graph, view)
    with staged_file(Path(path)) as staging:
        staging.write_text(page, encoding="utf-8")
    return view


def render_page(graph: nx.MultiDiGraph, view: View) -> str:
    """The page's HTML: `view` drawn, its nodes' details taken from the whole `graph`."""
    drawn = view.graph
    positions = None if drawn.number_of_nodes() <= PHYSICS_MAX_NODES else layout(drawn)
    nodes = sorted(drawn.nodes)
    details = {node: _details(graph, node) for node in nodes}
    data = {
        "nodes": [_vis_node(node, drawn.nodes[node], positions) for node in nodes],
        "edges": [_vis_edge(i, u, v, relation) for i, (u, relation, v) in
                  enumerate(sorted((u, k, v) for u, v, k in drawn.edges(keys=True)))],
        "details": details,
        "papers": _papers(graph, details),
        "legend": {"kinds": [[kind, *NODE_STYLE[kind]] for kind in NODE_KINDS],
                   "relations": [[relation, RELATION_COLOR[relation]] for relation in RELATIONS]},
        "view": {"shown": view.shown, "selected": view.selected, "graphNodes": view.graph_nodes,
                 "notice": view.notice, "focus": list(view.focus),
                 # named here: the cap may leave focus nodes out of `details`
                 "focusNames": [graph.nodes[node].get("label") or node for node in view.focus],
                 "hops": view.hops,
                 "types": list(view.types), "edges": drawn.number_of_edges()},
        "options": vis_options(precomputed=positions is not None),
    }
    return _fill(TEMPLATE.read_text(encoding="utf-8"), {
        "VIS_CSS": (VIS / "vis-network.css").read_text(encoding="utf-8"),
        "VIS_JS": (VIS / "vis-network.min.js").read_text(encoding="utf-8"),
        "DATA": script_json(data),
    })


def script_json(data: Any) -> str:
    """JSON that is inert inside an HTML <script> element: no `<`, `>` or `&` can close the
    element or open a comment, and no U+2028/U+2029 can end a JavaScript line."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _fill(template: str, parts: dict[str, str]) -> str:
    """Replace each ``/*KG:NAME*/`` marker in one pass, so inserted text is never rescanned."""
    return re.sub(r"/\*KG:([A-Z_]+)\*/", lambda match: parts[match.group(1)], template)


def vis_options(precomputed: bool) -> dict[str, Any]:
    """vis-network options. With precomputed positions physics is off from the start and
    edges are straight; otherwise a bounded stabilisation runs and the page then stops it."""
    options = Options()
    options.physics.use_force_atlas_2based({
        "gravity": -60, "central_gravity": 0.01, "spring_length": 90, "spring_strength": 0.08,
        "damping": 0.6, "overlap": 0.2})
    options.physics.enabled = not precomputed
    options.physics.stabilization.iterations = 400
    options.physics.stabilization.updateInterval = 25
    options.edges.inherit_colors(False)
    options.edges.toggle_smoothness("continuous")
    options.edges.smooth.enabled = not precomputed
    options.interaction.hideEdgesOnDrag = precomputed
    result = json.loads(options.to_json())
    result["interaction"] |= {"hover": True, "tooltipDelay": 150, "hideEdgesOnZoom": precomputed}
    result["layout"] = {"randomSeed": 7, "improvedLayout": not precomputed}
    result["nodes"] = {"font": {"size": 14, "face": "sans-serif"}, "borderWidth": 1,
                       "scaling": {"label": {"drawThreshold": 6}}}
    result["edges"] |= {"width": 1, "selectionWidth": 2, "font": {"size": 11, "align": "middle"}}
    return result


def _vis_node(node: str, data: dict[str, Any], positions: dict[str, tuple[float, float]] | None
              ) -> dict[str, Any]:
    kind = data["kind"]
    color, shape = NODE_STYLE[kind]
    label = data.get("label") or node
    options: dict[str, Any] = {
        "kind": kind, "color": color, "size": _size(kind, data.get("support", 0)),
        "title": f"{kind}: {label}", "search": _search_names(node, data)}
    if positions is not None:
        options["x"], options["y"] = positions[node]
    return Node(node, shape, _short(label), **options).options


def _size(kind: str, support: int) -> float:
    if kind == "Paper":
        return 14
    if kind == "Result":
        return 7
    return round(9 + 5 * math.sqrt(min(max(support, 1), ENTITY_MAX_SUPPORT)), 1)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def _search_names(node: str, data: dict[str, Any]) -> list[str]:
    names = [data.get("label", ""), data.get("name", ""), data.get("paper_id", ""),
             *data.get("aliases", ())]
    return sorted({name for name in names if name})


def _vis_edge(index: int, source: str, target: str, relation: str) -> dict[str, Any]:
    color = RELATION_COLOR.get(relation, "#999999")
    return Edge(source, target, directed=True, id=f"e{index}", relation=relation, title=relation,
                color={"color": color, "highlight": color, "hover": color},
                width=2 if relation == PROPOSES else 1,
                dashes=relation in RESULT_RELATIONS.values()).options


def _details(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """What the side panel shows about `node`, from the whole graph (not only the view)."""
    data = graph.nodes[node]
    kind = data["kind"]
    keep = {"Paper": ("title", "paper_id", "year", "authors"),
            "Result": ("label", "metric", "value", "unit", "relative", "dataset", "method",
                       "sentence")}.get(kind, ("name", "aliases", "support", "proposed_in",
                                               "wikidata"))
    details = {key: data[key] for key in keep if key in data}
    details["kind"] = kind
    if kind == "Paper":
        details["links"] = sorted([relation, target, graph.nodes[target].get("label", target)]
                                  for _, target, relation in graph.out_edges(node, keys=True))
    elif kind == "Result":
        details["papers"] = sorted(u for u, _ in graph.in_edges(node))
    else:
        mentions = sorted((u, relation, evidence.get("sentence", ""))
                          for u, _, relation, evidence in graph.in_edges(node, keys=True, data=True)
                          if relation in PAPER_RELATIONS)
        papers = [paper for paper, _, _ in mentions]
        proposed = [paper for paper, relation, _ in mentions if relation == PROPOSES]
        details["papers"], details["paperCount"] = papers[:PANEL_PAPERS], len(papers)
        details["proposedBy"], details["proposedCount"] = proposed[:PANEL_PAPERS], len(proposed)
        details["evidence"] = [[sentence, paper] for paper, _, sentence in mentions
                               if sentence][:EVIDENCE_SENTENCES]
    return details


def _papers(graph: nx.MultiDiGraph, details: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Title and (web) url of every paper drawn or named in the drawn nodes' `details`."""
    named: set[str] = set()
    for node, detail in details.items():
        if detail["kind"] == "Paper":
            named.add(node)
        named.update(detail.get("papers", ()), detail.get("proposedBy", ()))
        named.update(paper for _, paper in detail.get("evidence", ()))
    papers = {}
    for paper in sorted(named):
        data = graph.nodes[paper]
        entry = {"title": data.get("title") or data.get("label", paper)}
        url = data.get("url")
        if isinstance(url, str) and re.match(r"https?://", url, re.IGNORECASE):
            entry["url"] = url
        papers[paper] = entry
    return papers


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions (in screen pixels) for a graph too large for in-browser physics.

    Each connected part is laid out on its own: its most connected nodes (at most
    LAYOUT_CORE_NODES) with a spring layout, then, breadth first, every placed node gets its
    unplaced neighbours on a sunflower spiral around it. Parts are set in rows, largest
    first. Deterministic: fixed seed, every choice ordered by degree then id.
    """
    neighbours: dict[str, set[str]] = {node: set() for node in graph}
    for u, v in graph.edges():
        if u != v:
            neighbours[u].add(v)
            neighbours[v].add(u)
    ranked = sorted(graph.nodes, key=lambda node: (-len(neighbours[node]), node))
    seen: set[str] = set()
    parts: list[list[str]] = []
    for root in ranked:
        if root not in seen:
            part = _component(root, neighbours)
            seen.update(part)
            parts.append(sorted(part, key=lambda node: (-len(neighbours[node]), node)))
    parts.sort(key=lambda part: (-len(part), part[0]))
    return _shelve([_lay_out_part(part, neighbours) for part in parts])


GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
SPIRAL_STEP = 26.0


def _lay_out_part(part: list[str], neighbours: dict[str, set[str]]) -> dict[str, tuple[float, float]]:
    """Positions of one connected part (`part` ranked most connected first)."""
    core = [node for node in part[:LAYOUT_CORE_NODES] if len(neighbours[node]) > 1] or part[:1]
    positions: dict[str, tuple[float, float]] = {}
    if len(core) > 1:
        hubs = nx.Graph()
        hubs.add_nodes_from(core)
        members = set(core)
        hubs.add_edges_from((u, v) for u in core for v in sorted(neighbours[u]) if v in members)
        # Core nodes that share a neighbour outside the core are linked too: Methods, Metrics and
        # Tasks meet only through Papers, and a hub linked to no other was pushed far out,
        # its edges crossing the page and the view zoomed out to take it in.
        for outside in sorted({n for u in core for n in neighbours[u]} - members):
            linked = sorted(neighbours[outside] & members)
            hubs.add_edges_from((u, v) for i, u in enumerate(linked) for v in linked[i + 1:])
        spring = nx.spring_layout(hubs, seed=7, iterations=60, scale=90 * math.sqrt(len(core)))
        positions.update((node, (float(x), float(y))) for node, (x, y) in spring.items())
    else:
        positions[core[0]] = (0.0, 0.0)
    queue = list(core)
    for anchor in queue:
        ax, ay = positions[anchor]
        children = sorted(n for n in neighbours[anchor] if n not in positions)
        turn = (sum(map(ord, anchor)) % 360) * math.pi / 180
        for i, child in enumerate(children):
            radius = SPIRAL_STEP * (1.5 + math.sqrt(i))
            angle = turn + i * GOLDEN_ANGLE
            positions[child] = (ax + radius * math.cos(angle), ay + radius * math.sin(angle))
        queue.extend(children)
    return positions


def _shelve(parts: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """Set the parts' layouts side by side in rows no wider than the widest part."""
    boxes = []
    for part in parts:
        xs, ys = zip(*part.values())
        boxes.append((min(xs), min(ys), max(xs) - min(xs) + 2 * SPIRAL_STEP,
                      max(ys) - min(ys) + 2 * SPIRAL_STEP))
    row_width = max([1200.0, *(box[2] for box in boxes)])
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for part, (left, top, width, height) in zip(parts, boxes):
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in part.items():
            positions[node] = (round(x + px - left + SPIRAL_STEP, 1), round(y + py - top + SPIRAL_STEP, 1))
        x += width
        row_height = max(row_height, height)
    return positions


def _component(root: str, neighbours: dict[str, set[str]]) -> set[str]:
    seen, stack = {root}, [root]
    while stack:
        for other in neighbours[stack.pop()]:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen
