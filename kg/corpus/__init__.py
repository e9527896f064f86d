"""Reading papers: every input format turned into `Paper` records.

    read_papers(["a.jsonl", "b.csv"])    # formats found from extension, else content
    read_papers([])                      # the bundled listing of 188 papers

One module per format (listing, jsonl, delimited for csv/tsv, arxiv for Atom feeds) turns
a file into `Record`s; `kg.corpus.record` checks them and makes the `Paper`s, so every
format follows one policy on ids, empty fields and size limits. Bad input raises
`KgInputError` naming the file and line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from functools import partial
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

from kg.corpus import arxiv, delimited, jsonl, listing
from kg.corpus.detect import detect_format
from kg.corpus.record import MAX_TEXT_CHARS, Record, to_paper
from kg.errors import KgInputError
from kg.model import Paper

__all__ = ["BUNDLED_LISTING", "FORMATS", "MAX_TEXT_CHARS", "detect_format", "read_papers"]

FORMATS = ("listing", "jsonl", "csv", "tsv", "arxiv")
BUNDLED_LISTING: Traversable = files("kg").joinpath("data", "hf_papers_listing.txt")
"""The bundled listing of 188 papers (package data; use `importlib.resources.as_file` for a path)."""

READERS: dict[str, Callable[[Path], Iterator[Record]]] = {
    "listing": listing.read,
    "jsonl": jsonl.read,
    "csv": partial(delimited.read, fmt="csv"),
    "tsv": partial(delimited.read, fmt="tsv"),
    "arxiv": arxiv.read,
}
_LISTED = 5
_log = logging.getLogger(__name__)


def read_papers(sources: Sequence[str | Path] | str | Path = (), fmt: str | None = None,
                warn: Callable[[str], None] | None = None) -> Iterator[Paper]:
    """Yield the papers of `sources` in order (the bundled listing when empty; a bare path
    is read as a list of one).

    `fmt` (one of `FORMATS`) overrides detection for every source. A paper whose id was
    already read is skipped, and records with neither title nor abstract too; each kind is
    reported once, through `warn` (default: the ``kg.corpus`` logger), when the sources
    are exhausted. Reading nothing at all is an error, raised then too.
    """
    if isinstance(sources, str | Path):  # one file given bare, not as a list of one
        sources = [sources]
    if fmt is not None and fmt not in FORMATS:
        raise KgInputError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if not sources and fmt not in (None, "listing"):  # an input forgotten, most likely
        raise KgInputError(f"format {fmt!r} given, but no input file (without one, the bundled listing is read)")
    warn = warn or _log.warning
    seen: set[str] = set()
    duplicates: list[str] = []
    empty: list[str] = []
    with ExitStack() as stack:
        paths = [Path(source) for source in sources] or [stack.enter_context(as_file(BUNDLED_LISTING))]
        for path in paths:
            for record in READERS[fmt or detect_format(path)](path):
                paper = to_paper(record, path)
                if paper is None:
                    empty.append(f"{path}:{record.line}")
                elif paper.id in seen:
                    duplicates.append(paper.id)
                else:
                    seen.add(paper.id)
                    yield paper
    if duplicates:
        warn(f"{_count(duplicates, 'duplicate id')} skipped (first kept): {_some(duplicates)}")
    if empty:
        warn(f"{_count(empty, 'record')} with neither title nor abstract skipped: {_some(empty)}")
    if not seen:
        raise KgInputError(f"no papers found in {_some([str(path) for path in paths])}")


def _count(items: list[str], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _some(items: list[str]) -> str:
    return ", ".join(items[:_LISTED]) + (", ..." if len(items) > _LISTED else "")
