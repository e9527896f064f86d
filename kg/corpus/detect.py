"""Which reader a file needs: from its extension, else from its first bytes."""

from __future__ import annotations

from pathlib import Path

from kg.corpus.delimited import header_delimiter
from kg.corpus.source import COMPRESSED_SUFFIXES, open_binary

EXTENSIONS = {
    ".txt": "listing",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json-lines": "jsonl", ".jsonlines": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv", ".tab": "tsv",
    ".xml": "arxiv", ".atom": "arxiv",
}
_SNIFF_BYTES = 1 << 16


def detect_format(path: Path) -> str:
    """The format of `path`: by extension when it names one (before a compression suffix),
    else by content (decompressed).

    Content: a first non-blank character ``{`` or ``[`` is JSON Lines, ``<`` an arXiv
    feed; a first line with title and abstract columns is CSV (TSV when tab-separated);
    anything else is a listing.
    """
    by_extension = EXTENSIONS.get(format_suffix(Path(path)))
    return by_extension or sniff_format(path)


def format_suffix(path: Path) -> str:
    """The extension that names the format, lower-cased: of ``papers.jsonl.gz``, ``.jsonl``."""
    suffix = path.suffix.lower()
    return Path(path.stem).suffix.lower() if suffix in COMPRESSED_SUFFIXES else suffix


def sniff_format(path: Path) -> str:
    with open_binary(path) as stream:
        head = stream.read(_SNIFF_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head[:1] in ("{", "["):
        return "jsonl"
    if head[:1] == "<":
        return "arxiv"
    delimiter = header_delimiter(head.splitlines()[0]) if head else None
    if delimiter is None:
        return "listing"
    return "tsv" if delimiter == "\t" else "csv"
