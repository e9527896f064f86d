"""CSV and TSV with a header row naming at least a title and an abstract column.

Column names are matched case-insensitively and without surrounding spaces; "summary"
stands in for a missing "abstract". "id", "url", "year" and "authors" are used when
present; other non-empty cells are kept in `Paper.metadata` under their header name.

The delimiter is the one that splits the header into fields that include the title and
abstract columns, trying the format's own first (comma for csv, tab for tsv), then the
others of comma, tab, semicolon and pipe. Reading the header this way is more reliable than `csv.Sniffer`,
which guesses from the body, where abstracts are full of commas.

Tab-separated files come both with CSV's quoting (pandas, spreadsheets: a field holding a
tab, a line break or a quote is quoted, its quotes doubled) and without any (``psql``,
``paste``, most scripts: a title such as ``"Attention" is all we need`` as it is). A
tab-separated row is read with quoting where that reads it, and otherwise, when it is one
line, as the line's tab-separated fields.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.corpus.record import MAX_TEXT_CHARS, Record
from kg.corpus.source import read_lines
from kg.errors import KgInputError

DELIMITERS = {"csv": ",", "tsv": "\t"}
_CANDIDATES = (",", "\t", ";", "|")
_FIELDS = ("id", "title", "abstract", "url", "year", "authors")


def read(path: Path, fmt: str = "csv") -> Iterator[Record]:
    lines = enumerate(read_lines(path), start=1)
    for header_number, header_line in lines:
        if header_line.strip():
            break
    else:
        return
    delimiter = header_delimiter(header_line, DELIMITERS[fmt]) or DELIMITERS[fmt]
    source = _Lines(itertools.chain([header_line], (line for _, line in lines)))
    rows = csv.reader(source, delimiter=delimiter, strict=True)
    with _field_limit(MAX_TEXT_CHARS + 1):
        yield from _records(rows, path, header_number - 1, source if delimiter == "\t" else None)


class _Lines:
    """An iterator over lines that keeps the last one it gave (the csv reader's last read)."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.last = ""

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        self.last = next(self._lines)
        return self.last


def header_delimiter(line: str, preferred: str = ",") -> str | None:
    """The delimiter that makes `line` a header with title and abstract columns, if any."""
    for delimiter in dict.fromkeys((preferred, *_CANDIDATES)):
        try:
            names = _names(next(csv.reader([line], delimiter=delimiter)))
        except csv.Error:  # a cell longer than csv's limit, say: not a header
            continue
        if "title" in names and ("abstract" in names or "summary" in names):
            return delimiter
    return None


_SHOWN_HEADER = 120
"""Characters of a header that lacks the columns shown in its error (a long first row is data)."""


def _names(cells: list[str]) -> list[str]:
    return [cell.strip().lower() for cell in cells]


def _columns(cells: list[str], path: Path, line: int) -> list[str]:
    """The header's names, lower-cased and stripped, with "summary" read as "abstract"."""
    names = _names(cells)
    if "abstract" not in names and "summary" in names:
        names = ["abstract" if name == "summary" else name for name in names]
    if "title" not in names or "abstract" not in names:
        found = ", ".join(cell.strip() for cell in cells) or "none"
        found = found if len(found) <= _SHOWN_HEADER else f"{found[:_SHOWN_HEADER]}..."
        raise KgInputError(f"no 'title' and 'abstract' columns in the header (found: {found})", path, line)
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise KgInputError(f"column {repeated[0]!r} appears more than once in the header", path, line)
    return names


def _records(rows: Any, path: Path, offset: int, unquoted: _Lines | None = None) -> Iterator[Record]:
    """Records of the rows after the header.

    `rows` is a `csv.reader` (its `line_num` tells where a row ends); `offset` is the
    number of lines above the header. With `unquoted`, the lines `rows` reads (a
    tab-separated file), a one-line row that quoting does not read is split at its tabs.
    """
    header = next(rows)
    names = _columns(header, path, offset + 1)
    extra = [(index, cell.strip()) for index, (cell, name) in enumerate(zip(header, names))
             if name not in _FIELDS and cell.strip()]
    while True:
        start = offset + rows.line_num + 1
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            cells = _split_line(unquoted, len(names)) if offset + rows.line_num == start else None
            if cells is None:
                raise KgInputError(_csv_error(err, "TSV" if unquoted else "CSV"), path, start) from None
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            raise KgInputError(f"row has {len(cells)} fields, the header has {len(names)}", path, start)
        row = dict(zip(names, cells))
        yield Record(line=start, **{key: row.get(key) for key in _FIELDS},
                     metadata={name: cells[index] for index, name in extra if cells[index].strip()})


def _split_line(lines: _Lines | None, fields: int) -> list[str] | None:
    """The last of `lines` split at its tabs, if it has `fields` fields."""
    if lines is None:
        return None
    cells = lines.last.rstrip("\r\n").split("\t")
    return cells if len(cells) == fields else None


def _csv_error(err: csv.Error, name: str) -> str:
    if "field larger than field limit" in str(err):
        return f"a field is longer than {MAX_TEXT_CHARS:,} characters"
    if "unexpected end of data" in str(err):
        return f"malformed {name} (a quoted field opened in this row is never closed)"
    return f"malformed {name} ({err})"


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """Let fields grow to `limit` (csv's default is 131,072) so `MAX_TEXT_CHARS` is what bites."""
    previous = csv.field_size_limit(max(limit, csv.field_size_limit()))
    try:
        yield
    finally:
        csv.field_size_limit(previous)
