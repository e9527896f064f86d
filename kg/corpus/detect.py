"""Which reader a file needs: from its extension, else from its first bytes."""

from __future__ import annotations

import json
from pathlib import Path

from kg.corpus.delimited import header_delimiter
from kg.corpus.source import COMPRESSED_SUFFIXES, open_binary
from kg.errors import KgInputError

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
    else by content (decompressed); a pipe without one is refused, since sniffing it would
    consume what the reader needs.

    Content: a first non-blank character ``{`` or ``[`` is JSON Lines, ``<`` an arXiv
    feed; a first line with title and abstract columns is CSV (TSV when tab-separated);
    anything else is a listing.
    """
    by_extension = EXTENSIONS.get(format_suffix(Path(path)))
    if by_extension == "listing" and Path(path).is_file():
        return _text_file_format(path)
    if by_extension:
        return by_extension
    if Path(path).exists() and not Path(path).is_file() and not Path(path).is_dir():
        # A pipe (`<(zcat papers.gz)`, /dev/stdin) can be read once: what sniffing read would be lost.
        raise KgInputError("is a pipe or a device, which can be read only once: name its format "
                           "(--format jsonl, csv, tsv, arxiv or listing)", path)
    return sniff_format(path)


def format_suffix(path: Path) -> str:
    """The extension that names the format, lower-cased: of ``papers.jsonl.gz``, ``.jsonl``."""
    suffix = path.suffix.lower()
    return Path(path.stem).suffix.lower() if suffix in COMPRESSED_SUFFIXES else suffix


def _text_file_format(path: Path) -> str:
    """A .txt file is a listing, unless its first line is a header with title and abstract
    columns (a spreadsheet's "Text (Tab delimited)" is saved as .txt) or a JSON object."""
    first = _first_line(_head(path))
    table = _table_format(first, "\t")
    if table is not None:
        return table
    try:
        return "jsonl" if isinstance(json.loads(first), dict) else "listing"
    except ValueError:
        return "listing"


def _first_line(head: str) -> str:
    return head.splitlines()[0] if head else ""


def _table_format(first_line: str, preferred: str = ",") -> str | None:
    """"csv" or "tsv" when `first_line` is a header with title and abstract columns, else None."""
    delimiter = header_delimiter(first_line, preferred) if first_line else None
    return None if delimiter is None else "tsv" if delimiter == "\t" else "csv"


def _head(path: Path) -> str:
    """The first characters of `path` (decompressed), from its first that is not blank."""
    with open_binary(path) as stream:
        return stream.read(_SNIFF_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")


def sniff_format(path: Path) -> str:
    head = _head(path)
    if head[:1] in ("{", "["):
        return "jsonl"
    if head[:1] == "<":
        return "arxiv"
    return _table_format(_first_line(head)) or "listing"
