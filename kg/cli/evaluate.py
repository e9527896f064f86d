"""`kg eval GOLD PRED`: score an extraction file against a gold file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.eval import evaluate_files, format_misses, format_table


@click.command("eval")
@click.argument("gold", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("pred", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable scores (and misses) as JSON.")
@click.option("--misses", is_flag=True, help="List false negatives and false positives per paper.")
def eval_command(gold: Path, pred: Path, as_json: bool, misses: bool) -> None:
    """Score PRED (a `kg extract` file) against GOLD (JSON Lines: per paper its id, entities with
    type, names and proposed, results, and an optional ignore list): P/R/F1 per type, micro,
    type-agnostic, proposed and results, strict and lenient."""
    evaluation = evaluate_files(gold, pred)
    if as_json:
        data = evaluation.to_dict()
        if misses:
            data["misses"] = {pid: {scope: {"fn": m.fn, "fp": m.fp} for scope, m in groups.items()}
                              for pid, groups in sorted(evaluation.misses.items())}
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    click.echo(format_table(evaluation))
    if misses:
        click.echo(format_misses(evaluation))


COMMANDS = (eval_command,)
