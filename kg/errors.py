"""The errors users see, each reported by the CLI as one line: bad input, or a run that failed."""

from __future__ import annotations

from pathlib import Path


class KgError(Exception):
    """A failure kg reports as one line (``kg: error: ...``) rather than a traceback."""


class KgInputError(KgError):
    """Input kg cannot use. `str()` is the whole one-line message, e.g.
    ``corpus.jsonl:12: malformed JSON (Expecting ',' delimiter at column 40)``."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")


class KgWorkerError(KgError):
    """A worker process died mid-run (killed by the system, e.g. when out of memory)."""
