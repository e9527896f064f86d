"""`kg build` and `kg extract`."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from kg.corpus import FORMATS
from kg.model import PaperExtraction
from kg.parallel import default_jobs

input_args = click.argument("inputs", nargs=-1, type=click.Path(dir_okay=False))
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS),
                             help="Input format (default: found from extension and content).")
model_option = click.option("--spacy-model", default=None, metavar="NAME",
                            help="An installed trained spaCy pipeline to add POS/parser (optional).")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
engine_option = click.option("--engine", type=click.Choice(("local", "spark")), default="local", show_default=True,
                             help="spark: run on Apache Spark (pip install '.[spark]' in kg's checkout); INPUTS may be globs "
                                  "or Hadoop URIs and outputs are part files (docs/spark.md).")


def jobs_option(then: str = "") -> Any:
    """--jobs, with what else the command spreads over JOBS processes (`then`)."""
    return click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                        help="Processes: papers are spread over JOBS workers, each loading the pipeline "
                             f"once{then}. Default: one per CPU (at most 8), or 1 for inputs under 1 MB. "
                             "The output is the same for any JOBS.")


def progress_bar(quiet: bool):
    """A counter of papers extracted, on stderr when it is a terminal, unless quiet."""
    def wrap(extractions: Iterable[PaperExtraction]) -> Iterable[PaperExtraction]:
        if quiet or not sys.stderr.isatty():
            yield from extractions
            return
        with click.progressbar(extractions, label="extracting", file=sys.stderr,
                               show_pos=True, update_min_steps=16) as bar:
            yield from bar
    return wrap


def warn(message: str) -> None:
    click.echo(f"kg: warning: {message}", err=True)


def refuse_local_options(**given: object) -> None:
    """A usage error for the first single-machine option given (not None or False) with
    --engine spark, which would otherwise be ignored without a word."""
    for name, value in given.items():
        if value not in (None, False):
            option = "--" + name.replace("_", "-")
            raise click.UsageError(f"{option} does not apply to --engine spark "
                                   "(Spark's own settings say how much runs at once: docs/spark.md)")


@click.command()
@input_args
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False),
              default=Path("outputs"), show_default=True, help="Output directory.")
@format_option
@click.option("--base-iri", default=None, metavar="IRI",
              help="Base IRI of the graph's instances (default https://w3id.org/kg/id/).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=None,
              help="Most nodes drawn in graph.html (the most connected are kept) [default: 1500].")
@model_option
@jobs_option(", then the exports are written in JOBS processes and the query cache made in one more; "
             "with 1, one process works at a time")
@click.option("--no-query-cache", is_flag=True,
              help="Leave the query cache (the on-disk store beside graph.nt that `kg query` "
                   "reads) to the first `kg query` instead of making it now, in a process of its "
                   "own (beside the other exports when JOBS > 1): about 70 CPU seconds at 100k "
                   "papers, then paid by that query.")
@engine_option
@quiet_option
def build(inputs: tuple[str, ...], out_dir: str, fmt: str | None, base_iri: str | None,
          max_nodes: int | None, spacy_model: str | None, jobs: int | None, no_query_cache: bool,
          engine: str, quiet: bool) -> None:
    """Read INPUT files (default: the bundled listing of 188 papers) and write every export."""
    from kg.workflow import build as run_build

    if engine == "spark":
        refuse_local_options(max_nodes=max_nodes, jobs=jobs, no_query_cache=no_query_cache)
        from kg.spark import build as spark_build

        stats = spark_build(inputs, out_dir, fmt=fmt, base_iri=base_iri, spacy_model=spacy_model, warn=warn)
    else:
        stats = run_build(inputs, out_dir, fmt=fmt, base_iri=base_iri,
                          spacy_model=spacy_model, max_nodes=max_nodes,
                          progress=progress_bar(quiet), warn=warn, jobs=jobs or default_jobs(inputs),
                          query_cache=not no_query_cache)
    if not quiet:
        click.echo(format_summary(stats, out_dir))


def format_summary(stats: dict[str, Any], out_dir: str) -> str:
    """The table `kg build` prints: counts by kind and relation, notes, files written."""
    rows: list[tuple[str, str]] = [("papers", f"{stats['papers']:,}"),
                                   ("entities", f"{sum(stats['entities'].values()):,}")]
    rows += [(f"  {kind}", f"{n:,}") for kind, n in stats["entities"].items()]
    rows.append(("results", f"{stats['results']:,}"))
    rows.append(("edges", f"{sum(stats['edges'].values()):,}"))
    rows += [(f"  {relation}", f"{n:,}") for relation, n in stats["edges"].items()]
    resolution = stats["resolution"]
    rows.append(("resolution", f"{resolution['mentions']:,} mentions merged into "
                               f"{resolution['entities']:,} entities"))
    rows += [("note", note) for note in stats.get("notes", ())]
    rows.append(("files", str(out_dir)))
    rows += [(f"  {name}", f"{size:,} bytes") for name, size in stats["files"].items()]
    rows.append(("  stats.json", "this summary"))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


@click.command()
@input_args
@click.option("-o", "--output", "out_file", type=click.Path(), required=True,
              help="JSON Lines file of per-paper extractions (--engine spark: a directory of parts).")
@format_option
@model_option
@jobs_option()
@engine_option
@quiet_option
def extract(inputs: tuple[str, ...], out_file: str, fmt: str | None, spacy_model: str | None,
            jobs: int | None, engine: str, quiet: bool) -> None:
    """Write what extraction finds in each paper of INPUT files as JSON Lines, a line per
    paper as it is extracted (the file appears only when complete)."""
    if engine == "spark":
        refuse_local_options(jobs=jobs)
        from kg.spark import extract as spark_extract

        spark_extract(inputs, out_file, fmt=fmt, spacy_model=spacy_model, warn=warn)
        return
    from kg.workflow import extract as run_extract

    run_extract(inputs, out_file, fmt=fmt, spacy_model=spacy_model, progress=progress_bar(quiet),
                warn=warn, jobs=jobs or default_jobs(inputs))


COMMANDS = (build, extract)
