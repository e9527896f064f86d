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
from kg.graph.schema import (
    EVIDENCE_ATTRIBUTES,
    NODE_ATTRIBUTES,
    OPTIONAL_ATTRIBUTES,
    PAPER_RELATIONS,
    RELATIONS,
    STRINGS,
    Types,
)

CHUNK_ITEMS = 1000

_TYPE_NAMES: dict[Types, str] = {str: "a string", int: "an integer", bool: "true or false",
                                 (int, float): "a number", STRINGS: "a list of strings"}


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
    """The graph `write_nodelink` wrote to `path`; KgInputError naming the first thing that
    is not as kg writes it, rather than an exporter failing on it later."""
    try:
        with open(path, encoding="utf-8") as source:
            data = json.load(source)
    except FileNotFoundError:
        raise KgInputError("no such file (run `kg build` first)", path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise KgInputError(f"not a kg graph.json ({err})", path) from None
    problem = _shape_problem(data)
    if problem is not None:
        raise KgInputError(f"not a kg graph.json ({problem})", path)
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="links")


def _shape_problem(data: Any) -> str | None:
    """What first makes `data` (loaded JSON) other than what `write_nodelink` writes, or None.

    One pass over the nodes, then one over the links, checking what the exporters rely on:
    each node's id, kind and NODE_ATTRIBUTES, and the types of the OPTIONAL_ATTRIBUTES it has;
    each link's ends (node ids), relation, and the evidence of a paper-to-entity link
    (EVIDENCE_ATTRIBUTES)."""
    if not isinstance(data, dict):
        return f"the top level is {_json_type(data)}, not an object"
    for key in ("nodes", "links"):
        if key not in data:
            return f'no "{key}" list'
        if not isinstance(data[key], list):
            return f'"{key}" is {_json_type(data[key])}, not a list'
    for key in ("directed", "multigraph"):  # NetworkX would make a graph of another class
        if data.get(key, True) is not True:
            return f'"{key}" is {json.dumps(data[key])}, not true'
    kinds: dict[str, str] = {}
    for index, node in enumerate(data["nodes"]):
        problem = _node_problem(index, node, kinds)
        if problem is not None:
            return problem
    for index, link in enumerate(data["links"]):
        problem = _link_problem(index, link, kinds)
        if problem is not None:
            return problem
    return None


def _node_problem(index: int, node: Any, kinds: dict[str, str]) -> str | None:
    """What is wrong with the `index`-th node, or None; `kinds` (node id to kind) gains it."""
    if not isinstance(node, dict):
        return f"nodes[{index}] is {_json_type(node)}, not an object"
    node_id = node.get("id")
    if type(node_id) is not str:
        return f'nodes[{index}] has no "id" that is a string'
    kind = node.get("kind")
    if type(kind) is not str or kind not in NODE_ATTRIBUTES:
        return f'node {node_id!r} has no "kind" that is one of {", ".join(NODE_ATTRIBUTES)}'
    kinds[node_id] = kind
    name = f"node {node_id!r} ({kind})"
    return (_attribute_problem(node, NODE_ATTRIBUTES[kind], name)
            or _attribute_problem(node, OPTIONAL_ATTRIBUTES[kind], name, optional=True))


def _link_problem(index: int, link: Any, kinds: dict[str, str]) -> str | None:
    """What is wrong with the `index`-th link, or None, given every node's kind."""
    if not isinstance(link, dict):
        return f"links[{index}] is {_json_type(link)}, not an object"
    for end in ("source", "target"):
        if type(link.get(end)) is not str or link[end] not in kinds:
            return f'links[{index}] has no "{end}" that is a node id'
    relation = link.get("key")
    if type(relation) is not str or relation not in RELATIONS:
        return f'links[{index}] has no "key" that is one of {", ".join(RELATIONS)}'
    if link.get("relation", relation) != relation:
        return f'links[{index}] has a "relation" other than its "key"'
    if relation in PAPER_RELATIONS and kinds[link["source"]] == "Paper":
        return _attribute_problem(link, EVIDENCE_ATTRIBUTES, f"links[{index}] ({relation})")
    return None


def _attribute_problem(item: dict[str, Any], attributes: dict[str, Types], name: str,
                       optional: bool = False) -> str | None:
    """What is wrong with `item`'s `attributes`, or None: one missing, unless `optional`, or
    one of another type."""
    for key, types in attributes.items():
        if key not in item:
            if optional:
                continue
            return f'{name} has no "{key}" that is {_TYPE_NAMES[types]}'
        if not _is_a(item[key], types):
            return f'{name}: "{key}" is {_found(item[key])}, not {_TYPE_NAMES[types]}'
    return None


def _is_a(value: Any, types: Types) -> bool:
    """Whether `value` is of `types` as JSON reads it: true and false are not numbers."""
    if types == STRINGS:
        return isinstance(value, list) and all(map(str.__instancecheck__, value))
    if isinstance(value, bool):
        return types is bool
    return isinstance(value, types)


def _found(value: Any) -> str:
    """`value`'s type, and for a list the type of the first item that is not a string."""
    if isinstance(value, list):
        odd = next((item for item in value if not isinstance(item, str)), None)
        if odd is not None:
            return f"a list holding {_json_type(odd)}"
    return _json_type(value)


def _json_type(value: Any) -> str:
    """`value`'s type in JSON's words: "an object", "a list", "a string", "null"..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "an object", list: "a list", str: "a string"}.get(type(value), "a number")
