"""JSON Lines: one object per line with "title" and "abstract" (or "summary").

"id", "url", "year" and "authors" are used when present; every other key is kept in
`Paper.metadata`. "summary" stands in for a missing "abstract" because that is what the
arXiv and Hugging Face APIs call it. Blank lines are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from kg.corpus.record import Record, describe
from kg.corpus.source import numbered_lines
from kg.errors import KgInputError

_FIELDS = ("id", "title", "abstract", "url", "year", "authors")
_ONE_PER_LINE = "; JSON Lines needs one whole object per line"


def read(path: Path) -> Iterator[Record]:
    for number, line in numbered_lines(path):
        if line.strip():
            yield _record(_parse(line, path, number), path, number)


def _parse(line: str, path: Path, number: int) -> dict:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as err:
        hint = _ONE_PER_LINE if line.strip() in ("{", "[") else ""
        raise KgInputError(f"malformed JSON ({err.msg} at column {err.colno}){hint}", path, number) from None
    if not isinstance(data, dict):
        hint = _ONE_PER_LINE if isinstance(data, list) else ""
        raise KgInputError(f"expected a JSON object, got {describe(data)}{hint}", path, number)
    return data


def _record(data: dict, path: Path, number: int) -> Record:
    if "abstract" not in data and "summary" in data:
        data = {("abstract" if key == "summary" else key): value for key, value in data.items()}
    missing = [key for key in ("title", "abstract") if key not in data]
    if missing:
        keys = ", ".join(data) or "none"
        raise KgInputError(f"missing {' and '.join(repr(k) for k in missing)} (keys: {keys})", path, number)
    return Record(line=number, **{key: data.get(key) for key in _FIELDS},
                  metadata={key: value for key, value in data.items() if key not in _FIELDS})
