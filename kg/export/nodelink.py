"""`graph.json`: the graph itself, losslessly, so that `kg view` and `kg export` can work
from a finished build without extracting again (NetworkX node-link JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KgInputError
from kg.export import WRITE_BUFFER

CHUNK_ITEMS = 1000


def write_nodelink(graph: nx.MultiDiGraph, path: Path) -> None:
    """The bytes of ``json.dump(nx.node_link_data(graph, edges="links"), sort_keys=True,
    separators=(",", ":"))``, but encoded by the C encoder, which `json.dump` does not use (it
    is half as fast), a thousand nodes or links at a time as they are made, so that neither the
    whole text nor every node's and link's dict is ever in memory at once."""
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
    with open(path, "w", encoding="utf-8", buffering=WRITE_BUFFER) as out:
        out.write("{")
        for index, (key, value) in enumerate(sorted(_node_link_data(graph).items())):
            out.write(("," if index else "") + encode(key) + ":")
            if not isinstance(value, Iterator):
                out.write(encode(value))
                continue
            out.write("[")
            separator = ""
            while chunk := list(islice(value, CHUNK_ITEMS)):
                out.write(separator + encode(chunk)[1:-1])
                separator = ","
            out.write("]")
        out.write("}\n")


def _node_link_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """``nx.node_link_data(graph, edges="links")``, its nodes and links made one by one."""
    return {
        "directed": graph.is_directed(),
        "multigraph": graph.is_multigraph(),
        "graph": graph.graph,
        "nodes": ({**data, "id": node} for node, data in graph.nodes(data=True)),
        "links": ({**data, "source": source, "target": target, "key": key}
                  for source, target, key, data in graph.edges(keys=True, data=True)),
    }


def read_nodelink(path: Path) -> nx.MultiDiGraph:
    try:
        with open(path, encoding="utf-8") as source:
            data = json.load(source)
        return nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
    except FileNotFoundError:
        raise KgInputError("no such file (run `kg build` first)", path) from None
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as err:
        raise KgInputError(f"not a kg graph.json ({err})", path) from None
