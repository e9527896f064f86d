"""Which part of a graph a page draws: a focus and its neighbourhood, some node types, a cap.

`select_view` is the one selection both `kg build` (graph.html: the whole graph, capped) and
`kg view` (a custom page) use. It never copies or changes the graph: the view's graph is a
read-only NetworkX subgraph view of it.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import networkx as nx

from kg.errors import KgInputError
from kg.graph.schema import NODE_KINDS

DEFAULT_MAX_NODES = 1500
"""A browser draws this many nodes smoothly; more make the page slow to load and to move."""

_NAME_ATTRIBUTES = ("label", "name", "title", "paper_id", "acronym", "long_form")


@dataclass(frozen=True)
class View:
    """The nodes a page draws, and how many of the selected ones the cap left out.

    `selected` counts the nodes the focus/hops/types selection kept before the cap;
    `graph_nodes` the nodes of the whole graph.
    """

    graph: nx.MultiDiGraph
    focus: tuple[str, ...]
    hops: int
    types: tuple[str, ...]
    max_nodes: int
    selected: int
    graph_nodes: int

    @property
    def shown(self) -> int:
        return self.graph.number_of_nodes()

    @property
    def left_out(self) -> int:
        return self.selected - self.shown

    @property
    def notice(self) -> str | None:
        """What the cap left out, in words, or None when everything selected is drawn."""
        if not self.left_out:
            return None
        return (f"showing {self.shown} of {self.selected} nodes; "
                f"{self.left_out} less connected nodes left out (max_nodes={self.max_nodes})")


def select_view(graph: nx.MultiDiGraph, *, focus: str | None = None, hops: int = 1,
                types: Iterable[str] | None = None,
                max_nodes: int | None = None) -> View:
    """The subgraph to draw.

    focus      a node's name, alias, title, paper id or node id (case-insensitive); the view
               is the nodes within `hops` edges of every node so named, in either direction.
    types      node kinds to keep (see kg.graph.schema.NODE_KINDS); focus nodes are always kept.
    max_nodes  most nodes drawn (default DEFAULT_MAX_NODES): the nodes nearest the focus, then
               the most connected within the selection, ties broken by node id, each next to a
               node already kept where one as near is (see `_grow`).
    Raises KgInputError for a focus that names no node (with close matches), an unknown type,
    negative hops or a cap below 1.
    """
    if hops < 0:
        raise KgInputError(f"hops must be 0 or more, not {hops}")
    cap = DEFAULT_MAX_NODES if max_nodes is None else max_nodes
    if cap < 1:
        raise KgInputError(f"max_nodes must be 1 or more, not {cap}")
    kinds = _parse_types(types)
    focus_ids = find_nodes(graph, focus) if focus is not None else ()
    if focus_ids:
        distance = nx.multi_source_dijkstra_path_length(
            graph.to_undirected(as_view=True), set(focus_ids), cutoff=hops)
    else:
        distance = dict.fromkeys(graph, 0)
    keep = [node for node in distance
            if node in focus_ids or not kinds or graph.nodes[node].get("kind") in kinds]
    # A subgraph view filters every adjacency it reads: degrees of the whole graph, when
    # nothing was left out, come ten times faster from the graph itself.
    subgraph = graph if len(keep) == graph.number_of_nodes() else graph.subgraph(keep)
    degree = _degrees(subgraph)

    def rank(node: str) -> tuple[int, int, str]:
        return distance[node], -degree[node], node

    ranked = sorted(keep, key=rank)
    drawn = ranked if len(ranked) <= cap else _grow(subgraph, ranked, rank, cap)
    return View(graph=graph.subgraph(drawn), focus=focus_ids, hops=hops if focus_ids else 0,
                types=kinds, max_nodes=cap, selected=len(keep),
                graph_nodes=graph.number_of_nodes())


def _grow(graph: nx.MultiDiGraph, ranked: list[str], rank: Callable[[str], tuple[int, int, str]],
          cap: int) -> list[str]:
    """The first `cap` nodes of `ranked`, except that a node next to one already taken comes
    before any node as near the focus that is not, best `rank` first among either.

    Without a focus every node is as near, and the plain ranking keeps the hubs: Methods,
    Metrics and Tasks, linked to one another only through Papers, so a cap of a few hundred
    on a large graph drew no edge at all. Grown from the most connected node instead, the view
    is connected wherever the graph is. With a focus (and no `types`) it keeps the same nodes,
    since every node is next to a nearer one.
    """
    taken: dict[str, None] = {}  # in the order taken
    frontier: list[tuple[tuple[int, int, str], str]] = []  # untaken neighbours of taken nodes
    queued: set[str] = set()
    order = iter(ranked)
    best = next(order)  # the best ranked node not taken
    while len(taken) < cap:
        while best in taken:
            best = next(order)
        while frontier and frontier[0][1] in taken:
            heapq.heappop(frontier)
        if frontier and frontier[0][0][0] <= rank(best)[0]:
            node = heapq.heappop(frontier)[1]
        else:
            node = best
        taken[node] = None
        for other in (*graph.succ[node], *graph.pred[node]):
            if other not in taken and other not in queued:
                queued.add(other)
                heapq.heappush(frontier, (rank(other), other))
    return list(taken)


def _degrees(graph: nx.MultiDiGraph) -> dict[str, int]:
    """``dict(graph.degree())``, counted in one pass over each node's successors: about
    twice as fast as NetworkX's degree view, which goes through successors and predecessors."""
    degree = dict.fromkeys(graph, 0)
    for node, successors in graph.adjacency():
        for successor, edges in successors.items():
            degree[node] += len(edges)
            degree[successor] += len(edges)
    return degree


def find_nodes(graph: nx.MultiDiGraph, name: str) -> tuple[str, ...]:
    """Ids of the nodes `name` names (see `select_view`), sorted; KgInputError if none."""
    wanted = _normal(name)
    found = sorted(node for node, data in graph.nodes(data=True)
                   if wanted in {_normal(n) for n in _names(node, data)})
    if found:
        return tuple(found)
    known: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        for each in _names(node, data):
            if each != node:
                known.setdefault(_normal(each), each)
    close = difflib.get_close_matches(wanted, sorted(known), n=5, cutoff=0.6)
    hint = ("close matches: " + ", ".join(f'"{known[c]}"' for c in close)) if close \
        else "no close matches"
    raise KgInputError(f'no node named "{name}" in the graph; {hint}')


def _names(node: str, data: dict) -> Iterator[str]:
    yield node
    for key in _NAME_ATTRIBUTES:
        if isinstance(data.get(key), str):
            yield data[key]
    yield from data.get("aliases", ())


def _normal(name: str) -> str:
    return " ".join(name.casefold().split())


def _parse_types(types: Iterable[str] | None) -> tuple[str, ...]:
    if types is None:
        return ()
    by_name = {kind.casefold(): kind for kind in NODE_KINDS}
    wanted: list[str] = []
    for name in types:
        kind = by_name.get(name.strip().casefold())
        if kind is None:
            raise KgInputError(f'unknown node type "{name}"; types are {", ".join(NODE_KINDS)}')
        wanted.append(kind)
    return tuple(k for k in NODE_KINDS if k in wanted)

