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

A Metric node's direction (lowest best or highest) is its lexicon entry's, else the rule
over its canonical name (kg.graph.direction).

Everything is computed from the whole corpus and sorted, so the input order does not matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from kg.graph.direction import node_lower_is_better
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
    lower_is_better: bool | None


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
    """What `all_names` and `key_names` read of an entity: records alike in these have the
    same names and name keys, so they always fall in the same group."""
    return entity.name, entity.aliases, entity.long_form, entity.lexicon, entity.acronym


@dataclass(frozen=True, slots=True)
class _NameSet:
    """The records of one type that share their names (`_key_name_fields`): the unit that
    grouping works on. Most records repeat another's names (the same method in many papers):
    900k records of 100k papers make 208k name sets."""

    entity: Entity
    """The first of the records: what all of them have in common is read from it."""
    members: list[int]
    """The records' indices, in order."""


def _name_sets(records: Sequence[EntityRecord], indices: list[int]) -> list[_NameSet]:
    members: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i in indices:
        members[_key_name_fields(records[i].entity)].append(i)
    return [_NameSet(records[found[0]].entity, found) for found in members.values()]


def resolve(records: Sequence[EntityRecord]) -> tuple[list[ResolvedEntity], list[int]]:
    """Group `records` into nodes.

    Returns the nodes sorted by (type, key) and, for each record, the index of its node.
    The result does not depend on the order of `records` (ties are broken by sort order).
    """
    by_type: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        by_type[record.entity.type].append(index)
    nodes: list[tuple[ResolvedEntity, list[_NameSet]]] = []
    for entity_type in sorted(by_type):
        nodes += _group(records, by_type[entity_type])
    nodes.sort(key=lambda node: (node[0].type, node[0].key))
    node_of_record = [0] * len(records)
    for position, (_, name_sets) in enumerate(nodes):
        for name_set in name_sets:
            for member in name_set.members:
                node_of_record[member] = position
    return [node for node, _ in nodes], node_of_record


def _group(records: Sequence[EntityRecord],
           indices: list[int]) -> list[tuple[ResolvedEntity, list[_NameSet]]]:
    name_sets = _name_sets(records, indices)
    keys = _KeyMaker(name for name_set in name_sets for name in all_names(name_set.entity))
    set_keys = _unambiguous(name_sets, [frozenset(keys.key(name) for name in key_names(name_set.entity))
                                        for name_set in name_sets], keys)
    sets = _UnionFind(len(name_sets))
    owner: dict[str, int] = {}
    for position, found in enumerate(set_keys):
        for key in sorted(found):
            sets.union(owner.setdefault(key, position), position)
    _join_bare_acronyms(name_sets, set_keys, keys, sets)
    groups: dict[int, list[_NameSet]] = defaultdict(list)
    for position, name_set in enumerate(name_sets):
        groups[sets.find(position)].append(name_set)
    return [(_resolved(records, group, keys), group) for group in groups.values()]


def _unambiguous(name_sets: list[_NameSet], set_keys: list[frozenset[str]],
                 keys: _KeyMaker) -> list[frozenset[str]]:
    """`set_keys` without the keys that name sets of two lexicon entries share, on those
    sets: two entries of the lexicon are two things even where a paper spells both alike
    ("top-1" for top-1 accuracy, and for top-1 error in "25.1% top-1 (7.8% top-5) error").
    A set keeps its lexicon name's key; one without a lexicon name keeps every key."""
    entries: dict[str, set[str]] = defaultdict(set)
    for name_set, found in zip(name_sets, set_keys):
        if name_set.entity.lexicon:
            for key in found:
                entries[key].add(name_set.entity.lexicon)
    shared = {key for key, names in entries.items() if len(names) > 1}
    if not shared:
        return set_keys
    return [found - (shared - {keys.key(lexicon)}) if (lexicon := name_set.entity.lexicon) else found
            for name_set, found in zip(name_sets, set_keys)]


def _join_bare_acronyms(name_sets: list[_NameSet], set_keys: list[frozenset[str]], keys: _KeyMaker,
                        sets: _UnionFind) -> None:
    expansions: dict[str, set[int]] = defaultdict(set)
    with_long_form: set[int] = set()
    for position, name_set in enumerate(name_sets):
        entity = name_set.entity
        if entity.long_form:
            with_long_form.add(sets.find(position))
            if entity.acronym:
                expansions[keys.key(entity.acronym)].add(sets.find(position))
    bare_keys: dict[int, set[str]] = defaultdict(set)
    for position, found in enumerate(set_keys):
        if sets.find(position) not in with_long_form:
            bare_keys[sets.find(position)] |= found
    joins = []
    for root, group_keys in sorted(bare_keys.items()):
        targets = set().union(*(expansions.get(key, set()) for key in group_keys))
        if len(targets) == 1:
            joins.append((root, targets.pop()))
    for root, target in joins:
        sets.union(root, target)


def most_common(values: Iterable[str | None], weights: Iterable[int] | None = None) -> str | None:
    """The value given most often (empty ones ignored; with `weights`, the i-th value counts
    as given that many times); ties go to the first in sort order."""
    counts: dict[str, int] = {}
    for value, weight in zip(values, weights or repeat(1)):
        if value:
            counts[value] = counts.get(value, 0) + weight
    if len(counts) < 2:  # most nodes have one name: no ranking
        return next(iter(counts), None)
    return min(counts, key=lambda value: (-counts[value], value))


def _resolved(records: Sequence[EntityRecord], group: list[_NameSet], keys: _KeyMaker) -> ResolvedEntity:
    """The node of the records of `group`: what depends on names alone is read once per name
    set, weighted by its number of records; the papers, once per record."""
    entities = [name_set.entity for name_set in group]
    weights = [len(name_set.members) for name_set in group]
    lexicon = most_common((e.lexicon for e in entities), weights)
    long_form = most_common((e.long_form for e in entities), weights)
    name = lexicon or long_form or most_common((e.name for e in entities), weights) or entities[0].name
    names = set().union(*(all_names(e) for e in entities))
    members = [records[i] for name_set in group for i in name_set.members]
    directions = ((record.entity.lexicon, record.entity.lower_is_better) for record in members)
    return ResolvedEntity(
        type=entities[0].type,
        key=keys.key(name),
        name=name,
        aliases=tuple(sorted(names - {name})),
        support=len({record.paper_id for record in members}),
        proposed_in=len({record.paper_id for record in members if record.entity.proposed}),
        lexicon=lexicon is not None,
        wikidata=most_common(record.entity.wikidata for record in members),
        acronym=most_common((e.acronym if e.long_form else None for e in entities), weights),
        long_form=long_form,
        lower_is_better=node_lower_is_better(entities[0].type, name, lexicon, directions),
    )
