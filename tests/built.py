"""What a build wrote, for comparing builds."""

from __future__ import annotations

from pathlib import Path


def output_files(out: Path) -> dict[Path, bytes]:
    """Every file of a build by its path inside `out`, but the query cache (a hidden folder of
    RocksDB files, which are not deterministic: a cache, not an output)."""
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.relative_to(out).parts[0].startswith(".")}
