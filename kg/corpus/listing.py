"""The listing text format: a title line, then its abstract line, paper after paper.

It is what copying a Hugging Face papers page gives, so the top may carry page chrome
("Get trending papers in your email inbox once a day!") and the first title may have the
page's "Subscribe" button text glued to its front ("SubscribePoint Cloud Network: ...").
Both are recognised and dropped. Blank lines are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kg.corpus.record import Record
from kg.corpus.source import numbered_lines
from kg.errors import KgInputError

# Page chrome, looked for only above the first paper: a short call to action about the
# mailing list ("Get trending papers in your email inbox!"), or a bare button label.
_CHROME = re.compile(r"^(?:(?=.{0,120}$).*\b(?:trending papers|email inbox|newsletter|subscribe)\b.*!"
                     r"|subscribe|sign up|log in)$", re.I)
# "Subscribe" glued to the first title: followed directly by a capital, digit or symbol.
_GLUED_SUBSCRIBE = re.compile(r"^Subscribe(?=[^\sa-z])")
# A title is short and does not end in a full stop; an abstract is long and ends a sentence.
# Seeing a title-like line where an abstract belongs, then an abstract-like line where the
# next title belongs, means an abstract is missing.
_TITLE_MAX = 300


def read(path: Path) -> Iterator[Record]:
    lines = ((number, text.strip()) for number, text in numbered_lines(path) if text.strip())
    title: tuple[int, str] | None = None
    suspect: tuple[int, str] | None = None
    for number, text in _drop_chrome(lines):
        if title is None:
            if suspect is not None and _looks_like_abstract(text):
                raise _no_abstract(path, suspect[0], "the line after it looks like the next title")
            title = (number, text)
            continue
        suspect = title if _looks_like_title(text) else None
        yield Record(line=title[0], title=title[1], abstract=text)
        title = None
    if title is not None:
        raise _no_abstract(path, title[0], "it is the last line")


def _drop_chrome(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    for number, text in lines:
        if _CHROME.match(text):
            continue
        yield number, _GLUED_SUBSCRIBE.sub("", text)
        break
    yield from lines


def _looks_like_title(text: str) -> bool:
    return len(text) <= _TITLE_MAX and not text.endswith(".")


def _looks_like_abstract(text: str) -> bool:
    return len(text) > _TITLE_MAX and text.endswith((".", "!", "?", ")"))


def _no_abstract(path: Path, line: int, why: str) -> KgInputError:
    return KgInputError(f"title has no abstract ({why}; a listing alternates title and abstract lines)",
                        path, line)
