"""Node ids: the one place that turns paper ids and resolution keys into graph node ids.

An id is ``<prefix>_<encoded>``; `encode` percent-encodes every character outside
``[A-Za-z0-9._~-]`` (UTF-8 bytes, as in RFC 3986), so two different keys never share an
id and every id is a valid IRI path segment, an XML attribute value and a CSV cell as is.
"""

from __future__ import annotations

from urllib.parse import quote

from kg.model import EntityType


def encode(text: str) -> str:
    """Percent-encode `text`; lone surrogates are encoded as their code units, never dropped."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def paper_node_id(paper_id: str) -> str:
    return f"paper_{encode(paper_id)}"


def entity_node_id(entity_type: EntityType, key: str) -> str:
    return f"{entity_type.lower()}_{encode(key)}"


def result_node_id(paper_id: str, number: int) -> str:
    """The `number`-th (1-based) result of the paper, in the extraction's order."""
    return f"result_{encode(paper_id)}_{number}"
