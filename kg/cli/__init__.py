"""The `kg` command line: a thin layer over the Python API, one module per command.

Every command turns bad input (`KgInputError`) into one line on stderr and exit code 2,
any other reported failure (`KgError`, e.g. a worker killed by the system) and a refusal of
the system (`OSError`, e.g. a full disk) into one line and exit code 1, and a stop signal
(Ctrl-C, SIGTERM, a hang-up: `kg.staging.STOP_SIGNALS`) into a clean stop and exit code 130,
so staged outputs are removed and old ones left intact. A reader that closes the output
early (`kg query ... | head -1`) ends the command quietly, as it does other tools.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from importlib import import_module
from typing import Any, NoReturn

import click

from kg.errors import KgError, KgInputError
from kg.staging import STOP_SIGNALS

INTERRUPTED = "kg: interrupted; no partial output left (outputs are replaced only when complete)"


COMMAND_MODULES = {"build": "build", "extract": "build", "eval": "evaluate", "query": "query",
                   "validate": "query", "view": "view", "export": "export"}
"""Each command's module in kg.cli, imported only when the command runs (or help lists them
all): `kg query` need not load NetworkX and the exporters to answer in a fraction of a second."""


class KgGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMAND_MODULES:
            return None
        module = import_module(f"kg.cli.{COMMAND_MODULES[name]}")
        return next(command for command in module.COMMANDS if command.name == name)

    def invoke(self, ctx: click.Context) -> Any:
        _stop_on_signals()
        _show_library_warnings()
        try:
            return super().invoke(ctx)
        except KgInputError as err:
            click.echo(f"kg: error: {err}", err=True)
            sys.exit(2)
        except click.BadParameter as err:
            if not isinstance(err.param and err.param.type, click.Path):
                raise  # a usage error: click shows the usage with it
            click.echo(f"kg: error: {err.format_message()}", err=True)  # a file: one line, as KgInputError
            sys.exit(2)
        except KgError as err:
            click.echo(f"kg: error: {err}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            _stop_writing()
            sys.exit(EXIT_BROKEN_PIPE)
        except OSError as err:  # the system refused: no space left, permission denied, ...
            if _raised_while_stopping(err):
                _exit_interrupted()
            click.echo(f"kg: error: {_system_error(err)}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            _exit_interrupted()


class _OneLineWarning(logging.Handler):
    """A library's warning as one line on stderr, each different one once: rdflib logs one
    with a traceback for every literal that is not a value of its datatype ("abc"^^xsd:integer)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.shown: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        cause = record.exc_info[1] if record.exc_info else None
        line = " ".join(f"{record.getMessage()}{f' ({cause})' if cause else ''}".split())
        if line not in self.shown:
            self.shown.add(line)
            click.echo(f"kg: warning: {record.name.split('.')[0]}: {line}", err=True)


def _show_library_warnings() -> None:
    """rdflib's warnings through a `_OneLineWarning` of this command's own."""
    logger = logging.getLogger("rdflib")
    for handler in [h for h in logger.handlers if isinstance(h, _OneLineWarning)]:
        logger.removeHandler(handler)
    logger.addHandler(_OneLineWarning())
    logger.propagate = False


def _system_error(err: OSError) -> str:
    """An OSError in one line: the file it concerns, then the system's reason."""
    reason = err.strerror or " ".join(str(err).split())
    return f"{err.filename}: {reason}" if err.filename else reason


EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
"""The status of a command whose reader went away: what a shell reports for a tool that SIGPIPE
ended (Python ignores the signal and raises BrokenPipeError instead)."""


def _stop_writing() -> None:
    """Point stdout at /dev/null: the reader has closed the pipe, and the interpreter's final
    flush of what is still buffered would otherwise fail again, with a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _raised_while_stopping(err: BaseException) -> bool:
    """Whether `err` was raised as a stop (KeyboardInterrupt) unwound the command: the progress
    bar's last line refused (EIO) by the terminal that a hang-up closed, say."""
    context = err.__context__
    while context is not None and not isinstance(context, KeyboardInterrupt):
        context = context.__context__
    return context is not None


def _exit_interrupted() -> NoReturn:
    """Say that the command was stopped, unless stderr cannot be written any more (the terminal
    a hang-up closed), and exit with 130."""
    with contextlib.suppress(OSError):
        click.echo(INTERRUPTED, err=True)
    sys.exit(130)


def _stop_on_signals() -> None:
    """Have every stop signal raise KeyboardInterrupt, as Ctrl-C does, except one that whoever
    started kg has it ignore: a hang-up under `nohup`, Ctrl-C in a script's background job."""
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) != signal.SIG_IGN:
            signal.signal(signum, _raise_interrupt)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """Build a knowledge graph of ML papers: methods, datasets, hardware, metrics, tasks, results."""
