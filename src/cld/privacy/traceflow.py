"""Trace one LA's counting submission and store the result beside it.

    requests = requests_for(con, store, "503", "2020/21")     # REQUEST_SCHEMA, one per person
    outcome = trace_submission(store, "503", "2020/21", "register.csv")

The matcher (`cld.privacy.tracing.trace`) and the register reader
(`cld.privacy.tracing.read_register`) are parameters, imported only when not given.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend
from ibis.common.exceptions import IbisError

from cld.engines import connect
from cld.errors import CldError, UnknownLA
from cld.privacy.schema import REQUEST_SCHEMA, RESULT_SCHEMA
from cld.store.core import Store
from cld.store.files import first_line, sha256_file
from cld.store.years import parse_year

Matcher = Callable[..., Any]  # (con, requests, register, config=None) -> Traced
RegisterReader = Callable[[BaseBackend, Path], ir.Table]


class TraceError(CldError):
    """Tracing could not be done; nothing was stored."""


@dataclass
class TraceOutcome:
    trace: Any  # the stored Trace row
    counts: dict[str, int]  # people per action
    stats: dict[str, Any] = field(default_factory=dict)


def counting_submission(store: Store, la: str, year: str,
                        as_of: date | datetime | None = None) -> Any:
    """The LA's submission that counts for `year` (as of `as_of`), or a TraceError."""
    from cld.spec.register import register_for
    from cld.store.dataset import counting

    label = parse_year(year).label
    if la not in register_for(label):
        raise UnknownLA(f"{la!r} is not an LA code in the register for {label}")
    store.year(label)  # "nothing has been submitted for ... yet"
    subs = counting(store, label, as_of, la)
    if not subs:
        raise TraceError(f"{la} has no accepted submission for {label} to trace")
    return subs[0]


def requests_for(con: BaseBackend, store: Store, la: str, year: str,
                 as_of: date | datetime | None = None, submission: Any = None) -> ir.Table:
    """One REQUEST_SCHEMA row per person of the LA's counting submission (or `submission`):
    the values of the person's latest event (by event start, then row of the file)."""
    sub = submission or counting_submission(store, la, year, as_of)
    t = con.read_parquet(str(store.path(sub.folder) / "events.parquet"))
    w = ibis.window(group_by=t.person_id,
                    order_by=[t.event_start.desc(nulls_first=False), t["_row"].desc()])
    t = t.filter(t.person_id.notnull())
    t = t.mutate(_rank=ibis.row_number().over(w)).filter(lambda x: x._rank == 0)
    cols: dict[str, Any] = {"la_code": ibis.literal(sub.la_id),
                            "submission_id": ibis.literal(sub.pk, "int64")}
    for f in REQUEST_SCHEMA:
        if f.name in cols:
            continue
        typ = "date" if pa.types.is_date(f.type) else "string"
        cols[f.name] = t[f.name].cast(typ) if f.name in t.columns else ibis.null(typ)
    return t.select(**cols).order_by("person_id")


def _results(traced: Any, requests: int) -> pa.Table:
    try:
        results = traced.results.select(RESULT_SCHEMA.names).cast(RESULT_SCHEMA)
    except (KeyError, ValueError, pa.ArrowInvalid, AttributeError) as exc:
        raise TraceError(f"the matcher's results are not in the result shape "
                         f"({first_line(exc)}): nothing was stored") from None
    if results.num_rows != requests:
        raise TraceError(f"the matcher gave {results.num_rows:,} results for {requests:,} "
                         "people: nothing was stored")
    return results


def trace_submission(store: Store, la: str, year: str, register_path: str | Path, *,
                     matcher: Matcher | None = None, reader: RegisterReader | None = None,
                     config: Any = None, by: str | None = None,
                     as_of: date | datetime | None = None,
                     backend: BaseBackend | None = None) -> TraceOutcome:
    """Trace the people of `la`'s counting submission for `year` against the register at
    `register_path` and store the result as the submission's next trace."""
    from cld.store.traces import TraceSource, save_trace

    sub = counting_submission(store, la, year, as_of)
    path = Path(register_path)
    if not path.is_file():
        raise TraceError(f"{path}: no such register file", hint="give the register's path")
    if matcher is None or reader is None:
        try:
            tracing = importlib.import_module("cld.privacy.tracing")
        except ModuleNotFoundError:
            raise TraceError("tracing against a register is not installed in this "
                             "version of cld", hint="trace through PDS MESH instead") from None
        matcher = matcher or tracing.trace
        reader = reader or tracing.read_register
    con = backend or connect()
    try:
        sha = sha256_file(path)
        register = reader(con, path)
        requests = requests_for(con, store, la, year, submission=sub)
        n = int(requests.count().to_pyarrow().as_py())
        traced = matcher(con, requests, register, config)
    except CldError:
        raise
    except (OSError, duckdb.Error, IbisError):  # their text may quote a record: not shown
        raise TraceError(f"{path}: the register cannot be read as a register file: "
                         "nothing was stored") from None
    results = _results(traced, n)
    stats = dict(getattr(traced, "stats", {}) or {})
    source = TraceSource("register", path.name, sha, str(stats.get("config_version", "")))
    review = getattr(traced, "review", None)
    row = save_trace(store, sub, results, source, review=review, by=by)
    return TraceOutcome(row, json.loads(row.counts), stats)


def register_path(store: Store, given: str | Path | None) -> Path:
    """The register to trace against: `given`, else store.yaml's `tracing: register:`
    (relative to the store folder)."""
    if given is not None:
        return Path(given)
    configured = store.settings.tracing.register_path
    if not configured:
        raise TraceError("no register to trace against was given, and the store's settings "
                         f"({store.root / 'store.yaml'}) name none",
                         hint="give the register file, or set `tracing: register: PATH` in "
                              "store.yaml")
    path = Path(configured)
    return path if path.is_absolute() else store.root / path
