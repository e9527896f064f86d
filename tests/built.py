"""What a build wrote, for comparing builds."""

from __future__ import annotations

from pathlib import Path

from kg.workflow import output_files as output_paths


def output_files(out: Path) -> dict[Path, bytes]:
    """Every output file of a build (`kg.workflow.output_files`: not the query cache) by its path
    inside `out`, with its bytes."""
    return {path: (out / path).read_bytes() for path in output_paths(out)}
