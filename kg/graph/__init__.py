"""The graph: build it from extractions (build_graph), with ids, resolution and a metric's
direction (kg.graph.direction) in one place each.

The shape of the graph is documented in kg.graph.schema. `build_graph` is imported on first
use, so that the modules that need only ids or the schema (`kg query`) do not load NetworkX.
"""

from __future__ import annotations

from typing import Any

from kg.graph.ids import entity_node_id, paper_node_id, result_node_id

__all__ = ["build_graph", "entity_node_id", "paper_node_id", "result_node_id"]


def __getattr__(name: str) -> Any:
    if name == "build_graph":
        from kg.graph.build import build_graph

        return build_graph
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
