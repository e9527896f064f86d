"""`graph.json`: the graph itself, losslessly, so that `kg view` and `kg export` can work
from a finished build without extracting again (NetworkX node-link JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.errors import KgInputError


def write_nodelink(graph: nx.MultiDiGraph, path: Path) -> None:
    data = nx.node_link_data(graph, edges="links")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, sort_keys=True, indent=None, separators=(",", ":"))
        out.write("\n")


def read_nodelink(path: Path) -> nx.MultiDiGraph:
    try:
        with open(path, encoding="utf-8") as source:
            data = json.load(source)
        return nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
    except FileNotFoundError:
        raise KgInputError("no such file (run `kg build` first)", path) from None
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as err:
        raise KgInputError(f"not a kg graph.json ({err})", path) from None
