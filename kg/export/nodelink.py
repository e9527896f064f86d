"""`graph.json`: the graph itself, losslessly, so that `kg view` and `kg export` can work
from a finished build without extracting again (NetworkX node-link JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.errors import KgInputError

CHUNK_ITEMS = 1000


def write_nodelink(graph: nx.MultiDiGraph, path: Path) -> None:
    """The bytes of ``json.dump(node_link_data, sort_keys=True, separators=(",", ":"))``, but
    encoded by the C encoder, which `json.dump` does not use (it is half as fast), a
    thousand nodes or links at a time so that the whole text is never in memory at once."""
    data = nx.node_link_data(graph, edges="links")
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
    with open(path, "w", encoding="utf-8") as out:
        out.write("{")
        for index, key in enumerate(sorted(data)):
            out.write(("," if index else "") + encode(key) + ":")
            value = data[key]
            if type(value) is not list:
                out.write(encode(value))
                continue
            out.write("[")
            for first in range(0, len(value), CHUNK_ITEMS):
                out.write(("," if first else "") + encode(value[first:first + CHUNK_ITEMS])[1:-1])
            out.write("]")
        out.write("}\n")


def read_nodelink(path: Path) -> nx.MultiDiGraph:
    try:
        with open(path, encoding="utf-8") as source:
            data = json.load(source)
        return nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
    except FileNotFoundError:
        raise KgInputError("no such file (run `kg build` first)", path) from None
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as err:
        raise KgInputError(f"not a kg graph.json ({err})", path) from None
