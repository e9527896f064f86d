"""The one error type users see: bad input, reported as one line naming where."""

from __future__ import annotations

from pathlib import Path


class KgInputError(Exception):
    """Input kg cannot use. `str()` is the whole one-line message, e.g.
    ``corpus.jsonl:12: malformed JSON (Expecting ',' delimiter at column 40)``."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
