"""NHS number tracing against a demographic register, in PDS's steps.

`trace(con, requests, register)` takes requests shaped as `cld.privacy.schema.REQUEST_SCHEMA`
and a register as `read_register` returns it, and gives one result row per request
(`RESULT_SCHEMA`), the ambiguous requests' candidates for review, and counts. Steps (see
docs/tracing.md): cross-check (type 1), alphanumeric (type 3), algorithmic with Splink
(type 4); each request is decided by the first step that decides it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cld.privacy.schema import RESULT_SCHEMA
from cld.privacy.tracing.config import TracingConfig, load_config
from cld.privacy.tracing.register import RegisterError, read_register

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

__all__ = ["REVIEW_SCHEMA", "RegisterError", "Traced", "TracingConfig", "load_config",
           "read_register", "trace"]

REVIEW_SCHEMA = pa.schema([
    ("la_code", pa.string()), ("submission_id", pa.int64()), ("person_id", pa.string()),
    ("step", pa.string()), ("candidate_nhs_number", pa.string()),
    ("match_weight", pa.float64()),
])
_runs = itertools.count()


@dataclass(frozen=True)
class Traced:
    results: pa.Table  # RESULT_SCHEMA, one row per request, in request order
    review: pa.Table  # REVIEW_SCHEMA: each ambiguous request's candidates
    stats: dict[str, Any] = field(default_factory=dict)


def trace(con: BaseBackend, requests: ir.Table, register: ir.Table,
          config: TracingConfig | None = None) -> Traced:
    from cld.privacy.tracing.deterministic import alphanumeric, cross_check
    from cld.privacy.tracing.outcome import outcome
    from cld.privacy.tracing.prepare import prepare
    from cld.privacy.tracing.probabilistic import score

    cfg = config or load_config()
    p = f"_cld_trace_{next(_runs)}"
    raw = prepare(con, p, requests, register)
    try:
        cross_check(raw, p)
        alphanumeric(raw, p)
        pairs = score(raw, p, cfg.probabilistic)
        results, review, stats = outcome(raw, p)
    finally:
        for (name,) in raw.execute("SELECT table_name FROM duckdb_tables() WHERE temporary "
                                   f"AND starts_with(table_name, '{p}_')").fetchall():
            raw.execute(f"DROP TABLE IF EXISTS {name}")
    stats["blocking_comparisons"] = sum(pairs)
    stats["blocking_comparisons_per_rule"] = dict(zip(cfg.probabilistic.blocking_rules, pairs,
                                                      strict=True))
    stats["config_version"] = cfg.version
    return Traced(results.cast(RESULT_SCHEMA), review.cast(REVIEW_SCHEMA), stats)
