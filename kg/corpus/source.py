"""Opening an input file and reading it as UTF-8 lines, with errors that say where.

Readers stream: a file is read one line at a time, never whole, so a 100 MB corpus costs
the memory of its longest line. Line endings (``\\r\\n``, ``\\r``, ``\\n``) are normalised
to ``\\n`` and a leading UTF-8 byte-order mark is dropped; nothing else is changed.

A file compressed with gzip, bzip2 or xz (as corpus dumps often are: ``papers.jsonl.gz``)
is read as what it holds, whatever its name: it is recognised by its first bytes and
decompressed as it is read. Line numbers in errors are those of the decompressed text.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from kg.errors import KgInputError

_LONE_CR = re.compile(r"\r(?!\n)")
_BOM = "\ufeff"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class NotUtf8Error(KgInputError):
    """A byte that is not UTF-8; `line` is where it is."""

    def __init__(self, message: str, path: Path, line: int) -> None:
        super().__init__(message, path, line)
        self.line = line


COMPRESSIONS: dict[bytes, tuple[str, Callable[[BinaryIO], BinaryIO]]] = {
    b"\x1f\x8b": ("gzip", lambda raw: gzip.GzipFile(fileobj=raw)),
    **{b"BZh%d" % level: ("bzip2", bz2.BZ2File) for level in range(1, 10)},
    b"\xfd7zXZ\x00": ("xz", lzma.LZMAFile),
}
"""First bytes of a compressed file -> (its format, its decompressing reader over the raw stream)."""
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz")
"""File name endings of those formats: the name's format is the suffix before (kg.corpus.detect)."""


def open_binary(path: Path) -> BinaryIO:
    """Open `path` for reading, decompressed if it is compressed (COMPRESSIONS), turning the
    usual OS errors, and damaged compressed data, into one-line input errors."""
    try:
        stream = open(path, "rb")
    except FileNotFoundError:
        raise KgInputError("no such file", path) from None
    except IsADirectoryError:
        raise KgInputError("is a directory, not a file", path) from None
    except PermissionError:
        raise KgInputError("permission denied", path) from None
    except OSError as err:
        raise KgInputError(f"cannot read ({err.strerror or err})", path) from None
    head = stream.peek(6)[:6]  # not read: a pipe cannot be opened again
    for magic, (name, opener) in COMPRESSIONS.items():
        if head.startswith(magic):
            return io.BufferedReader(_Decompressed(stream, opener(stream), name, path))
    return stream


class _Decompressed(io.RawIOBase):
    """A decompressing stream whose damaged or cut-short data is a KgInputError naming the file;
    closing it closes the file too."""

    def __init__(self, raw: BinaryIO, stream: BinaryIO, name: str, path: Path) -> None:
        self._raw, self._stream, self._name, self._path = raw, stream, name, path

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            return self._stream.readinto(buffer)  # type: ignore[attr-defined]
        except (OSError, EOFError, lzma.LZMAError, zlib.error) as err:
            raise KgInputError(f"damaged {self._name} data ({err})", self._path) from None

    def close(self) -> None:
        self._stream.close()
        self._raw.close()
        super().close()


def read_lines(path: Path) -> Iterator[str]:
    """Yield the lines of `path`, each ending in ``\\n`` except perhaps the last.

    The n-th item yielded is physical line n (counting ``\\r`` alone as a line break too),
    so a caller that counts items knows the line it is on.
    """
    with open_binary(path) as stream:
        line_number = 1
        offset = 0
        for raw in stream:
            text = _decode(raw, path, line_number, offset)
            if line_number == 1 and text.startswith(_BOM):
                text = text[len(_BOM):]
            offset += len(raw)
            for piece in _split_lone_cr(text):
                yield piece
                line_number += 1


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line without its ending) for each line of `path`."""
    for number, line in enumerate(read_lines(path), start=1):
        yield number, line.rstrip("\n")


def _split_lone_cr(text: str) -> list[str]:
    text = text.replace("\r\n", "\n")
    if "\r" not in text:
        return [text]
    pieces = text.split("\r")
    return [piece + "\n" for piece in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])


def _decode(raw: bytes, path: Path, line_number: int, offset: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line_number += len(_LONE_CR.findall(raw[:err.start].decode("utf-8")))
        raise NotUtf8Error(_undecodable_message(raw, err, offset), path, line_number) from None


def _undecodable_message(raw: bytes, err: UnicodeDecodeError, offset: int) -> str:
    """Where in the line and in the file the first byte that is not UTF-8 sits."""
    if offset == 0 and raw.startswith(_UTF16_BOMS):
        return "not UTF-8 (the file is UTF-16; save it as UTF-8)"
    column = err.start - raw.rfind(b"\r", 0, err.start)  # 1-based; rfind gives -1 when no CR
    return (f"not UTF-8 at byte {column} of the line "
            f"(0x{raw[err.start]:02x}; byte {offset + err.start + 1} of the file)")


def first_undecodable(path: Path) -> NotUtf8Error | None:
    """The error `read_lines` would raise for a byte that is not UTF-8, if any (else None).

    Used to explain a parser's complaint (e.g. expat's "invalid token") in plain words.
    """
    try:
        for _ in read_lines(path):
            pass
    except NotUtf8Error as err:
        return err
    return None
