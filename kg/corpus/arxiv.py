"""arXiv API responses: the Atom feed that ``export.arxiv.org/api/query`` returns.

Each ``<entry>`` gives a paper: the id (``http://arxiv.org/abs/2101.00001v2`` gives
``2101.00001``, version dropped; old-style ``hep-th/9901001`` too), title, summary,
published year, authors and the abs link. Atom hard-wraps titles and summaries, so runs
of whitespace are collapsed to one space. Categories, DOI, comment, journal reference,
version and dates go to `Paper.metadata`.

The file is parsed as a stream with expat (one entry in memory at a time). External
entities are never fetched, and a document that declares entities is refused: an Atom
feed has no use for them, and refusing them rules out entity-expansion bombs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from kg.corpus.ids import arxiv_id
from kg.corpus.record import Record
from kg.corpus.source import first_undecodable, open_binary
from kg.errors import KgInputError

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
_ENTRY = f"{{{ATOM}}}entry"
_API_ERROR = "http://arxiv.org/api/errors"
_VERSION = re.compile(r"v(\d+)$")
_CHUNK = 1 << 16


def read(path: Path) -> Iterator[Record]:
    parser = _EntryParser(path)
    with open_binary(path) as stream:
        while chunk := stream.read(_CHUNK):
            yield from parser.feed(chunk)
        yield from parser.feed(b"", final=True)


class _EntryParser:
    """Feeds expat, builds one ``<entry>`` element at a time and turns it into a Record."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.depth = 0
        self.builder: TreeBuilder | None = None
        self.entry_line = 0
        self.done: list[Record] = []
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._data
        self.parser.EntityDeclHandler = self._refuse_entities

    def feed(self, chunk: bytes, final: bool = False) -> list[Record]:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as err:
            raise self._parse_error(err) from None
        done, self.done = self.done, []
        return done

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        tag = _qualified(tag)
        self.depth += 1
        if self.depth == 1 and tag != f"{{{ATOM}}}feed":
            raise KgInputError(f"not an Atom feed (the root element is <{_local(tag)}>)",
                               self.path, self.parser.CurrentLineNumber)
        if self.depth == 2 and tag == _ENTRY:
            self.builder = TreeBuilder()
            self.entry_line = self.parser.CurrentLineNumber
        if self.builder is not None:
            self.builder.start(tag, {_qualified(k): v for k, v in attributes.items()})

    def _end(self, tag: str) -> None:
        self.depth -= 1
        if self.builder is None:
            return
        self.builder.end(_qualified(tag))
        if self.depth == 1:
            self.done.append(_record(self.builder.close(), self.path, self.entry_line))
            self.builder = None

    def _data(self, text: str) -> None:
        if self.builder is not None:
            self.builder.data(text)

    def _refuse_entities(self, name: str, *_: object) -> None:
        raise KgInputError(f"declares the XML entity {name!r}; an arXiv feed has no entities",
                           self.path, self.parser.CurrentLineNumber)

    def _parse_error(self, err: expat.ExpatError) -> KgInputError:
        if err.code == expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]:
            undecodable = first_undecodable(self.path)
            if undecodable is not None and undecodable.line == err.lineno:
                return undecodable
        message = expat.errors.messages[err.code]
        return KgInputError(f"malformed XML ({message} at column {err.offset + 1})", self.path, err.lineno)


def _record(entry: Element, path: Path, line: int) -> Record:
    entry_id = _text(entry, "id")
    if entry_id and entry_id.startswith(_API_ERROR):
        raise KgInputError(f"the arXiv API returned an error: {_text(entry, 'summary') or entry_id}", path, line)
    for required in ("title", "summary"):
        if _text(entry, required) is None:
            raise KgInputError(f"entry has no <{required}>", path, line)
    return Record(line=line, id=arxiv_id(entry_id) or entry_id, title=_text(entry, "title"),
                  abstract=_text(entry, "summary"), url=_abs_link(entry) or entry_id,
                  year=_text(entry, "published") or None,
                  authors=[_collapse(name.text) for name in entry.iterfind(f"{{{ATOM}}}author/{{{ATOM}}}name")],
                  metadata=_metadata(entry, entry_id))


def _text(entry: Element, name: str, namespace: str = ATOM) -> str | None:
    """The whitespace-collapsed text of the child `name`, None when there is no such child."""
    found = entry.find(f"{{{namespace}}}{name}")
    return _collapse(found.text) if found is not None else None


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def _abs_link(entry: Element) -> str | None:
    for link in entry.iterfind(f"{{{ATOM}}}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def _metadata(entry: Element, entry_id: str | None) -> dict[str, Any]:
    version = _VERSION.search(entry_id or "")
    primary = entry.find(f"{{{ARXIV}}}primary_category")
    found = {
        "version": int(version.group(1)) if version else None,
        "published": _text(entry, "published"),
        "updated": _text(entry, "updated"),
        "primary_category": primary.get("term") if primary is not None else None,
        "categories": [e.get("term") for e in entry.iterfind(f"{{{ATOM}}}category") if e.get("term")],
        "doi": _text(entry, "doi", ARXIV),
        "comment": _text(entry, "comment", ARXIV),
        "journal_ref": _text(entry, "journal_ref", ARXIV),
    }
    return {key: value for key, value in found.items() if value}


def _qualified(name: str) -> str:
    """expat's ``namespace}local`` as ElementTree's ``{namespace}local``."""
    return "{" + name if "}" in name else name


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
