"""The `kg` command line: a thin layer over the Python API, one module per command.

Every command turns bad input (`KgInputError`) into one line on stderr and exit code 2,
any other reported failure (`KgError`, e.g. a worker killed by the system) into one line and
exit code 1, and SIGTERM into a clean stop, so staged outputs are removed and old ones left intact.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

import click

from kg.errors import KgError, KgInputError

INTERRUPTED = "kg: interrupted; no partial output left (outputs are replaced only when complete)"


class KgGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            return super().invoke(ctx)
        except KgInputError as err:
            click.echo(f"kg: error: {err}", err=True)
            sys.exit(2)
        except KgError as err:
            click.echo(f"kg: error: {err}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(INTERRUPTED, err=True)
            sys.exit(130)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """Build a knowledge graph of ML papers: methods, datasets, hardware, metrics, tasks, results."""


def _register() -> None:
    from kg.cli import build, evaluate, export, query, view

    for module in (build, evaluate, query, view, export):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
