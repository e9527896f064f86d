"""How each node kind and relation looks, the same in graph.html and in Gephi.

Colours are the Okabe-Ito colour-blind-safe palette; shapes are vis-network's names.
"""

from __future__ import annotations

from typing import Final

from kg.graph.schema import PROPOSES

NODE_STYLE: Final[dict[str, tuple[str, str]]] = {
    "Paper": ("#0072B2", "square"),
    "Method": ("#E69F00", "dot"),
    "Dataset": ("#009E73", "diamond"),
    "Hardware": ("#CC79A7", "triangle"),
    "Metric": ("#D55E00", "star"),
    "Task": ("#56B4E9", "triangleDown"),
    "Result": ("#8C8C8C", "hexagon"),
}
KIND_COLOURS: Final[dict[str, str]] = {kind: colour for kind, (colour, _) in NODE_STYLE.items()}
RELATION_COLOR: Final[dict[str, str]] = {
    PROPOSES: "#222222",
    "usesMethod": "#E69F00",
    "evaluatesOn": "#009E73",
    "runsOn": "#CC79A7",
    "measures": "#D55E00",
    "addresses": "#56B4E9",
    "reportsResult": "#8C8C8C",
    "ofMetric": "#B5B5B5",
    "onDataset": "#B5B5B5",
    "forMethod": "#B5B5B5",
}
