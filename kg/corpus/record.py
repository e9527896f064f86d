"""What every reader hands over, and the one place it is checked and turned into a `Paper`.

Policy, the same for every format:

* `title` and `abstract` must be strings (null, as pandas and Hugging Face write a missing
  value, is empty); surrounding whitespace is stripped and each line break inside, with
  the spaces around it, becomes one space: hard-wrapped text (the arXiv metadata dump,
  multi-line CSV cells) reads as it would on one line, and the only line break of
  `Paper.text` is the one between title and abstract. Nothing else is changed (offsets
  point into this text).
* Either may be empty: a paper with a title and no abstract is still a paper (extraction
  sees the title alone). A record with neither is skipped; `read_papers` warns once with
  the count.
* Neither may exceed `MAX_TEXT_CHARS` characters. Characters, not bytes: the limit guards
  the extractor, whose cost follows the text it reads, whatever the script's byte width.
* The id is the given one (stringified, stripped), else the arXiv id of the url, else
  derived from the title (`kg.corpus.ids`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.corpus.ids import arxiv_id, derived_id
from kg.errors import KgInputError
from kg.model import Paper

MAX_TEXT_CHARS = 1_000_000

Fail = Callable[[str], KgInputError]

_YEAR = re.compile(r"^(\d{4})(?:$|[-/T .])")
_AUTHOR_SEPARATORS = re.compile(r"\s*(?:,|\band\b)\s*")


@dataclass(slots=True)
class Record:
    """One paper as a reader found it, values not yet checked. `line` is where it starts."""

    line: int | None
    title: Any
    abstract: Any
    id: Any = None
    url: Any = None
    year: Any = None
    authors: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)


def to_paper(record: Record, path: Path) -> Paper | None:
    """The `Paper` of `record`, or None when it has neither title nor abstract."""
    def fail(message: str) -> KgInputError:
        return KgInputError(message, path, record.line)

    title = _text(record.title, "title", fail)
    abstract = _text(record.abstract, "abstract", fail)
    if not title and not abstract:
        return None
    url = _optional_string(record.url, "url", fail)
    paper_id = _given_id(record.id, fail) or arxiv_id(url) or derived_id(title, abstract)
    return Paper(id=paper_id, title=title, abstract=abstract, url=url,
                 year=_year(record.year, fail), authors=_authors(record.authors, fail),
                 metadata=record.metadata)


def _text(value: Any, name: str, fail: Fail) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise fail(f"'{name}' must be a string, got {describe(value)}")
    text = value.strip()
    if "\n" in text or "\r" in text:
        text = _LINE_BREAK.sub(" ", text)
    if len(text) > MAX_TEXT_CHARS:
        raise fail(f"{name} too long: {len(text):,} characters (limit {MAX_TEXT_CHARS:,})")
    return text


_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n?|\n)\s*")
"""A line break (``\\r\\n``, ``\\r`` or ``\\n``) with the white space around it."""


def _given_id(value: Any, fail: Fail) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise fail(f"'id' must be a string or an integer, got {describe(value)}")
    return str(value).strip() or None


def _optional_string(value: Any, name: str, fail: Fail) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(f"'{name}' must be a string, got {describe(value)}")
    return value.strip() or None


def _year(value: Any, fail: Fail) -> int | None:
    """A year from a number or a string starting with one (``2021``, ``2021-03-04``, ``2021.0``)."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():  # 2014.0, as pandas writes a year column with gaps
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return value
    match = _YEAR.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise fail(f"'year' must be a four-digit year or a date, got {value!r}")
    return int(match.group(1))


def _authors(value: Any, fail: Fail) -> tuple[str, ...]:
    """Authors from a list of names (or of objects with a "name") or a string.

    A string is split on ``;`` when it has one ("Doe, Jane; Roe, Rick"), else on commas
    and the word "and" ("Jane Doe, Rick Roe and Ann Poe").
    """
    if value is None:
        return ()
    if isinstance(value, str):
        names = value.split(";") if ";" in value else _AUTHOR_SEPARATORS.split(value)
    elif isinstance(value, list):
        names = [item.get("name") if isinstance(item, dict) else item for item in value]
        if not all(isinstance(name, str) for name in names):
            raise fail("'authors' must be a list of names (strings or objects with a \"name\")")
    else:
        raise fail(f"'authors' must be a list or a string, got {describe(value)}")
    return tuple(name.strip() for name in names if name.strip())


def describe(value: Any) -> str:
    """What kind of JSON value `value` is, for messages: "an array", "null" ..."""
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "an array", dict: "an object"}.get(type(value), type(value).__name__)
