"""Event editions: derived end date, the latest edition of each event, period filters."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.profile import Common
from cld.spec import load_spec


def derived_end(t: ir.Table) -> ir.DateValue:
    """A death inside an event ends it: the date of death when it falls between start and
    end, or after the start of an open event; otherwise the recorded end."""
    dod, start, end = t.date_of_death, t.event_start, t.event_end
    inside = dod.notnull() & (dod >= start) & (end.isnull() | (dod <= end))
    return ibis.ifelse(inside, dod, end)  # type: ignore[no-any-return]


def key_fields(event_type: str) -> tuple[str, ...]:
    """The type-specific fields that, with person, type and start, identify an event."""
    return load_spec().event_key_fields().get(event_type, ())


def latest_editions(t: ir.Table, common: Common) -> ir.Table:
    """One row per event for the profile's deduplicated types: the edition from the latest
    submission version, then an open edition over a closed one, then the latest end, then the
    latest row. The end date is not part of the identity, so a later closed edition
    supersedes an earlier open one. Needs `person_key`."""
    fields = sorted({f for e in common.dedupe_event_types for f in key_fields(e)})
    ident = [t.la_code, t.person_key, t.event_type, t.event_start]
    ident += [ibis.ifelse(t.event_type.isin(_types_with(common, f)), t[f], ibis.null("string"))
              for f in fields]
    order = []
    if "submission_version" in t.columns:
        order.append(t.submission_version.desc())
    order += [t.event_end.isnull().desc(), t.event_end.desc()]
    if "_row" in t.columns:
        order.append(t._row.desc())
    rank = ibis.row_number().over(group_by=ident, order_by=order)
    deduped = t.event_type.isin(list(common.dedupe_event_types))
    t = t.mutate(_edition=ibis.ifelse(deduped, rank, 0))
    return t.filter(t._edition == 0).drop("_edition")


def _types_with(common: Common, field: str) -> list[str]:
    return [e for e in common.dedupe_event_types if field in key_fields(e)]
