"""JSON Lines: one object per line with "title" and "abstract" (or "summary").

"id", "url", "year" and "authors" are used when present; every other key is kept in
`Paper.metadata`. "summary" stands in for a missing "abstract" because that is what the
arXiv and Hugging Face APIs call it. Blank lines are skipped.

A ``\\ud800``-style escape of a lone UTF-16 surrogate is valid JSON but names no character,
and no UTF-8 output (nor the tokenizer) can hold it: each becomes U+FFFD, as a decoder
replaces a bad byte. One code unit for one, so offsets into the text stay the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.corpus.record import Record, describe
from kg.corpus.source import numbered_lines
from kg.errors import KgInputError

_FIELDS = ("id", "title", "abstract", "url", "year", "authors")
_ONE_PER_LINE = "; JSON Lines needs one whole object per line"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    except (ValueError, RecursionError) as err:  # valid JSON Python will not read: a 5,000-digit number, deep nesting
        raise KgInputError(f"unreadable JSON ({' '.join(str(err).split(';')[0].split())})", path, number) from None
    if not isinstance(data, dict):
        hint = _ONE_PER_LINE if isinstance(data, list) else ""
        raise KgInputError(f"expected a JSON object, got {describe(data)}{hint}", path, number)
    return _without_lone_surrogates(data) if _SURROGATE_ESCAPE.search(line) else data


def _without_lone_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(key): _without_lone_surrogates(item) for key, item in value.items()}
    return value


def _record(data: dict, path: Path, number: int) -> Record:
    if "abstract" not in data and "summary" in data:
        data = {("abstract" if key == "summary" else key): value for key, value in data.items()}
    missing = [key for key in ("title", "abstract") if key not in data]
    if missing:
        keys = ", ".join(data) or "none"
        raise KgInputError(f"missing {' and '.join(repr(k) for k in missing)} (keys: {keys})", path, number)
    return Record(line=number, **{key: data.get(key) for key in _FIELDS},
                  metadata={key: value for key, value in data.items() if key not in _FIELDS})
