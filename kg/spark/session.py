"""The SparkSession kg runs on, and the settings it relies on."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from kg.errors import KgInputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PARTITIONS_CONF = "spark.kg.partitions"
"""Partitions of the papers for extraction and of every output (default: 2 x the cluster's
default parallelism). Set it with ``--conf spark.kg.partitions=N``."""


def spark_session(conf: dict[str, str] | None = None) -> SparkSession:
    """The active session, else a new one from the environment (spark-submit's settings or,
    run from plain Python, local mode on every core) and `conf`.

    In local mode the Python workers run this interpreter, where kg is installed, unless
    PYSPARK_PYTHON names another; on a cluster that is the submitter's to set (docs/spark.md).
    """
    try:
        from pyspark import SparkConf
        from pyspark.sql import SparkSession
    except ImportError:
        raise KgInputError("--engine spark needs pyspark: pip install 'kg[spark]' "
                           "(and a Java runtime, 17 or later)") from None
    settings = {"spark.app.name": "kg", **(conf or {})}
    master = settings.get("spark.master") or SparkConf().get("spark.master", "local[*]")
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def partitions(spark: SparkSession) -> int:
    configured = spark.conf.get(PARTITIONS_CONF, None)
    if configured:
        return max(1, int(configured))
    return max(1, 2 * spark.sparkContext.defaultParallelism)
