"""SPARQL over an RDF export (`run_query`, with the bundled queries of ontology/queries/) and
SHACL validation of one (`validate`, with ontology/shapes.ttl).

Parameters are bound as RDF literals through each engine's own binding mechanism
(pyoxigraph substitutions, rdflib initBindings), never pasted into the query text. Oxigraph
substitutes only variables that the query projects, so a bundled query's parameters appear in
its SELECT clause (in each subquery's too, for the binding to reach it), and kg adds a
parameter that a SELECT clause lacks to it (`_selecting`); `run_query` leaves these out of the
rows it returns. A query that groups (GROUP BY, or an aggregate such as COUNT) cannot project
a variable it does not group by, so its parameters must be in its SELECT clause.

A query file declares its parameters in comment lines of its header::

    # @param dataset  the dataset's name or one of its aliases, in any case
    # @option order (asc|desc)  asc: lowest first; desc: highest first

``@param`` is required, ``@option`` optional; ``(a|b)`` lists the accepted values. The
other comment lines before the query are its description.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from kg.errors import KgError, KgInputError
from kg.export.rdf import PREFIXES

ENGINES = ("oxigraph", "rdflib")
DEFAULT_DATA = (Path("outputs/graph.nt"), Path("outputs/graph.ttl"))

_FORMATS = {  # extension -> (rdflib format, pyoxigraph RdfFormat attribute)
    ".nt": ("nt", "N_TRIPLES"),
    ".ttl": ("turtle", "TURTLE"),
    ".jsonld": ("json-ld", "JSON_LD"),
    ".json-ld": ("json-ld", "JSON_LD"),
    ".nq": ("nquads", "N_QUADS"),
    ".trig": ("trig", "TRIG"),
    ".rdf": ("xml", "RDF_XML"),
    ".owl": ("xml", "RDF_XML"),
    ".xml": ("xml", "RDF_XML"),
    ".n3": ("n3", "N3"),
}
_INTEGER_TYPES = {f"http://www.w3.org/2001/XMLSchema#{name}" for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {f"http://www.w3.org/2001/XMLSchema#{name}" for name in ("decimal", "double", "float")}
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_STRING = "http://www.w3.org/2001/XMLSchema#string"
_DECLARATION = re.compile(r"#\s*@(param|option)\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s*\(([^)]*)\))?\s*(.*)")
_TOKEN = re.compile(
    r"(?P<skip>\s+|#[^\n]*)"
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|' r"'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"|' r"'(?:[^'\\\n]|\\.)*')"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<word>[^\W\d][\w.-]*:?[\w.:%-]*|:[\w.:%-]*)"
    r"|(?P<other>.)", re.DOTALL)
"""SPARQL's tokens, as far as `_select_clause` needs them."""
_GROUPING = frozenset({"GROUP", "HAVING", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})
_QUERY_START = re.compile(r"\s*(?:#[^\n]*\n\s*)*(?:SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE)\b", re.IGNORECASE)
"""How the text of a query opens (after comments): what tells a query without braces from a file name."""
_OXIGRAPH_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_PYPARSING_AT = re.compile(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$")

Value = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    help: str
    required: bool
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Query:
    """A SPARQL query with what its header declares."""

    name: str
    text: str
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    bundled: bool = False
    """A bundled query takes only the parameters it declares; another, any variable it has
    (one that groups, any variable of its SELECT clause)."""
    path: Path | None = None
    """The .rq file it was read from, which its errors name."""
    source: str = ""
    """The text as its author wrote it, which the lines and columns of its errors count in."""
    edits: tuple[tuple[int, int], ...] = ()
    """What kg inserted into `source` to make `text`: (offset in `source`, characters inserted
    there), in order: the PREFIX declarations of `with_prefixes`, the parameters `_selecting`
    adds to the SELECT clause."""

    def error(self, message: str, line: int | None = None) -> KgInputError:
        """`message` about this query, naming its file (and line) or, for another query, its name."""
        if self.path is not None:
            return KgInputError(message, self.path, line)
        return KgInputError(f"query {self.name}: {message}")


# ---------------------------------------------------------------- queries


@cache
def bundled_queries() -> dict[str, Query]:
    """The queries shipped in ontology/queries/, by name (the file name without .rq)."""
    folder = ontology_folder() / "queries"
    entries = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".rq")),
                     key=lambda entry: entry.name)
    return {entry.name[:-3]: parse_query(entry.name[:-3], entry.read_text(encoding="utf-8"), bundled=True)
            for entry in entries}


def parse_query(name: str, text: str, bundled: bool = False, path: Path | None = None) -> Query:
    """`text` with the description and parameters its header comments declare."""
    description: list[str] = []
    parameters: list[Parameter] = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("#"):
            if line:
                break
            continue
        declared = _DECLARATION.fullmatch(line)
        if declared:
            kind, param, choices, help_text = declared.groups()
            parameters.append(Parameter(param, help_text.strip(), kind == "param",
                                        tuple(c.strip() for c in choices.split("|")) if choices else ()))
        else:
            description.append(line.lstrip("#").strip())
    prefixed = with_prefixes(text)
    return Query(name, prefixed, " ".join(filter(None, description)), tuple(parameters), bundled,
                 path, text, ((0, len(prefixed) - len(text)),))


def with_prefixes(text: str) -> str:
    """`text` with PREFIX declarations for kg's vocabularies (kgo, skos, dcterms, ...) that it
    uses without declaring, so a query typed on the command line needs no prologue."""
    missing = [prefix for prefix in PREFIXES
               if re.search(rf"\b{prefix}:", text)
               and not re.search(rf"PREFIX\s+{prefix}:", text, re.IGNORECASE)]
    return "".join(f"PREFIX {prefix}: <{PREFIXES[prefix]}>\n" for prefix in missing) + text


def load_query(query_or_name: str) -> Query:
    """A bundled query's name, the text of a query (it has a ``{`` or, such as ``DESCRIBE <iri>``,
    opens with a SPARQL keyword), or a path to a .rq file."""
    if query_or_name in bundled_queries():
        return bundled_queries()[query_or_name]
    path = Path(query_or_name)
    if "{" in query_or_name or not path.is_file() and _QUERY_START.match(query_or_name):
        return parse_query("(command line)", query_or_name)
    if not path.is_file():
        raise KgInputError(f"no bundled query {query_or_name!r} and no such query file "
                           f"(bundled: {', '.join(bundled_queries())})")
    try:
        return parse_query(str(path), path.read_text(encoding="utf-8"), path=path)
    except (OSError, UnicodeDecodeError) as err:
        raise KgInputError(f"cannot read query ({err})", path) from None


def _bindings(query: Query, params: Mapping[str, str]) -> dict[str, str]:
    declared = {p.name: p for p in query.parameters}
    if declared or query.bundled:
        unknown = sorted(set(params) - set(declared))
        if unknown:
            raise KgInputError(f"query {query.name} has no parameter {unknown[0]!r} "
                               f"(it takes: {', '.join(declared) or 'none'})")
        for param in query.parameters:
            if param.required and param.name not in params:
                raise KgInputError(f"query {query.name} needs --param {param.name}=... ({param.help})")
            if param.choices and param.name in params and params[param.name] not in param.choices:
                raise KgInputError(f"query {query.name}: --param {param.name} must be one of "
                                   f"{', '.join(param.choices)}, not {params[param.name]!r}")
    for name in params:
        if not re.fullmatch(r"\w+", name) or not re.search(rf"[?$]{name}\b", query.text):
            raise KgInputError(f"query {query.name} has no variable ?{name} to bind")
    return dict(params)


@dataclass(frozen=True, slots=True)
class _SelectClause:
    """The top-level SELECT clause of a query, as far as `_selecting` needs it."""

    end: int
    """Where its variables start in the query's text: after SELECT and DISTINCT or REDUCED."""
    variables: frozenset[str] | None
    """The variables it projects; None for SELECT *."""
    groups: bool
    """Whether the query groups its solutions: GROUP BY, HAVING or an aggregate outside its WHERE
    clause."""


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """The tokens of a SPARQL text as (kind, text, end offset), white space and comments left
    out. IRIs and strings are one token each, so what they hold is not read as syntax."""
    for token in _TOKEN.finditer(text):
        if token.lastgroup != "skip":
            yield token.lastgroup or "", token.group(), token.end()


def _select_clause(text: str) -> _SelectClause | None:
    """The top-level SELECT clause of a query, None when it is no SELECT query (ASK, CONSTRUCT
    and DESCRIBE take any of their variables as a parameter)."""
    tokens = _tokens(text)
    kind, word, end = next(tokens, ("end", "", 0))
    while kind == "iri" or word.upper() in ("PREFIX", "BASE") or word.endswith(":"):  # the prologue
        kind, word, end = next(tokens, ("end", "", 0))
    if word.upper() != "SELECT":
        return None
    variables: set[str] = set()
    star = groups = False
    projecting, parens, braces, previous = True, 0, 0, "SELECT"
    for kind, value, after in tokens:
        word = value.upper() if kind == "word" else value
        if projecting and parens == 0 and previous == "SELECT" and word in ("DISTINCT", "REDUCED"):
            end = after
        projecting = projecting and not (parens == 0 and word in ("{", "WHERE", "FROM"))
        if projecting:
            parens += (word == "(") - (word == ")")
            star |= word == "*" and parens == 0
            if kind == "var" and (parens == 0 or previous == "AS"):
                variables.add(value[1:])
        braces += (word == "{") - (word == "}")
        groups |= braces == 0 and word in _GROUPING
        previous = word
    return _SelectClause(end, None if star else frozenset(variables), groups)


def _selecting(query: Query, bindings: Mapping[str, str]) -> tuple[Query, frozenset[str]]:
    """`query` with the bound variables that its SELECT clause lacks added to it, and their
    names, which are no result: oxigraph substitutes only variables that a SELECT query projects,
    and a column of one value changes no row (rdflib binds them either way)."""
    clause = _select_clause(query.source)
    if clause is None or clause.variables is None:
        return query, frozenset()
    missing = [name for name in bindings if name not in clause.variables]
    if not missing:
        return query, frozenset()
    if clause.groups:
        raise query.error(f"--param {missing[0]}: a query that groups or aggregates takes only variables "
                          f"of its SELECT clause as parameters; add ?{missing[0]} to it and to GROUP BY")
    added = "".join(f" ?{name}" for name in missing)
    at = query.edits[0][1] + clause.end  # after the PREFIX declarations
    return replace(query, text=query.text[:at] + added + query.text[at:],
                   edits=(*query.edits, (clause.end, len(added)))), frozenset(missing)


# ---------------------------------------------------------------- data


def data_format(path: Path) -> tuple[str, str]:
    """(rdflib format, pyoxigraph format name) of an RDF file, from its extension."""
    try:
        return _FORMATS[Path(path).suffix.lower()]
    except KeyError:
        raise KgInputError(f"unknown RDF file extension (use one of {', '.join(_FORMATS)})", path) from None


def default_data_path() -> Path:
    """outputs/graph.nt, else outputs/graph.ttl (what `kg build` writes)."""
    return next((path for path in DEFAULT_DATA if path.is_file()), DEFAULT_DATA[0])


def _checked(path: Path) -> Path:
    if not Path(path).is_file():
        hint = " (run `kg build` first, or name another file)" if Path(path) in DEFAULT_DATA else ""
        raise KgInputError(f"no such RDF file{hint}", path)
    return Path(path)


def load_rdflib(path: Path, graph: Any = None) -> Any:
    """`path` parsed into an rdflib Graph (or into `graph`); unreadable data -> KgInputError."""
    import rdflib

    path = _checked(path)
    fmt = data_format(path)[0]
    graph = rdflib.Graph() if graph is None else graph
    try:
        graph.parse(path, format=fmt)
    except Exception as err:  # rdflib's parsers raise many unrelated types on bad data
        raise _rdflib_load_error(err, path, fmt) from None
    return graph


def _rdflib_load_error(error: Exception, path: Path, fmt: str) -> KgInputError:
    """rdflib's `error` on `path` in one line that names the line: pyoxigraph's account where
    it rejects the file too (rdflib names no line in N-Triples nor for some Turtle errors, and
    some of its messages are Python's, "string index out of range"), else rdflib's, at the line
    its message names (Turtle, TriG and N3: "at line 4 of <>", JSON-LD: "line 1 column 9")."""
    import pyoxigraph

    try:
        for _ in pyoxigraph.parse(path=path, format=getattr(pyoxigraph.RdfFormat, data_format(path)[1])):
            pass
    except SyntaxError as err:
        return KgInputError(f"not valid {fmt} RDF ({_one_line(err)})", path, err.lineno)
    except (OSError, ValueError):
        pass
    named = re.search(r"\bline (\d+)", str(error))
    return KgInputError(f"not valid {fmt} RDF ({_one_line(error)})", path, int(named.group(1)) if named else None)


def load_oxigraph(path: Path, trusted: bool = False) -> Any:
    """`path` loaded into an in-memory pyoxigraph Store; unreadable data -> KgInputError.
    `trusted`: see `open_cached_store`."""
    import pyoxigraph

    path = _checked(path)
    store = pyoxigraph.Store()
    _bulk_load(store, path, trusted)
    return store


LOAD_BLOCK = 16 * 2**20
"""Bytes of a one-statement-per-line file given to one bulk load (about 100k statements of
graph.nt). pyoxigraph's bulk loader holds in memory what one load is given: the process
loading the graph.nt of 100k papers peaked at 2.1 GB with the file whole, 250 MB in blocks,
for 57 s instead of 51 s."""
_LINE_FORMATS = frozenset({"N_TRIPLES", "N_QUADS"})


def _bulk_load(store: Any, path: Path, trusted: bool = False) -> None:
    import pyoxigraph

    name, fmt = data_format(path)
    rdf_format = getattr(pyoxigraph.RdfFormat, fmt)
    try:
        if fmt in _LINE_FORMATS:
            _load_in_blocks(store, path, rdf_format, trusted)
        else:
            store.bulk_load(path=path, format=rdf_format, lenient=trusted)
    except (SyntaxError, ValueError) as err:  # bad bytes are a SyntaxError too
        raise KgInputError(f"not valid {name} RDF ({_one_line(err)})", path, getattr(err, "lineno", None)) from None
    except OSError as err:  # the system's refusal, not the data's: e.g. no space left for the store
        raise KgError(f"{path}: could not be loaded ({_one_line(err)})") from None


def _load_in_blocks(store: Any, path: Path, rdf_format: Any, trusted: bool) -> None:
    """Bulk-load `path`, N-Triples or N-Quads, in blocks of whole lines (`LOAD_BLOCK`).

    A blank node's label names one node only within one load, so from the first block that
    holds one ("_:"), the rest of the file is loaded at once. A syntax error names its line
    in the file, not in the block."""
    lines_before = 0
    with open(path, "rb") as data:
        while block := data.read(LOAD_BLOCK):
            block += data.readline()  # to the end of the block's last line
            try:
                if b"_:" in block:
                    data.seek(-len(block), os.SEEK_CUR)
                    store.bulk_load(input=data, format=rdf_format, lenient=trusted)
                    return
                store.bulk_load(input=block, format=rdf_format, lenient=trusted)
            except SyntaxError as err:
                raise _counted_from(err, lines_before) from None
            lines_before += block.count(b"\n")


def _counted_from(error: SyntaxError, lines_before: int) -> SyntaxError:
    """`error` of a block that starts after `lines_before` lines, with its line in the file."""
    if error.lineno is None:
        return error
    counted = SyntaxError(re.sub(r"\bline \d+", f"line {error.lineno + lines_before}", error.msg, count=1))
    counted.lineno = error.lineno + lines_before
    return counted


CACHE_SUFFIX = ".oxigraph"
"""The query cache of ``dir/graph.nt`` is the hidden directory ``dir/.graph.nt.oxigraph``."""
CACHE_LAYOUT = 2
"""Changes when the way the cache is made changes (2: compacted), so older caches are made again."""


def cache_path(path: Path) -> Path:
    return Path(path).parent / f".{Path(path).name}{CACHE_SUFFIX}"


def open_cached_store(path: Path, trusted: bool = False) -> Any:
    """A read-only on-disk pyoxigraph Store of the RDF file `path`, kept in `cache_path(path)`.

    The store is made on first use (bulk load into a temporary directory beside the data,
    renamed into place when complete, so a reader never sees half a store) and reused while
    the data file has the same size, modification time and inode, and pyoxigraph and
    `CACHE_LAYOUT` are the same; otherwise it is made again. Two processes making it at once
    both succeed: the second rename loses and that process uses the winner's store. The cache
    is not part of any output (RocksDB files are not byte-deterministic); deleting it is
    always safe. When the directory is not writable the data is loaded into memory instead.

    The loaded store is compacted (`Store.optimize`, 13 s at 100k papers): a bulk load leaves
    dozens of overlapping files that every index lookup visits, which made the nested-loop
    joins of the bundled queries about four times slower.

    `trusted` data, such as the graph.nt that `kg build` has just written (whose IRIs are valid
    by construction: `kg.graph.ids`, `kg.export.rdf.check_base_iri`), is loaded without
    checking its IRIs again (pyoxigraph's lenient parsing), which took an eighth of the load.
    """
    import pyoxigraph

    path = _checked(path)
    cache = cache_path(path)
    stamp = _stamp(path)
    if _stamp_of(cache) == stamp:
        try:
            return pyoxigraph.Store.read_only(str(cache / "store"))
        except OSError:  # damaged or half-deleted: make it again
            _retire(cache)
    try:
        building = Path(tempfile.mkdtemp(prefix=cache.name + ".new-", dir=path.parent))
    except OSError:
        return load_oxigraph(path, trusted)
    try:
        _make_store(building / "store", path, trusted)
        if _stamp(path) != stamp:  # the data changed while it was loaded: do not keep it
            return load_oxigraph(path)
        (building / "source.json").write_text(json.dumps(stamp) + "\n", encoding="utf-8")
        _install(building, cache, stamp)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return pyoxigraph.Store.read_only(str(cache / "store"))


def _make_store(directory: Path, path: Path, trusted: bool) -> None:
    """Make the compacted store of `path` in `directory`, closed when this returns or raises:
    until the store is closed RocksDB may write into the directory, which could then be
    neither moved nor removed for good."""
    import pyoxigraph

    store = pyoxigraph.Store(str(directory))
    try:
        _bulk_load(store, path, trusted)
        store.optimize()
        store.flush()
    except BaseException as err:
        error: BaseException | None = err
        while error is not None:  # the loading frames in its tracebacks hold the store
            traceback.clear_frames(error.__traceback__)
            error = error.__context__
        raise
    finally:
        del store


def _stamp(path: Path) -> dict[str, Any]:
    import pyoxigraph

    status = path.stat()
    return {"size": status.st_size, "mtime_ns": status.st_mtime_ns, "inode": status.st_ino,
            "pyoxigraph": pyoxigraph.__version__, "layout": CACHE_LAYOUT}


def _stamp_of(cache: Path) -> dict[str, Any] | None:
    try:
        return json.loads((cache / "source.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _install(building: Path, cache: Path, stamp: dict[str, Any]) -> None:
    """Rename `building` to `cache`, retiring a stale cache; if another process installed a
    store for the same data meanwhile, keep that one."""
    for _ in range(3):
        try:
            os.rename(building, cache)
            return
        except OSError:
            if _stamp_of(cache) == stamp:
                return
            _retire(cache)
    raise KgInputError("cannot install the query cache (another process keeps replacing it)", cache)


def _retire(cache: Path) -> None:
    """Move `cache` out of the way (one atomic rename, so nobody opens half of it), then delete it."""
    retired = Path(tempfile.mkdtemp(prefix=cache.name + ".old-", dir=cache.parent))
    try:
        os.rename(cache, retired / "store")
    except OSError:
        pass  # another process moved it first
    shutil.rmtree(retired, ignore_errors=True)


def _one_line(error: object) -> str:
    """`error`'s message on one line; a SyntaxError's without the file and line that str()
    adds, which a KgInputError names before it."""
    text = error.msg if isinstance(error, SyntaxError) and error.msg else str(error)
    return " ".join(text.split())[:300]


# ---------------------------------------------------------------- running


def run_query(query_or_name: str, data_path: str | Path | None = None,
              params: Mapping[str, str] | None = None, engine: str = "oxigraph",
              cache: bool = False) -> tuple[list[str], list[tuple[Value, ...]]]:
    """Run a query (bundled name, .rq path or query text) over an RDF file.

    With `cache` (oxigraph only; `kg query` sets it), the data is read from the persistent
    store of `open_cached_store` instead of being parsed again: the first query on a file
    pays for the load, later ones answer in about the time the query itself takes.

    Returns the column names and the rows, each value a Python str (IRIs and strings), int,
    float, bool, or None when unbound. ASK gives one column ``ask``; CONSTRUCT and DESCRIBE
    give ``subject``, ``predicate``, ``object``.
    """
    if engine not in ENGINES:
        raise KgInputError(f"unknown engine {engine!r} (use {' or '.join(ENGINES)})")
    query = load_query(query_or_name)
    _check_local(query)
    bindings = _bindings(query, params or {})
    query, added = _selecting(query, bindings)
    hidden = added | {parameter.name for parameter in query.parameters}
    path = Path(data_path) if data_path is not None else default_data_path()
    if engine == "oxigraph":
        return _run_oxigraph(query, open_cached_store(path) if cache else load_oxigraph(path), bindings, hidden)
    return _run_rdflib(query, path, bindings, hidden)


_NOT_LOCAL = {
    "SERVICE": "SERVICE is refused: it would ask another SPARQL endpoint, over the network; "
               "kg queries the data file only",
    "FROM": "FROM is refused: the graph queried is the data file (--data); leave out FROM and FROM NAMED",
}


def _check_local(query: Query) -> None:
    """Refuse what would query anything but the data file: SERVICE (another endpoint, over the
    network) and FROM (which the engines read differently: oxigraph as a graph of the store,
    which the data file does not have, rdflib by ignoring it)."""
    for kind, word, end in _tokens(query.source):
        if kind == "word" and word.upper() in _NOT_LOCAL:
            raise query.error(_NOT_LOCAL[word.upper()], query.source.count("\n", 0, end) + 1)


def _shown(columns: list[str], hidden: frozenset[str]) -> list[int]:
    """The indices of the columns to return: a parameter projected so that its binding reaches
    a subquery, or by `_selecting`, is not a result (only the shown columns are converted: 60k
    rows at 100k)."""
    return [i for i, column in enumerate(columns) if column not in hidden]


def _run_oxigraph(query: Query, store: Any, bindings: dict[str, str], hidden: frozenset[str]):
    import pyoxigraph

    substitutions = {pyoxigraph.Variable(k): pyoxigraph.Literal(v) for k, v in bindings.items()}
    try:
        result = store.query(query.text, substitutions=substitutions)
        if isinstance(result, pyoxigraph.QueryBoolean):
            return ["ask"], [(bool(result),)]
        if isinstance(result, pyoxigraph.QuerySolutions):
            columns = [variable.value for variable in result.variables]
            shown = _shown(columns, hidden)
            return [columns[i] for i in shown], [tuple([_ox_value(solution[i]) for i in shown])
                                                 for solution in result]
        return ["subject", "predicate", "object"], sorted(
            ((_ox_value(t.subject), _ox_value(t.predicate), _ox_value(t.object)) for t in result), key=_row_order)
    except SyntaxError as err:
        raise _oxigraph_syntax_error(query, err) from None
    except (RuntimeError, ValueError) as err:
        raise query.error(_one_line(err)) from None


def _oxigraph_syntax_error(query: Query, error: SyntaxError) -> KgInputError:
    """Oxigraph's "error at LINE:COLUMN: ..." at its line and column in the author's text."""
    at = _OXIGRAPH_ERROR.fullmatch(str(error))
    if at is None:
        return query.error(f"malformed SPARQL ({_one_line(error)})")
    line, column, detail = at.groups()
    offset = sum(len(text) + 1 for text in query.text.split("\n")[:int(line) - 1]) + int(column) - 1
    if offset >= len(query.text.rstrip()):  # oxigraph places some errors at the end: rdflib's parser may know better
        earlier = _rdflib_parse_error(query.text)
        if earlier is not None and earlier.loc < offset:
            return _syntax_error(query, earlier.loc, _PYPARSING_AT.sub("", str(earlier)))
    return _syntax_error(query, offset, detail)


def _rdflib_parse_error(text: str) -> Any:
    """The pyparsing ParseException of rdflib's SPARQL parser on `text`, if it raises one."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except ParseException as err:
        return err
    except Exception:  # not a syntax error of the text, e.g. an undeclared prefix
        return None
    return None


def _syntax_error(query: Query, offset: int, detail: str) -> KgInputError:
    """The syntax error `detail` at `offset` of the text an engine was given (`query.text`),
    located at its line and column in the author's (`query.source`), or at its end (where
    oxigraph places some errors that it meets before)."""
    offset = _source_offset(query.edits, offset)
    end = len(query.source.rstrip())
    line = query.source.count("\n", 0, min(offset, end)) + 1
    column = offset - query.source.rfind("\n", 0, offset)
    where = "the end" if offset >= end else f"column {column}" if query.path else f"line {line}, column {column}"
    return query.error(f"malformed SPARQL at {where}: {_one_line(detail)}", line)


def _source_offset(edits: tuple[tuple[int, int], ...], offset: int) -> int:
    """`offset` in a text made with `edits` (see `Query.edits`) as an offset in the text before
    them; an offset in inserted text is where it was inserted."""
    shift = 0
    for at, length in edits:
        if offset < at + shift + length:
            return min(offset - shift, at)
        shift += length
    return offset - shift


def _row_order(row: tuple[Value, ...]) -> tuple[tuple[int, Value], ...]:
    """Sort key of the triples a CONSTRUCT or DESCRIBE gives: by value, objects of different
    kinds (a number, a string) by kind first, since Python does not order them."""
    return tuple((_KIND_ORDER.get(type(value), 3), value) for value in row)


_KIND_ORDER: dict[type, int] = {type(None): 0, bool: 1, int: 2, float: 2, str: 3}


def _ox_value(term: Any) -> Value:
    import pyoxigraph  # imported already: a dictionary look-up, cheap even for 100k rows

    if term is None:
        return None
    kind = type(term)
    if kind is pyoxigraph.Literal:
        datatype = term.datatype.value
        return term.value if datatype == _STRING else _literal_value(term.value, datatype)
    if kind is pyoxigraph.BlankNode:
        return f"_:{term.value}"
    return term.value


def _run_rdflib(query: Query, path: Path, bindings: dict[str, str], hidden: frozenset[str]):
    import rdflib

    prepared = _rdflib_query(query)
    graph = load_rdflib(path)
    try:
        result = graph.query(prepared, initBindings={k: rdflib.Literal(v) for k, v in bindings.items()})
        if result.type == "ASK":
            return ["ask"], [(bool(result.askAnswer),)]
        if result.type == "SELECT":
            columns = [str(variable) for variable in result.vars]
            shown = _shown(columns, hidden)
            return [columns[i] for i in shown], [tuple([_rdflib_value(row[i]) for i in shown]) for row in result]
        return ["subject", "predicate", "object"], sorted(
            (tuple(_rdflib_value(term) for term in triple) for triple in result), key=_row_order)
    except (ValueError, TypeError, KeyError, NotImplementedError) as err:
        raise query.error(_one_line(err)) from None


def _rdflib_query(query: Query) -> Any:
    """`query` parsed by rdflib, knowing only the prefixes it declares: as oxigraph, not those
    that rdflib binds in a graph (its own and the data file's)."""
    from rdflib.plugins.sparql import prepareQuery

    error = _rdflib_parse_error(query.text)
    if error is not None:
        raise _syntax_error(query, error.loc, _PYPARSING_AT.sub("", str(error)))
    try:
        return prepareQuery(query.text)
    except Exception as err:  # rdflib raises a bare Exception for an undeclared prefix
        raise query.error(f"malformed SPARQL ({_one_line(err)})") from None


def _rdflib_value(term: Any) -> Value:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype else _STRING
        return _literal_value(str(term), datatype)
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return str(term)


def _literal_value(lexical: str, datatype: str) -> Value:
    """The Python value of a literal, the same from both engines (parsed from the lexical form)."""
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype in _FLOAT_TYPES:
            return float(Decimal(lexical)) if datatype.endswith("decimal") else float(lexical)
        if datatype == _BOOLEAN:
            return lexical.strip() in ("true", "1")
    except (ValueError, ArithmeticError):
        pass
    return lexical


# ---------------------------------------------------------------- validation


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result: the node, the property path and what is wrong."""

    focus: str
    path: str
    message: str
    severity: str
    value: str | None = None

    def __str__(self) -> str:
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{self.severity}: {self.focus} {self.path}: {self.message}{value}"


@dataclass(frozen=True, slots=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]


def ontology_folder() -> Traversable:
    """The bundled ontology folder: the package kg.ontology once installed, which the install
    maps from ontology/ (pyproject.toml), or ontology/ itself when kg is imported from a
    checkout. There kg.ontology does not exist: a script or ``python -m kg`` run in the
    checkout imports its kg/ rather than the installed one (sys.path starts with the script's
    folder), and a checkout on PYTHONPATH would otherwise use another checkout's ontology
    through that checkout's editable install."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "ontology" / "kg.ttl").is_file():
        return checkout / "ontology"
    return files("kg.ontology")


def ontology_path(name: str = "kg.ttl") -> Path:
    """A file of the bundled ontology folder (kg.ttl, shapes.ttl)."""
    return Path(str(ontology_folder() / name))


def validate(data_path: str | Path) -> ValidationReport:
    """Check an RDF export against ontology/shapes.ttl, with ontology/kg.ttl for subclasses."""
    import pyshacl
    import rdflib

    data = load_rdflib(Path(data_path))
    shapes = rdflib.Graph().parse(ontology_path("shapes.ttl"), format="turtle")
    ontology = rdflib.Graph().parse(ontology_path("kg.ttl"), format="turtle")
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                            inference="none", allow_warnings=True)
    if not isinstance(results, rdflib.Graph):  # pyshacl reports a failure to validate this way
        raise KgInputError(f"cannot be validated ({_one_line(results)})", data_path)
    violations = sorted({_violation(results, node) for node in
                         results.subjects(rdflib.RDF.type, rdflib.SH.ValidationResult)},
                        key=lambda v: (v.focus, v.path, v.message, v.value or ""))
    return ValidationReport(bool(conforms), tuple(violations))


def _violation(results: Any, node: Any) -> Violation:
    from rdflib import SH

    def one(predicate: Any) -> Any:
        return results.value(node, predicate)

    value = one(SH.value)
    return Violation(focus=_show(results, one(SH.focusNode)), path=_show(results, one(SH.resultPath)),
                     message=str(one(SH.resultMessage) or ""),
                     severity=_show(results, one(SH.resultSeverity)).removeprefix("sh:"),
                     value=None if value is None else _show(results, value))


def _show(graph: Any, term: Any) -> str:
    """A term as a person reads it: prefixed IRIs, SHACL paths as SPARQL paths, literals quoted."""
    import rdflib
    from rdflib import SH
    from rdflib.collection import Collection

    if term is None:
        return ""
    if isinstance(term, rdflib.BNode):
        inverse = graph.value(term, SH.inversePath)
        if inverse is not None:
            return f"^{_show(graph, inverse)}"
        alternatives = graph.value(term, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(_show(graph, item) for item in Collection(graph, alternatives)) + ")"
        return "[]"
    if isinstance(term, rdflib.Literal):
        return f'"{term}"' + (f"^^{_show(graph, term.datatype)}" if term.datatype else "")
    text = str(term)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    if text.startswith(str(SH)):
        return "sh:" + text[len(str(SH)):]
    return f"<{text}>"
