"""The SparkSession kg runs on, and the settings it relies on."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KgInputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
"""Spark's log settings when kg starts it: errors only, without the failed tasks' traces that
kg's one-line error for a bad input would otherwise follow."""
PARTITIONS_CONF = "spark.kg.partitions"
"""Partitions of the papers for extraction and of every output (default: 2 x the cluster's
default parallelism). Set it with ``--conf spark.kg.partitions=N``."""


def spark_session(conf: dict[str, str] | None = None) -> SparkSession:
    """The active session, else a new one from the environment (spark-submit's settings or,
    run from plain Python, local mode on every core) and `conf`.

    In local mode the Python workers run this interpreter, where kg is installed, unless
    PYSPARK_PYTHON names another; on a cluster that is the submitter's to set (docs/spark.md).
    In local mode Spark also logs to the console as LOG_CONFIG says, unless `conf` sets the
    driver's Java options, and shows its progress bar only on a terminal (elsewhere its
    carriage returns would run into the next line, e.g. kg's error).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise KgInputError("--engine spark needs pyspark: pip install '.[spark]' in kg's checkout "
                           "(and a Java runtime, 17 or later)") from None
    settings = {"spark.app.name": "kg", **(conf or {})}
    if _runs_locally(settings):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        settings.setdefault("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}")
        settings.setdefault("spark.ui.showConsoleProgress", str(sys.stderr.isatty()).lower())
    builder = SparkSession.builder
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except RuntimeError as err:  # pyspark's PySparkRuntimeError when the JVM does not start
        if "JAVA_GATEWAY_EXITED" not in str(err):
            raise
        raise KgInputError("--engine spark could not start Java: install a Java runtime, 17 or later, "
                           "and put it on PATH or set JAVA_HOME") from None


def _runs_locally(settings: dict[str, str]) -> bool:
    """Whether the session this process starts is in local mode: not launched by spark-submit
    (which sets PYSPARK_GATEWAY_PORT), and no non-local master in `settings` or in
    PYSPARK_SUBMIT_ARGS."""
    if "PYSPARK_GATEWAY_PORT" in os.environ:
        return False
    submit_args = os.environ.get("PYSPARK_SUBMIT_ARGS", "").split()
    master = settings.get("spark.master")
    if master is None and "--master" in submit_args[:-1]:
        master = submit_args[submit_args.index("--master") + 1]
    return (master or "local").startswith("local")


def partitions(spark: SparkSession) -> int:
    configured = spark.conf.get(PARTITIONS_CONF, None)
    if configured:
        return max(1, int(configured))
    return max(1, 2 * spark.sparkContext.defaultParallelism)
