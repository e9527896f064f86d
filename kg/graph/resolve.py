"""Entity resolution across papers: which per-paper entities are one node of the graph.

Within one entity type, two papers' entities are the same node when

1. they share a *name key*: any name (`Entity.name`, an alias, the long form, the lexicon
   canonical name) after `normalize` (NFKC, case folded, spaces / hyphens / dashes /
   underscores removed: "CIFAR10", "CIFAR-10" and "cifar 10" share ``cifar10``; "C++",
   "C#" and "C" do not) and `plural` folding ("Transformers" -> ``transformer`` when some
   entity of that type is called "Transformer"; a plural nobody uses in the singular stays
   as it is). The acronym of an acronym pair is not a name key: "PCN" defined as "Point
   Cloud Network" in one paper and as "Predictive Coding Network" in another shares no key,
   so the two stay apart. A lexicon canonical name is a key even when it is the acronym:
   the lexicon says the two are the same thing.
2. one has no long form anywhere (a *bare* acronym, "PCN") and its name key is the acronym
   of exactly one group with a long form in the corpus: the bare acronym joins it. When
   the corpus gives the letters several long forms, the bare acronym cannot be told apart
   and stays its own node (named by the letters) rather than being guessed into one.

The node's key, which becomes its id (kg.graph.ids), is the name key of its canonical
name: the lexicon canonical name, else the long form, else the most used name (ties broken
by sort order). Keys of different nodes never collide: each key is one of its group's name
keys, and groups sharing a name key are one group.

Everything is computed from the whole corpus and sorted, so the input order does not matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from kg.model import Entity, EntityType

_SEPARATORS = re.compile(r"[\s\-_\u2010-\u2015\u2212]+")


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """One paper's entity, the unit that resolution groups."""

    paper_id: str
    entity: Entity


@dataclass(frozen=True, slots=True)
class ResolvedEntity:
    """One node: its key and its attributes (kg.graph.schema, entity nodes)."""

    type: EntityType
    key: str
    name: str
    aliases: tuple[str, ...]
    support: int
    proposed_in: int
    lexicon: bool
    wikidata: str | None
    acronym: str | None
    long_form: str | None


@lru_cache(maxsize=1 << 18)
def normalize(name: str) -> str:
    """Case, width, space and hyphen variants of a name share one normal form. Cached: the
    same few thousand names recur across papers, and resolution normalises each many times."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", name).casefold())


class _KeyMaker:
    """Turns names into name keys, folding a plural onto a singular the corpus uses. Each
    name's key is worked out once: a hundred thousand papers repeat a few names a lot."""

    def __init__(self, names: Iterable[str]) -> None:
        self.known = {normalize(name) for name in set(names)}
        self._key_of: dict[str, str] = {}

    def key(self, name: str) -> str:
        key = self._key_of.get(name)
        if key is None:
            *stems, normal = key_candidates(name)
            key = self._key_of[name] = next((stem for stem in stems if stem in self.known), normal)
        return key


def key_candidates(name: str) -> tuple[str, ...]:
    """The singulars a name's key may fold onto, in order of preference, then its normal form.

    The key is the first singular that some name of the same type normalises to, else the
    normal form (`_KeyMaker.key`; kg.spark finds it with a join instead of a set).
    """
    normal = normalize(name)
    if len(normal) < 3 or not name.endswith("s") or name.endswith("ss"):
        return (normal,)
    stems = [normal[:-1]]
    if normal.endswith("ies"):
        stems.append(normal[:-3] + "y")
    if normal.endswith("es"):
        stems.append(normal[:-2])
    return (*stems, normal)


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def all_names(entity: Entity) -> list[str]:
    """Every name of the entity: name, aliases, long form, lexicon name, acronym."""
    extra = [entity.long_form, entity.lexicon, entity.acronym]
    return [*entity.names, *(name for name in extra if name)]


def key_names(entity: Entity) -> list[str]:
    """The names whose keys a record shares with others: every name but the acronym of a
    pair, the lexicon name always, the name itself when nothing else is left."""
    names = [*entity.names, *(name for name in (entity.long_form, entity.lexicon) if name)]
    acronym = normalize(entity.acronym) if entity.acronym and entity.long_form else None
    found = [name for name in names if normalize(name) != acronym]
    if entity.lexicon:
        found.append(entity.lexicon)
    return found or [entity.name]


def _key_name_fields(entity: Entity) -> tuple[object, ...]:
    """What `key_names` reads of an entity: two records alike in these have the same name keys."""
    return entity.name, entity.aliases, entity.long_form, entity.lexicon, entity.acronym


def _record_keys(records: Sequence[EntityRecord], indices: list[int],
                 keys: _KeyMaker) -> dict[int, frozenset[str]]:
    """Each record's name keys, worked out once per distinct set of names (most records
    repeat another's names: the same method in many papers)."""
    keys_of_names: dict[tuple[object, ...], frozenset[str]] = {}
    found: dict[int, frozenset[str]] = {}
    for i in indices:
        entity = records[i].entity
        fields = _key_name_fields(entity)
        name_keys = keys_of_names.get(fields)
        if name_keys is None:
            name_keys = keys_of_names[fields] = frozenset(keys.key(name) for name in key_names(entity))
        found[i] = name_keys
    return found


def resolve(records: Sequence[EntityRecord]) -> tuple[list[ResolvedEntity], list[int]]:
    """Group `records` into nodes.

    Returns the nodes sorted by (type, key) and, for each record, the index of its node.
    The result does not depend on the order of `records` (ties are broken by sort order).
    """
    by_type: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        by_type[record.entity.type].append(index)
    nodes: list[tuple[ResolvedEntity, list[int]]] = []
    for entity_type in sorted(by_type):
        nodes += _group(records, by_type[entity_type])
    nodes.sort(key=lambda node: (node[0].type, node[0].key))
    node_of_record = [0] * len(records)
    for position, (_, members) in enumerate(nodes):
        for member in members:
            node_of_record[member] = position
    return [node for node, _ in nodes], node_of_record


def _group(records: Sequence[EntityRecord],
           indices: list[int]) -> list[tuple[ResolvedEntity, list[int]]]:
    keys = _KeyMaker(name for i in indices for name in all_names(records[i].entity))
    sets = _UnionFind(len(records))
    owner: dict[str, int] = {}
    record_keys = _unambiguous(records, _record_keys(records, indices, keys), keys)
    for i in indices:
        for key in sorted(record_keys[i]):
            sets.union(owner.setdefault(key, i), i)
    _join_bare_acronyms(records, indices, record_keys, keys, sets)
    members: dict[int, list[int]] = defaultdict(list)
    for i in indices:
        members[sets.find(i)].append(i)
    return [_resolved(records, group, keys) for group in members.values()]


def _unambiguous(records: Sequence[EntityRecord], record_keys: dict[int, frozenset[str]],
                 keys: _KeyMaker) -> dict[int, frozenset[str]]:
    """`record_keys` without the keys that records of two lexicon entries share, on those
    records: two entries of the lexicon are two things even where a paper spells both alike
    ("top-1" for top-1 accuracy, and for top-1 error in "25.1% top-1 (7.8% top-5) error").
    A record keeps its lexicon name's key; one without a lexicon name keeps every key."""
    entries: dict[str, set[str]] = defaultdict(set)
    for i, found in record_keys.items():
        if records[i].entity.lexicon:
            for key in found:
                entries[key].add(records[i].entity.lexicon)
    shared = {key for key, names in entries.items() if len(names) > 1}
    if not shared:
        return record_keys
    return {i: found - (shared - {keys.key(lexicon)}) if (lexicon := records[i].entity.lexicon) else found
            for i, found in record_keys.items()}


def _join_bare_acronyms(records: Sequence[EntityRecord], indices: list[int],
                        record_keys: dict[int, frozenset[str]], keys: _KeyMaker, sets: _UnionFind) -> None:
    expansions: dict[str, set[int]] = defaultdict(set)
    with_long_form: set[int] = set()
    for i in indices:
        entity = records[i].entity
        if entity.long_form:
            with_long_form.add(sets.find(i))
            if entity.acronym:
                expansions[keys.key(entity.acronym)].add(sets.find(i))
    bare_keys: dict[int, set[str]] = defaultdict(set)
    for i in indices:
        if sets.find(i) not in with_long_form:
            bare_keys[sets.find(i)] |= record_keys[i]
    joins = []
    for root, group_keys in sorted(bare_keys.items()):
        targets = set().union(*(expansions.get(key, set()) for key in group_keys))
        if len(targets) == 1:
            joins.append((root, targets.pop()))
    for root, target in joins:
        sets.union(root, target)


def most_common(values: Iterable[str | None]) -> str | None:
    """The value given most often (empty ones ignored); ties go to the first in sort order."""
    given = [value for value in values if value]
    if len(given) < 2:  # most nodes have one record: no counting
        return given[0] if given else None
    counts = Counter(given)
    return min(counts, key=lambda value: (-counts[value], value))


def _resolved(records: Sequence[EntityRecord], members: list[int],
              keys: _KeyMaker) -> tuple[ResolvedEntity, list[int]]:
    entities = [records[i].entity for i in members]
    lexicon = most_common(e.lexicon for e in entities)
    long_form = most_common(e.long_form for e in entities)
    name = lexicon or long_form or most_common(e.name for e in entities) or entities[0].name
    names = {n for e in entities for n in all_names(e)}
    node = ResolvedEntity(
        type=entities[0].type,
        key=keys.key(name),
        name=name,
        aliases=tuple(sorted(names - {name})),
        support=len({records[i].paper_id for i in members}),
        proposed_in=len({records[i].paper_id for i in members if records[i].entity.proposed}),
        lexicon=lexicon is not None,
        wikidata=most_common(e.wikidata for e in entities),
        acronym=most_common(e.acronym for e in entities if e.long_form),
        long_form=long_form,
    )
    return node, members
