"""RDF exports of the graph: Turtle, N-Triples and JSON-LD, in the vocabulary of ontology/kg.ttl.

All three writers consume one stream, `iter_subjects`: the statements about one subject at
a time, in the graph's node order (sorted ids), with each subject's statements sorted. So
the output is deterministic and is written as it is generated, without a second in-memory
graph: the N-Triples file of a 100k-paper graph needs no more memory than the graph.

Instance IRIs are the base IRI followed by the node id, unchanged (the ids of the Neo4j
and GEXF exports). Each paper-to-entity edge also gets a `kgo:Mention` node,
``<base><paper id>/<relation>/<entity id>``, that holds its evidence (ontology/README.md).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

import pyoxigraph

from kg.errors import KgInputError
from kg.export import WRITE_BUFFER
from kg.graph.ids import paper_node_id
from kg.graph.schema import ENTITY_TYPES, PAPER_RELATIONS
from kg.staging import staged_file

if TYPE_CHECKING:  # only annotations name it: `kg query` does not load NetworkX
    import networkx as nx

DEFAULT_BASE_IRI = "https://w3id.org/kg/id/"
ONTOLOGY_IRI = "https://w3id.org/kg/ontology"
KGO = ONTOLOGY_IRI + "#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
XSD_INTEGER, XSD_BOOLEAN, XSD_DECIMAL = XSD + "integer", XSD + "boolean", XSD + "decimal"

PREFIXES: dict[str, str] = {
    "dcterms": "http://purl.org/dc/terms/",
    "kgo": KGO,
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "wd": WIKIDATA_ENTITY,
    "xsd": XSD,
}
"""Prefixes of the vocabularies used; the instances' prefix, ``kgi``, is the base IRI."""
INSTANCE_PREFIX = "kgi"


def _vocab(name: str) -> str:
    prefix, local = name.split(":")
    return PREFIXES[prefix] + local


@dataclass(frozen=True, slots=True)
class IRI:
    value: str


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal; `datatype` None is a plain string (xsd:string)."""

    lexical: str
    datatype: str | None = None


Term = IRI | Literal
Subject = tuple[IRI, list[tuple[IRI, Term]]]
"""A subject and its (predicate, object) pairs."""


# ---------------------------------------------------------------- the statements


def iter_subjects(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Iterator[Subject]:
    """Every statement of the RDF export, grouped by subject (header first, then the nodes)."""
    yield header_subject(base_iri)
    for node_id, attrs in graph.nodes(data=True):
        edges = [(relation, target, data) for _, target, relation, data
                 in graph.out_edges(node_id, keys=True, data=True)]
        yield from node_subjects(node_id, attrs, edges, base_iri)


def node_subjects(node_id: str, attrs: dict[str, Any], edges: list[tuple[str, str, dict[str, Any]]],
                  base_iri: str = DEFAULT_BASE_IRI) -> Iterator[Subject]:
    """The statements of one node, given its attributes and its out-edges as
    (relation, target, edge attributes): the node, then one Mention per paper-to-entity edge.
    Needs nothing else of the graph, so kg.spark runs it node by node."""
    subject = IRI(base_iri + node_id)
    links = [(IRI(KGO + relation), IRI(base_iri + target)) for relation, target, _ in edges]
    kind = attrs["kind"]
    if kind == "Paper":
        yield subject, _sorted([*_paper(attrs), *links])
        for relation, target, data in edges:
            if relation in PAPER_RELATIONS:
                yield (IRI(f"{subject.value}/{relation}/{target}"),
                       _mention(subject, relation, IRI(base_iri + target), data))
    elif kind == "Result":
        paper = IRI(base_iri + paper_node_id(attrs["paper_id"]))
        yield subject, _sorted([*_result(attrs, paper), *links])
    elif kind in ENTITY_TYPES:
        yield subject, _sorted([*_entity(attrs), *links])
    else:
        raise ValueError(f"node {node_id!r} has unknown kind {kind!r}")


def header_subject(base_iri: str = DEFAULT_BASE_IRI) -> Subject:
    """The statements about the dataset itself; checks `base_iri` (KgInputError)."""
    check_base_iri(base_iri)
    return IRI(base_iri), [
        (IRI(RDF_TYPE), IRI(_vocab("owl:Ontology"))),
        (IRI(RDF_TYPE), IRI(_vocab("void:Dataset"))),
        (IRI(_vocab("owl:imports")), IRI(ONTOLOGY_IRI)),
        (IRI(_vocab("rdfs:label")), Literal("kg knowledge graph of machine-learning papers")),
    ]


def _paper(attrs: dict[str, Any]) -> Iterator[tuple[IRI, Term]]:
    yield IRI(RDF_TYPE), IRI(KGO + "Paper")
    yield _p("rdfs:label"), Literal(attrs["label"])
    yield _p("dcterms:identifier"), Literal(attrs["paper_id"])
    yield _p("dcterms:title"), Literal(attrs["title"])
    for author in attrs.get("authors", ()):
        yield _p("schema:author"), Literal(author)
    if attrs.get("url") is not None:
        yield _p("schema:url"), _url(attrs["url"])
    if attrs.get("year") is not None:
        year = int(attrs["year"])
        yield _p("dcterms:issued"), Literal(f"{'-' if year < 0 else ''}{abs(year):04d}", XSD + "gYear")


def _mention(paper: IRI, relation: str, entity: IRI, edge: dict[str, Any]) -> list[tuple[IRI, Term]]:
    """A Mention's statements, already in `_sorted` order (one value per predicate, predicates
    by IRI): Mentions are most of the statements of a large graph, so they skip the sort."""
    return [
        (_p("rdf:type"), _p("kgo:Mention")),
        (_p("kgo:about"), entity),
        (_p("kgo:end"), _integer(edge["end"])),
        (_p("kgo:inPaper"), paper),
        (_p("kgo:mentionCount"), _integer(edge["mentions"])),
        (_p("kgo:relation"), IRI(KGO + relation)),
        (_p("kgo:rule"), Literal(edge["rule"])),
        (_p("kgo:sentence"), Literal(edge["sentence"])),
        (_p("kgo:start"), _integer(edge["start"])),
    ]


def _entity(attrs: dict[str, Any]) -> Iterator[tuple[IRI, Term]]:
    yield IRI(RDF_TYPE), IRI(KGO + attrs["kind"])
    yield _p("rdfs:label"), Literal(attrs["label"])
    yield _p("skos:prefLabel"), Literal(attrs["name"])
    for alias in attrs.get("aliases", ()):
        yield _p("skos:altLabel"), Literal(alias)
    # what SPARQL's LCASE makes of each name: the bundled queries find a name in any case with
    # one index look-up instead of lower-casing every label of the graph
    for name in (attrs["name"], *attrs.get("aliases", ())):
        yield _p("kgo:nameKey"), Literal(name.lower())
    yield _p("kgo:support"), _integer(attrs["support"])
    yield _p("kgo:proposedIn"), _integer(attrs["proposed_in"])
    yield _p("kgo:inLexicon"), _boolean(attrs["lexicon"])
    for key, predicate in (("acronym", "kgo:acronym"), ("long_form", "kgo:longForm")):
        if attrs.get(key) is not None:
            yield _p(predicate), Literal(attrs[key])
    if attrs.get("wikidata"):
        yield _p("owl:sameAs"), IRI(WIKIDATA_ENTITY + _iri_safe(attrs["wikidata"], safe=""))
    if attrs.get("lower_is_better") is not None:
        yield _p("kgo:lowerIsBetter"), _boolean(attrs["lower_is_better"])


def _result(attrs: dict[str, Any], paper: IRI) -> Iterator[tuple[IRI, Term]]:
    yield IRI(RDF_TYPE), IRI(KGO + "Result")
    yield _p("rdfs:label"), Literal(attrs["label"])
    yield _p("kgo:value"), _number(attrs["value"])
    yield _p("kgo:unit"), Literal(attrs["unit"])
    yield _p("kgo:relative"), _boolean(attrs["relative"])
    yield _p("kgo:sentence"), Literal(attrs["sentence"])
    yield _p("kgo:start"), _integer(attrs["start"])
    yield _p("kgo:end"), _integer(attrs["end"])
    yield _p("prov:wasDerivedFrom"), paper


@cache
def _p(name: str) -> IRI:
    return IRI(_vocab(name))


def _sorted(pairs: Iterable[tuple[IRI, Term]]) -> list[tuple[IRI, Term]]:
    """rdf:type first, then by predicate and object (IRIs before literals); duplicates dropped.

    Keyed by strings alone, which identify a pair (so equal keys are equal pairs): faster
    than hashing and comparing the dataclasses."""
    by_key = {(p.value != RDF_TYPE, p.value,
               (0, o.value, "") if type(o) is IRI else (1, o.lexical, o.datatype or "")): (p, o)
              for p, o in pairs}
    return [by_key[key] for key in sorted(by_key)]


@lru_cache(maxsize=2**16)
def _integer(value: int) -> Literal:
    """Cached: offsets and counts, most of the literals of a large graph, repeat."""
    return Literal(str(int(value)), XSD_INTEGER)


_TRUE, _FALSE = Literal("true", XSD_BOOLEAN), Literal("false", XSD_BOOLEAN)


def _boolean(value: bool) -> Literal:
    return _TRUE if value else _FALSE


def _number(value: float) -> Literal:
    """xsd:decimal in positional notation ("0.00001", never "1e-05"); xsd:double for NaN, INF, -INF."""
    value = float(value)
    if not math.isfinite(value):
        return Literal("NaN" if value != value else ("INF" if value > 0 else "-INF"), XSD + "double")
    text = format(Decimal(repr(value)), "f")
    return Literal(text if "." in text else text + ".0", XSD_DECIMAL)


# ---------------------------------------------------------------- IRIs and escaping

_BASE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`\x7f\ud800-\udfff]*")
_HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f\ud800-\udfff]')
"""What a string literal may not hold as it is: escaped, or (lone surrogates) replaced."""
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_RESERVED = ":/?#[]@!$&'()*+,;=~"
_PATH_SAFE = _RESERVED.replace("[", "").replace("]", "")  # brackets only delimit an IPv6 host
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#]*")


def check_base_iri(base_iri: str) -> None:
    """Raise KgInputError unless `base_iri` is an absolute IRI every RDF parser here accepts."""
    if not (_BASE_IRI.fullmatch(base_iri) and _is_iri(base_iri)):
        raise KgInputError(f"base IRI {base_iri!r} is not an absolute IRI "
                           "(scheme, then no spaces, quotes, <, >, {, }, |, \\, ^ or `)")


def clean_text(text: str) -> str:
    """`text` with lone surrogates (which no RDF syntax can carry) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def _iri_safe(text: str, safe: str = _RESERVED) -> str:
    """Percent-encode what may not appear in an IRI; keep valid %XX escapes as they are."""
    return quote(_BAD_PERCENT.sub("%25", clean_text(text)), safe=safe + "%")


def _url(url: str) -> Term:
    """A paper's URL: an IRI when it makes a valid absolute one once percent-encoded, else an
    xsd:anyURI literal (never a relative IRI, nor one a strict parser rejects, e.g. a bad port)."""
    scheme = _HAS_SCHEME.match(url)
    if scheme:
        head = (_AUTHORITY.match(url) or scheme).group()
        iri = _iri_safe(head) + _iri_safe(url[len(head):], safe=_PATH_SAFE)
        if _is_iri(iri):
            return IRI(iri)
    return Literal(url, XSD + "anyURI")


def _is_iri(text: str) -> bool:
    """Whether `text` is an absolute IRI by RFC 3987, as Oxigraph checks it."""
    try:
        pyoxigraph.NamedNode(text)
    except ValueError:
        return False
    return True


def _escape(text: str) -> str:
    """`text` escaped for a quoted literal, lone surrogates replaced as by `clean_text`."""
    if text.isprintable() and '"' not in text and "\\" not in text:  # nearly always, and faster to
        return text  # tell than by the pattern (a printable character is never one to escape)
    return _NEEDS_ESCAPE.sub(_escape_character, text)


def _escape_character(match: re.Match[str]) -> str:
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def _nt_term(term: Term) -> str:
    if type(term) is IRI:
        return f"<{term.value}>"
    if term.datatype is None:
        return f'"{_escape(term.lexical)}"'
    return f'"{_escape(term.lexical)}"^^<{term.datatype}>'


# ---------------------------------------------------------------- writers


def write_ntriples(graph: nx.MultiDiGraph, path: Path, base_iri: str = DEFAULT_BASE_IRI) -> None:
    """N-Triples, one subject's lines together, in the order of `iter_subjects`."""
    with _output(path) as out:
        for subject, pairs in iter_subjects(graph, base_iri):
            out.write("".join(ntriples_lines(subject, pairs)))


def ntriples_lines(subject: IRI, pairs: list[tuple[IRI, Term]]) -> list[str]:
    """One subject's N-Triples lines, each ending in a line feed."""
    head = f"<{subject.value}> <"
    return [f"{head}{p.value}> <{o.value}> .\n" if type(o) is IRI else f"{head}{p.value}> {_nt_term(o)} .\n"
            for p, o in pairs]


_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.%\-]*[A-Za-z0-9_%\-])?")
_TURTLE_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")


def _prefixes(base_iri: str, json_ld: bool = False) -> dict[str, str]:
    """PREFIXES and the instances' prefix; JSON-LD 1.1 expands a prefix only when its IRI
    ends with a gen-delim character, so there the base IRI is a prefix only then."""
    if json_ld and base_iri[-1] not in ":/?#[]@":
        return dict(PREFIXES)
    return {**PREFIXES, INSTANCE_PREFIX: base_iri}


class _PrefixedNames:
    """Prefixed names where the local part is plain, full IRIs elsewhere."""

    MEMO_SIZE = 10_000

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.instances = prefixes.get(INSTANCE_PREFIX)
        self.memo: dict[str, str] = {}
        """Compact forms of the vocabulary's IRIs (predicates, classes, datatypes), which recur
        on every subject: trying every prefix on each was a fifth of the Turtle writer's time."""
        self.before_instances: list[tuple[str, str]] = []
        """The prefixes tried before ``kgi`` that an instance IRI may start with (usually none)."""
        self.after_instances: list[tuple[str, str]] = []
        """The prefixes tried after ``kgi`` that an instance IRI may start with (usually none), so
        that a Mention's IRI, which has slashes and so is no prefixed name, is not tried on each."""
        if self.instances is not None:
            position = self.prefixes.index((INSTANCE_PREFIX, self.instances))
            self.before_instances = [(prefix, namespace) for prefix, namespace in self.prefixes[:position]
                                     if namespace.startswith(self.instances)]
            self.after_instances = [(prefix, namespace) for prefix, namespace in self.prefixes[position + 1:]
                                    if self.instances.startswith(namespace)]

    def term(self, term: Term) -> str:
        if type(term) is Literal:
            if term.datatype == XSD_INTEGER or term.datatype == XSD_BOOLEAN:
                return term.lexical
            if term.datatype == XSD_DECIMAL and _TURTLE_DECIMAL.fullmatch(term.lexical):
                return term.lexical
            if term.datatype is None:
                return f'"{_escape(term.lexical)}"'
            return f'"{_escape(term.lexical)}"^^{self.term(IRI(term.datatype))}'
        compact = self.compact(term.value)
        return compact if compact != term.value else f"<{term.value}>"

    def compact(self, iri: str) -> str:
        """``prefix:local`` when the local part is plain, else `iri` itself."""
        known = self.memo.get(iri)
        if known is not None:
            return known
        if self.instances and iri.startswith(self.instances):
            return self._compact_instance(iri)
        known = self._compact(iri, self.prefixes)
        if len(self.memo) < self.MEMO_SIZE:
            self.memo[iri] = known
        return known

    def _compact_instance(self, iri: str) -> str:
        """`_compact` of an IRI that starts with the instances' namespace, which is tried
        after the longer namespaces that may also match, before the shorter ones."""
        if self.before_instances:
            known = self._compact(iri, self.before_instances)
            if known != iri:
                return known
        local = iri[len(self.instances):]
        if local and _LOCAL_NAME.fullmatch(local):
            return f"{INSTANCE_PREFIX}:{local}"
        return self._compact(iri, self.after_instances)

    @staticmethod
    def _compact(iri: str, prefixes: list[tuple[str, str]]) -> str:
        for prefix, namespace in prefixes:
            if iri.startswith(namespace):
                local = iri[len(namespace):]
                if local and _LOCAL_NAME.fullmatch(local):
                    return f"{prefix}:{local}"
        return iri


class _TurtleWriter:
    """Writes Turtle to `out`: the prefix lines, then one block per subject."""

    def __init__(self, out: TextIO, base_iri: str) -> None:
        prefixes = _prefixes(base_iri)
        self.out = out
        self.names = _PrefixedNames(prefixes)
        self.predicates = {RDF_TYPE: "a"}
        for prefix, namespace in sorted(prefixes.items()):
            out.write(f"@prefix {prefix}: <{namespace}> .\n")

    def subject(self, subject: IRI, pairs: list[tuple[IRI, Term]]) -> None:
        term, predicates = self.names.term, self.predicates
        lines = []
        for p, o in pairs:
            predicate = predicates.get(p.value)
            if predicate is None:
                predicate = predicates[p.value] = term(p)
            lines.append(f"    {predicate} {term(o)}")
        self.out.write(f"\n{term(subject)}\n" + " ;\n".join(lines) + " .\n")


def write_turtle(graph: nx.MultiDiGraph, path: Path, base_iri: str = DEFAULT_BASE_IRI) -> None:
    """Turtle with the prefixes of PREFIXES and ``kgi:`` for the instances, one block per subject."""
    with _output(path) as out:
        turtle = _TurtleWriter(out, base_iri)
        for subject, pairs in iter_subjects(graph, base_iri):
            turtle.subject(subject, pairs)


def write_turtle_and_ntriples(graph: nx.MultiDiGraph, turtle: Path, ntriples: Path,
                              base_iri: str = DEFAULT_BASE_IRI) -> None:
    """`write_turtle` and `write_ntriples` in one pass over the statements, which are
    otherwise made twice (the two files are the same as each writer's)."""
    with _output(turtle) as turtle_out, _output(ntriples) as ntriples_out:
        turtle_writer = _TurtleWriter(turtle_out, base_iri)
        for subject, pairs in iter_subjects(graph, base_iri):
            turtle_writer.subject(subject, pairs)
            ntriples_out.write("".join(ntriples_lines(subject, pairs)))


def write_jsonld(graph: nx.MultiDiGraph, path: Path, base_iri: str = DEFAULT_BASE_IRI) -> None:
    """JSON-LD: a context of the prefixes and a ``@graph`` of one object per subject, a line each.

    A prefix that is also the scheme of a paper's URL (``"url": "wd:Q42"``) is left out of the
    context: JSON-LD would read that IRI as a prefixed name and expand it into another one."""
    schemes = {term.value.split(":", 1)[0] for _, url in graph.nodes(data="url")
               if url is not None and type(term := _url(url)) is IRI}
    context = {prefix: namespace for prefix, namespace in _prefixes(base_iri, json_ld=True).items()
               if prefix not in schemes}
    names = _PrefixedNames(context)
    with _output(path) as out:
        out.write('{"@context": ' + json.dumps(context, sort_keys=True) + ',\n "@graph": [')
        for index, (subject, pairs) in enumerate(iter_subjects(graph, base_iri)):
            out.write(",\n  " if index else "\n  ")
            obj = _jsonld_object(subject, pairs, names.compact)
            out.write(json.dumps(obj, ensure_ascii=False, sort_keys=True))
        out.write("\n ]}\n")


def _jsonld_object(subject: IRI, pairs: list[tuple[IRI, Term]],
                   compact: Callable[[str], str]) -> dict[str, Any]:
    obj: dict[str, Any] = {"@id": compact(subject.value)}
    for predicate, value in pairs:
        if predicate.value == RDF_TYPE:
            obj.setdefault("@type", []).append(compact(value.value))
            continue
        if isinstance(value, IRI):
            item: Any = {"@id": compact(value.value)}
        elif value.datatype is None:
            item = {"@value": clean_text(value.lexical)}
        else:
            item = {"@value": clean_text(value.lexical), "@type": compact(value.datatype)}
        obj.setdefault(compact(predicate.value), []).append(item)
    return obj


@contextmanager
def _output(path: Path) -> Iterator[TextIO]:
    """Write `path` through kg.staging: the file appears only when complete."""
    with (staged_file(Path(path)) as staged,
          open(staged, "w", encoding="utf-8", newline="\n", buffering=WRITE_BUFFER) as out):
        yield out
