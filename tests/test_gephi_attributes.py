"""Attribute cleaning shared by the GEXF, GraphML and Neo4j writers (kg.export.attributes)."""

from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st

from kg.export.attributes import (
    Column,
    clean_attributes,
    clean_text,
    join_list,
    split_list,
)


def test_missing_values_are_omitted_not_written_as_none() -> None:
    table = clean_attributes([{"year": 2024, "url": None}, {"year": None, "url": "u", "aliases": []},
                              {"value": float("nan")}], join_lists=True)
    assert table.rows == ({"year": 2024}, {"url": "u"}, {})
    assert table.columns == (Column("url", str), Column("year", int))


def test_each_key_gets_one_type_across_records() -> None:
    records = [{"value": 3, "flag": True, "count": 1, "mixed": 1, "note": "a"},
               {"value": 91.5, "flag": False, "count": 2, "mixed": "two", "note": {"b": [1, None]}},
               {"mixed": True}]
    table = clean_attributes(records, join_lists=True)
    assert {c.name: c.type for c in table.columns} == {
        "count": int, "flag": bool, "mixed": str, "note": str, "value": float}
    assert table.rows[0] == {"count": 1, "flag": True, "mixed": "1", "note": "a", "value": 3.0}
    assert type(table.rows[0]["value"]) is float
    assert table.rows[1]["mixed"] == "two"
    assert table.rows[1]["note"] == '{"b": [1, null]}'
    assert table.rows[2] == {"mixed": "true"}


def test_lists_are_joined_for_xml_or_kept_as_string_lists() -> None:
    records = [{"aliases": ["a|b", "c\\d", "e"]}, {"aliases": "single"}, {"aliases": ("x", 2)},
               {"aliases": {"z", "y"}}]
    joined = clean_attributes(records, join_lists=True)
    assert joined.columns == (Column("aliases", str),)
    assert [split_list(row["aliases"]) for row in joined.rows] == [
        ["a|b", "c\\d", "e"], ["single"], ["x", "2"], ["y", "z"]]
    assert joined.rows[0]["aliases"] == "a\\|b|c\\\\d|e"
    kept = clean_attributes(records, join_lists=False)
    assert kept.columns == (Column("aliases", str, is_list=True),)
    assert [row["aliases"] for row in kept.rows] == [["a|b", "c\\d", "e"], ["single"], ["x", "2"], ["y", "z"]]


def test_text_loses_only_what_xml_forbids() -> None:
    dirty = "ok\x00\x01\x08\x0b\x0c\x1f\ud800\ufffe\uffff tab\tnl\ncr\r\ncr2\rend 😀 中文 שלום \x7f"
    assert clean_text(dirty) == "ok tab\tnl\ncr\ncr2\nend 😀 中文 שלום \x7f"
    table = clean_attributes([{"name": dirty, "aliases": [dirty]}], join_lists=False)
    assert table.rows[0] == {"aliases": [clean_text(dirty)], "name": clean_text(dirty)}


def test_excluded_keys_are_left_out_and_records_are_not_mutated() -> None:
    records = [{"kind": "Method", "aliases": ["b", "a"], "meta": {"k": None}}]
    before = copy.deepcopy(records)
    table = clean_attributes(records, join_lists=True, exclude=("kind",))
    assert [c.name for c in table.columns] == ["aliases", "meta"]
    assert records == before


@given(st.lists(st.text(), min_size=1))
def test_split_list_inverts_join_list(items: list[str]) -> None:
    assert split_list(join_list(items)) == items
