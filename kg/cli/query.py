"""`kg query` (SPARQL over the RDF export) and `kg validate` (SHACL)."""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from kg.errors import KgInputError
from kg.query import ENGINES, Value, bundled_queries

OUTPUT_FORMATS = ("table", "csv", "json")
TABLE_CELL_WIDTH = 60
"""Table cells longer than this are cut (csv and json give them whole)."""

def _bundled_help() -> str:
    lines = ["Bundled queries, with their parameters ([optional]); kg query --list tells more:"]
    for name, query in bundled_queries().items():
        params = " ".join(p.name if p.required else f"[{p.name}]" for p in query.parameters)
        lines.append(f"  {name} {params}".rstrip())
    return "\b\n" + "\n".join(lines)


@click.command(epilog=_bundled_help())
@click.argument("query_text", metavar="QUERY", required=False)
@click.option("--data", "data_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="RDF file (.nt, .ttl, .jsonld, .rdf, .nq, .trig; format from the extension) "
                   "[default: outputs/graph.nt, else outputs/graph.ttl].")
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True,
              help=f"Output: an aligned table (cells cut at {TABLE_CELL_WIDTH} characters), "
                   "CSV with a header row, or a JSON list of objects.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter to a string literal (repeatable), e.g. --param dataset=CIFAR-10. "
                   "A query of your own takes any of its variables; one that groups (GROUP BY, COUNT, ...), "
                   "only those of its SELECT clause.")
@click.option("--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True,
              help="SPARQL engine; both give the same rows.")
@click.option("--no-cache", is_flag=True,
              help="Parse the data file for this query only. By default the oxigraph engine keeps "
                   "the data in an on-disk store beside it (hidden folder .<file>.oxigraph), made "
                   "on the first query and reused until the file changes; deleting it is safe.")
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries with their parameters.")
def query(query_text: str | None, data_path: Path | None, fmt: str, params: tuple[str, ...],
          engine: str, no_cache: bool, list_queries: bool) -> None:
    """Run a SPARQL QUERY over the RDF export: the name of a bundled query, a .rq file, or the
    text of a query."""
    from kg.query import run_query

    if list_queries:
        click.echo(format_query_list())
        return
    if query_text is None:
        raise KgInputError("give a QUERY (a bundled query's name, a .rq file or a query); see kg query --list")
    columns, rows = run_query(query_text, data_path, parse_params(params), engine, cache=not no_cache)
    click.echo(FORMATTERS[fmt](columns, rows), nl=False)


def parse_params(params: Sequence[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for param in params:
        name, equals, value = param.partition("=")
        if not equals or not name.strip():
            raise KgInputError(f"--param {param!r} is not NAME=VALUE")
        if name.strip() in parsed:
            raise KgInputError(f"--param {name.strip()} is given twice")
        parsed[name.strip()] = value
    return parsed


def format_query_list() -> str:
    blocks = []
    for name, query in bundled_queries().items():
        lines = [name, f"    {query.description}"]
        for param in query.parameters:
            choices = f" ({'|'.join(param.choices)})" if param.choices else ""
            optional = "" if param.required else " [optional]"
            lines.append(f"    --param {param.name}=...{choices}{optional}  {param.help}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def show(value: Value) -> str:
    """A value as text: unbound empty, booleans lower case, numbers without needless digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return f"{value:.1f}"
    return str(value)


def format_table(columns: list[str], rows: list[tuple[Value, ...]]) -> str:
    def cell(value: Value) -> str:
        text = " ".join(show(value).split())
        return text if len(text) <= TABLE_CELL_WIDTH else text[:TABLE_CELL_WIDTH - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    numeric = [all(isinstance(row[i], (int, float)) and not isinstance(row[i], bool)
                   for row in rows if row[i] is not None) for i in range(len(columns))]

    template = "  ".join(f"{{:{'>' if num else '<'}{w}}}" for w, num in zip(widths, numeric))

    def line(values: list[str]) -> str:
        return template.format(*values).rstrip() + "\n"

    out = line(columns) + line(["-" * w for w in widths]) + "".join(line(row) for row in cells)
    return out + f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def format_csv(columns: list[str], rows: list[tuple[Value, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([show(v) for v in row] for row in rows)
    return buffer.getvalue()


def format_json(columns: list[str], rows: list[tuple[Value, ...]]) -> str:
    def plain(value: Value) -> Value:
        return show(value) if isinstance(value, float) and not math.isfinite(value) else value

    records = [{c: plain(v) for c, v in zip(columns, row)} for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


FORMATTERS = {"table": format_table, "csv": format_csv, "json": format_json}


@click.command()
@click.argument("data_file", metavar="[FILE]", required=False, type=click.Path(path_type=Path, dir_okay=False))
def validate(data_file: Path | None) -> None:
    """Check an RDF export (FILE, default outputs/graph.nt) against kg's SHACL shapes.

    Prints each violation (focus node, property path, message) and exits 1 when the data
    does not conform, 0 when it does."""
    from kg.query import default_data_path
    from kg.query import validate as run_validate

    path = data_file or default_data_path()
    report = run_validate(path)
    if report.conforms:
        click.echo(f"{path}: conforms to the kg shapes")
        return
    for violation in report.violations:
        click.echo(str(violation))
    click.echo(f"{path}: {len(report.violations)} violation(s) of the kg shapes", err=True)
    sys.exit(1)


COMMANDS = (query, validate)
