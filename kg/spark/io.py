"""Reading a corpus into Spark and writing outputs to any Hadoop-compatible file system.

Input files are read one task per file: the file's bytes go through kg.corpus's reader
for its format (by `--format`, else the extension, else the content), so the records, the
checks and the error messages are those of the single-machine engine. A file is held in
memory by the task reading it; split corpora of many gigabytes into several files (Spark
jobs usually write them that way). The papers are then spread over the cluster.

Outputs are written under a staging directory beside the target that replaces it only
when every part is written, as kg.staging does on one machine.
"""

from __future__ import annotations

import logging
import pickle
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from kg.corpus import READERS
from kg.corpus import read_papers as read_local_papers
from kg.corpus.detect import detect_format
from kg.corpus.record import to_paper
from kg.errors import KgInputError
from kg.staging import check_replaceable

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

PAPER_SCHEMA = "id string, source int, uri string, line long, paper binary"
"""A paper read: its id, where it was read (source index, file, line) and the pickled Paper;
`paper` is null for a record with neither title nor abstract."""
_LISTED = 5
_log = logging.getLogger("kg.spark")
_INPUT_ERROR = re.compile(r"kg\.errors\.KgInputError: (.*)")


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


loads = pickle.loads


def read_papers(spark: SparkSession, sources: Sequence[str | Path], fmt: str | None = None,
                warn: Callable[[str], None] | None = None) -> DataFrame:
    """The papers of `sources` (paths, globs or URIs; the bundled listing when empty) as a
    DataFrame of ``id string, paper binary``: one paper per id, the first read kept as
    `kg.corpus.read_papers` does (first source, then file name, then line)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if sources:
        for source in sources:
            if not list_files(spark, str(source)):
                raise KgInputError(f"no such file: {source}")
        sc = spark.sparkContext
        rdds = [sc.binaryFiles(str(source)).flatMap(lambda item, i=index: _read_file(item, i, fmt))
                for index, source in enumerate(sources)]
        rows = spark.createDataFrame(sc.union(rdds), PAPER_SCHEMA)
    else:
        bundled = [(p.id, 0, "bundled listing", n, dumps(p)) for n, p in enumerate(read_local_papers([], fmt))]
        rows = spark.createDataFrame(bundled, PAPER_SCHEMA)
    rows = rows.persist()
    with input_errors():
        empty = rows.where(F.col("paper").isNull())
        papers = rows.where(F.col("paper").isNotNull())
        first = Window.partitionBy("id").orderBy("source", "uri", "line")
        ranked = papers.withColumn("rank", F.row_number().over(first))
        kept = ranked.where(F.col("rank") == 1).select("id", "paper").persist()
        total, unique = papers.count(), kept.count()
        warn = warn or _log.warning
        if total > unique:
            duplicates = [r.id for r in ranked.where(F.col("rank") == 2).select("id")
                          .orderBy("id").limit(_LISTED + 1).collect()]
            warn(f"{_count(total - unique, 'duplicate id')} skipped (first kept): {_some(duplicates)}")
        empty_count = empty.count()
        if empty_count:
            where = [f"{r.uri}:{r.line}" for r in empty.orderBy("source", "uri", "line")
                     .limit(_LISTED + 1).collect()]
            warn(f"{_count(empty_count, 'record')} with neither title nor abstract skipped: {_some(where)}")
    rows.unpersist()
    if not unique:
        raise KgInputError(f"no papers found in {_some([str(s) for s in sources] or ['the bundled listing'])}")
    return kept


def _read_file(item: tuple[str, bytes], source: int, fmt: str | None) -> list[tuple]:
    """The rows of one input file, read by the kg.corpus reader of its format."""
    uri, data = item
    with tempfile.TemporaryDirectory(prefix="kg-spark-") as tmp:
        path = Path(tmp) / (PurePosixPath(urlparse(uri).path).name or "input")
        path.write_bytes(data)
        try:
            rows = []
            for record in READERS[fmt or detect_format(path)](path):
                paper = to_paper(record, path)
                rows.append((paper.id if paper else None, source, uri, record.line,
                             dumps(paper) if paper else None))
            return rows
        except KgInputError as err:
            raise KgInputError(str(err).replace(str(path), uri, 1)) from None


@contextmanager
def input_errors() -> Iterator[None]:
    """Re-raise a KgInputError raised in a task as itself, not as a Spark job failure."""
    try:
        yield
    except KgInputError:
        raise
    except Exception as err:
        found = _INPUT_ERROR.search(str(err))
        if found is None:
            raise
        raise KgInputError(found.group(1).strip()) from None


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _some(items: list[str]) -> str:
    return ", ".join(items[:_LISTED]) + (", ..." if len(items) > _LISTED else "")


# ---------------------------------------------------------------- Hadoop file system


class FileSystem:
    """The Hadoop file system of a URI (local paths included), through the driver's JVM."""

    def __init__(self, spark: SparkSession, uri: str) -> None:
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()
        self.fs = self.path(uri).getFileSystem(self._conf)

    def path(self, uri: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(uri)

    def write_text(self, uri: str, text: str) -> None:
        out = self.fs.create(self.path(uri), True)
        try:
            out.write(bytearray(text.encode("utf-8")))
        finally:
            out.close()

    def exists(self, uri: str) -> bool:
        return bool(self.fs.exists(self.path(uri)))

    def delete(self, uri: str) -> None:
        self.fs.delete(self.path(uri), True)

    def rename(self, source: str, target: str) -> None:
        if not self.fs.rename(self.path(source), self.path(target)):
            raise OSError(f"could not rename {source} to {target}")

    def size(self, uri: str) -> int:
        return int(self.fs.getContentSummary(self.path(uri)).getLength())

    def is_dir(self, uri: str) -> bool:
        return bool(self.fs.getFileStatus(self.path(uri)).isDirectory())

    def names(self, uri: str) -> list[str]:
        """The names of the entries of the directory `uri`."""
        return [str(status.getPath().getName()) for status in self.fs.listStatus(self.path(uri))]

    def local_path(self, uri: str) -> Path | None:
        """`uri` as an absolute local path, when it is on the local file system."""
        qualified = self.fs.makeQualified(self.path(uri)).toUri()
        return Path(str(qualified.getPath())) if str(qualified.getScheme()) == "file" else None


def list_files(spark: SparkSession, pattern: str) -> list[str]:
    """The files a path or glob names (a directory names the files in it)."""
    fs = FileSystem(spark, pattern)
    statuses = fs.fs.globStatus(fs.path(pattern)) or []
    files = []
    for status in statuses:
        if status.isDirectory():
            files += [str(s.getPath()) for s in fs.fs.listStatus(status.getPath()) if s.isFile()]
        else:
            files.append(str(status.getPath()))
    return sorted(files)


@contextmanager
def staged_output(spark: SparkSession, target: str, ours: Callable[[str], bool]) -> Iterator[str]:
    """Yield a staging directory URI beside `target`; on success it replaces `target`.

    An existing `target` is replaced only when every name in it is `ours` (an earlier output):
    replacing it deletes it whole, which for another directory would delete the rest (the
    input perhaps). Nor is the current directory, or one holding it, replaced."""
    target = target.rstrip("/")
    parent, _, name = target.rpartition("/")
    prefix = f"{parent}/" if parent or target.startswith("/") else ""
    staging, retired = f"{prefix}.{name}.kg-staging", f"{prefix}.{name}.kg-old"
    fs = FileSystem(spark, target)
    if fs.exists(target):
        check_replaceable(target, local=fs.local_path(target), is_dir=fs.is_dir(target),
                          names=lambda: fs.names(target), ours=ours, earlier="kg output")
    fs.delete(staging)
    try:
        yield staging
        if fs.exists(target):
            fs.delete(retired)
            fs.rename(target, retired)
        fs.rename(staging, target)
        fs.delete(retired)
    finally:
        fs.delete(staging)


def is_spark_file(name: str) -> bool:
    """A file Hadoop writes beside the parts: the _SUCCESS marker, a checksum (.NAME.crc)."""
    return name == "_SUCCESS" or (name.startswith(".") and name.endswith(".crc"))


def save_parts(lines: DataFrame, uri: str, partitions: int) -> None:
    """Write the `text` column of `lines` as ``part-NNNNN`` files under `uri`, rows sorted by
    `key` within each part and spread over `partitions` parts by a hash of `key`, so the
    same input and partition count give the same files."""
    ordered = lines.repartition(partitions, "key").sortWithinPartitions("key")
    ordered.select("text").rdd.map(lambda row: row[0]).saveAsTextFile(uri)
