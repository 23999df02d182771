"""Normalised events of one submission: written by validation's `Prepared` handle.

The store no longer writes SQL against validation's views. After `validate()`, call
`result.prepared.write_events(path)` and `result.prepared.derived_period(received)`
(`cld.validation.prepared.Prepared`). The names below are kept for callers written before the
handle existed; new code should use the handle.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from cld.spec import Spec, load_spec
from cld.validation.prepared import EventsWritten, Prepared

# Type-specific fields that, with person, event type and start date, identify an event
# (defined once in the specification's groups `event_key_<type>`).
KEY_FIELDS: dict[str, tuple[str, ...]] = load_spec().event_key_fields()

__all__ = ["KEY_FIELDS", "EventsWritten", "derived_period", "write_events"]


def write_events(con: duckdb.DuckDBPyConnection, spec: Spec, present: set[str],
                 path: Path) -> EventsWritten:
    """Deprecated: `Prepared(con, spec, frozenset(present)).write_events(path)`, or better
    `result.prepared.write_events(path)` on the result of `validate(..., con=con)`."""
    return Prepared(con, spec, frozenset(present)).write_events(path)


def derived_period(con: duckdb.DuckDBPyConnection, received: date,
                   present: set[str]) -> tuple[date, date] | None:
    """Deprecated: `result.prepared.derived_period(received)`."""
    return Prepared(con, load_spec(), frozenset(present)).derived_period(received)
