"""The graph: build it from extractions (build_graph), with ids and resolution in one place each.

The shape of the graph is documented in kg.graph.schema.
"""

from kg.graph.build import build_graph
from kg.graph.ids import entity_node_id, paper_node_id, result_node_id

__all__ = ["build_graph", "entity_node_id", "paper_node_id", "result_node_id"]
