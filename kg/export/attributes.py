"""Attribute values that every typed export can write: one type per key, nothing missing-but-present.

NetworkX's GEXF and GraphML writers fail on None, list and dict values, stringify dicts
silently, and write files that cannot be read back when one key holds values of different
types. Neo4j's bulk importer declares one type per CSV column. So before writing, the
exporters (gephi.py, neo4j.py) pass a set of records (the nodes of one class or label, the
edges of one class or type) through `clean_attributes`, which settles each key on one type:

- **Missing**: None, NaN and infinite floats, and empty lists are omitted (a reader treats
  an absent list as empty); every other value is kept.
- **Types**: a key whose values are all booleans stays boolean; all integers, integer; all
  numbers (integers and floats), float; a key with a list in any record becomes a list of
  strings (a scalar in another record becomes a one-item list); anything else becomes
  text: booleans ``true``/``false``, numbers as Python writes them, dicts as JSON.
- **Lists** in formats without a list type (GEXF, GraphML) are one string: the items
  joined with ``|``, a ``|`` or ``\\`` inside an item escaped with a backslash
  (`join_list` / `split_list` are exact inverses).
- **Text**: line breaks become ``\\n`` (XML parsers turn ``\\r\\n`` and ``\\r`` into ``\\n`` anyway)
  and the characters XML 1.0 forbids are removed: control characters other than tab and
  line feed, lone surrogates, U+FFFE and U+FFFF. The same cleaning serves every format, so a
  value reads the same in Gephi, Neo4j and FalkorDB.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LIST_SEPARATOR = "|"
_FORBIDDEN_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile("\r\n?")
_TO_CLEAN = re.compile("[\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LIST_TYPES = (list, tuple, set, frozenset)


@dataclass(frozen=True)
class Column:
    """One key of a set of records and the type all its values have.

    `type` is bool, int, float or str; with `is_list`, values are lists of str.
    """

    name: str
    type: type
    is_list: bool = False


@dataclass(frozen=True)
class Table:
    """Cleaned records: `rows[i]` holds the present values of `records[i]`, typed by `columns`."""

    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]


def clean_text(text: str) -> str:
    """`text` with line breaks as ``\\n`` and without the characters XML 1.0 forbids."""
    # Nearly always nothing to clean: every character cleaning changes is unprintable, and
    # `str.isprintable` is faster than a search (which is faster than two substitutions).
    if text.isprintable() or _TO_CLEAN.search(text) is None:
        return text
    return _FORBIDDEN_IN_XML.sub("", _LINE_BREAK.sub("\n", text))


LEXICAL_FORMS: dict[type, Callable[[Any], str]] = {
    bool: {True: "true", False: "false"}.__getitem__, int: int.__repr__, float: float.__repr__}
"""The text of a value of a non-text column, by the column's type, as XML Schema and CSV write
it: builtins, faster than a function of ours, and exact since `clean_attributes` gives every
value of such a column exactly the column's type and leaves non-finite floats out."""


def join_list(items: Iterable[str]) -> str:
    """Items as one string: joined by ``|``, with ``\\`` and ``|`` in an item backslash-escaped."""
    return LIST_SEPARATOR.join(item.replace("\\", "\\\\").replace("|", "\\|") for item in items)


def split_list(text: str) -> list[str]:
    """The items `join_list` joined: ``split_list(join_list(items)) == items`` for every
    non-empty list (empty lists are omitted, never joined)."""
    items: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == LIST_SEPARATOR:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def clean_attributes(records: Sequence[Mapping[Any, Any]], *, join_lists: bool,
                     exclude: Iterable[str] = ()) -> Table:
    """Settle every key of `records` (but those in `exclude`) on one type and clean each value.

    With `join_lists`, list columns become text columns (see `join_list`).
    Columns are sorted by name; each row keeps only the keys with a present value.
    """
    excluded = set(exclude)
    records = _with_text_keys(records)
    types: dict[str, set[type]] = {}
    for record in records:
        for key, value in record.items():
            if type(value) in _NEVER_MISSING or not _is_missing(value):
                found = types.get(key)
                if found is None:
                    types[key] = {type(value)}
                else:
                    found.add(type(value))
    columns = {key: _column(key, {_kind(type_) for type_ in found})
               for key, found in sorted(types.items()) if key not in excluded}
    converters = {key: converter for key, column in columns.items()
                  if (converter := _converter(column, types[key], join_lists)) is not None}
    orders = _SortedKeys(excluded)
    rows = tuple({key: converters[key](value) if key in converters else value
                  for key in orders[tuple(record)]
                  if type(value := record[key]) in _NEVER_MISSING or not _is_missing(value)}
                 for record in records)
    if join_lists:
        return Table(columns=tuple(Column(c.name, c.type) for c in columns.values()), rows=rows)
    return Table(columns=tuple(columns.values()), rows=rows)


def _with_text_keys(records: Sequence[Mapping[Any, Any]]) -> Sequence[Mapping[str, Any]]:
    """`records`, their keys as text (graph attributes nearly always have text keys already)."""
    if all(type(key) is str for key in set().union(*records)):
        return records
    return [{str(key): value for key, value in record.items()} for record in records]


class _SortedKeys(dict[tuple[str, ...], list[str]]):
    """The keys of a record in sorted order, but those excluded, for each order of keys seen:
    records come in a few shapes."""

    def __init__(self, excluded: set[str]) -> None:
        super().__init__()
        self.excluded = excluded

    def __missing__(self, keys: tuple[str, ...]) -> list[str]:
        self[keys] = ordered = sorted(key for key in keys if key not in self.excluded)
        return ordered


_NEVER_MISSING = {str, int, bool}
"""Types whose values `_is_missing` never finds missing: the most common."""


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, _LIST_TYPES):
        return len(value) == 0
    return False


def _kind(type_: type) -> str:
    """The kind of the values of type `type_`: bool, int, float, list or text."""
    if issubclass(type_, bool):
        return "bool"
    if issubclass(type_, int):
        return "int"
    if issubclass(type_, float):
        return "float"
    if issubclass(type_, _LIST_TYPES):
        return "list"
    return "text"


def _column(name: str, kinds: set[str]) -> Column:
    if "list" in kinds:
        return Column(name, str, is_list=True)
    if kinds == {"bool"}:
        return Column(name, bool)
    if kinds == {"int"}:
        return Column(name, int)
    if kinds <= {"int", "float"}:
        return Column(name, float)
    return Column(name, str)


def _converter(column: Column, types: set[type], join_lists: bool) -> Callable[[Any], Any] | None:
    """The function that gives a value of `column` (of one of `types`) its column's type,
    cleaned; None when every value has it already."""
    if column.is_list:
        return _joined_items if join_lists else _items
    if column.type is str:
        return clean_text if types == {str} else _text
    if types == {column.type}:
        return None
    convert = column.type
    return lambda value: value if type(value) is convert else convert(value)


def _joined_items(value: Any) -> str:
    return join_list(_items(value))


def _items(value: Any) -> list[str]:
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=_text)
    elif not isinstance(value, _LIST_TYPES):
        value = [value]
    return [_text(item) for item in value]


def _text(value: Any) -> str:
    if type(value) is str:
        return clean_text(value)
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = repr(value)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return clean_text(text)
