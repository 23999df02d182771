"""The one module that chooses and opens the analytical engine (an ibis backend).

The store's dataset functions and derive take the backend (or its tables) as a parameter;
only this module names one. DuckDB is the default; PySpark (the `spark` extra and a Java 17
runtime) runs the same ibis expressions on a Spark session, local here or a cluster's.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa
    from ibis.backends import BaseBackend

KINDS = ("duckdb", "pyspark")

# Spark settings that make a local session small and quiet, and make its semantics match
# DuckDB's where the derive code depends on them: UTC session time zone (dates never shift),
# ANSI mode (integer overflow and invalid casts are errors rather than silent nulls, as in
# DuckDB), and the proleptic Gregorian calendar for dates read from or written to Parquet.
SPARK_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.parquet.datetimeRebaseModeInRead": "CORRECTED",
    "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
    "spark.sql.parquet.int96RebaseModeInRead": "CORRECTED",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
# Only for a session this module starts itself (a cluster's session keeps its own sizing).
SPARK_LOCAL: dict[str, str] = {
    "spark.driver.memory": "1g",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.sql.adaptive.enabled": "true",
}


def connect(kind: str = "duckdb", *, memory_limit: str | None = None,
            threads: int | None = None, session: Any = None) -> BaseBackend:
    """An ibis backend of `kind` with explicit limits (env CLD_MEMORY_LIMIT, CLD_THREADS).

    pyspark: `session` (a SparkSession, e.g. a cluster's) or else a local one with
    `threads` cores (default 2) and `memory_limit` driver memory (default 1g)."""
    if kind not in KINDS:
        raise ValueError(f"unknown engine {kind!r} (known: {', '.join(KINDS)})")
    import ibis

    limit = memory_limit or os.environ.get("CLD_MEMORY_LIMIT")
    threads = threads or (int(os.environ["CLD_THREADS"]) if os.environ.get("CLD_THREADS")
                          else None)
    if kind == "pyspark":
        return _pyspark(session, limit, threads)
    config: dict[str, str | int] = {}
    if limit:
        config["memory_limit"] = limit
    if threads:
        config["threads"] = threads
    return ibis.duckdb.connect(**config)


def _pyspark(session: Any, memory: str | None, threads: int | None) -> BaseBackend:
    import ibis

    if session is None:
        session = local_spark_session(memory=memory, threads=threads)
    for key, value in SPARK_CONF.items():
        if not key.startswith("spark.ui."):  # fixed when the session started
            session.conf.set(key, value)
    return ibis.pyspark.connect(session)


def local_spark_session(*, memory: str | None = None, threads: int | None = None) -> Any:
    """A local SparkSession (local[threads], small driver memory, UI off, errors-only logs
    once started, warehouse in a temporary folder). Reuses the process's running session."""
    from pyspark.sql import SparkSession

    work = Path(tempfile.mkdtemp(prefix="cld-spark-"))
    builder = (SparkSession.builder.master(f"local[{threads or 2}]").appName("cld")
               .config("spark.sql.warehouse.dir", str(work / "warehouse"))
               .config("spark.local.dir", str(work / "tmp")))
    for key, value in {**SPARK_LOCAL, **SPARK_CONF}.items():
        builder = builder.config(key, value)
    if memory:
        builder = builder.config("spark.driver.memory", memory)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def put(con: BaseBackend, name: str, data: pa.Table | ir.Table) -> ir.Table:
    """`data` (an Arrow table, or an ibis table such as a memtable) as a temporary table or
    view `name` on `con`, for tests and small inputs; a national dataset is read where it
    lies with `con.read_parquet(path)` instead."""
    import ibis.expr.types as ir_types

    arrow = data.to_pyarrow() if isinstance(data, ir_types.Table) else data
    if con.name == "pyspark":
        session = con._session  # type: ignore[attr-defined]
        session.createDataFrame(arrow).createOrReplaceTempView(name)
        return con.table(name)
    # DuckDB: a view over the Arrow data (ibis 12's create_table from Arrow fails on DuckDB
    # 1.5: it drops the memtable's view with an empty name)
    con.con.register(name, arrow)  # type: ignore[attr-defined]
    return con.table(name)


def cache(t: ir.Table) -> ir.Table:
    """`t` computed once, as a temporary table on its backend, kept until the connection
    closes. On DuckDB a plain temporary table (ibis 12's `cache` finaliser fails to drop its
    table on DuckDB 1.5 and prints a traceback). On PySpark a local checkpoint, computed now
    (the in-memory tables `t` reads registered first): a query over it starts from the
    stored rows, so Spark never re-plans the query that made them (with ibis `cache`, a
    cached DataFrame, every later plan still carried it)."""
    import uuid

    backend = t._find_backend(use_default=True)
    name = f"cld_cache_{uuid.uuid4().hex}"
    if backend.name == "pyspark":
        backend._register_in_memory_tables(t)  # type: ignore[attr-defined]
        session = backend._session  # type: ignore[attr-defined]
        df = session.sql(backend.compile(t)).localCheckpoint(eager=True)
        df.createOrReplaceTempView(name)
        return backend.table(name)
    return backend.create_table(name, t, temp=True)
