"""The combined person key, per the profile's rule; rows without one are counted, not lost."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.profile import Common


def nhs(t: ir.Table) -> ir.StringValue:
    """The traced NHS number where tracing gave one, else none (before tracing: the LA's)."""
    if "nhs_number_traced" in t.columns:
        return t.nhs_number_traced.cast("string")  # type: ignore[no-any-return]
    return t.nhs_number.cast("string")  # type: ignore[no-any-return]


def with_person_key(t: ir.Table, common: Common) -> ir.Table:
    """Add `person_key` ('N:' + NHS number, or 'L:' + LA code + ':' + LA person id) and
    `key_dropped` (true where the profile's rule gives no key; such rows get a null key).

    nhse_hybrid: the NHS number; else the LA person id, but only if that id never appears
    with an NHS number in the table (same LA); else no key.
    dhsc_combined: the traced NHS number, else the LA's NHS number, else the LA person id.
    """
    number = nhs(t)
    local = ibis.literal("L:") + t.la_code.cast("string") + ":" + t.person_id.cast("string")
    if common.person_key == "dhsc_combined":
        lanhs = t.nhs_number.cast("string")
        key = ibis.coalesce("N:" + number, "N:" + lanhs,
                            ibis.ifelse(t.person_id.isnull(), ibis.null("string"), local))
    else:
        linked = (t.filter(number.notnull() & t.person_id.notnull())
                  .select(l_la=t.la_code, l_pid=t.person_id).distinct())
        j = t.left_join(linked, [t.la_code == linked.l_la, t.person_id == linked.l_pid])
        t = j.select(*t.columns, _linked=j.l_pid.notnull())
        number = nhs(t)
        local = ibis.literal("L:") + t.la_code.cast("string") + ":" + t.person_id.cast("string")
        key = ibis.cases(
            (number.notnull(), "N:" + number),
            (t.person_id.notnull() & ~t._linked, local),
            else_=ibis.null("string"),
        )
        return t.mutate(person_key=key, key_dropped=key.isnull()).drop("_linked")
    return t.mutate(person_key=key, key_dropped=key.isnull())
