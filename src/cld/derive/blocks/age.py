"""Age at a date of interest, and the age bands each output uses."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from cld.derive.profile import AgeBand, Common

UNKNOWN = "Unknown"


def birth_date(t: ir.Table, common: Common) -> ir.DateValue:
    """The date of birth the profile counts from: the 1st of the birth month (as the public
    code does on pseudonymised data) or the full date; from `birth_year`/`birth_month` when
    the table has only those."""
    if "date_of_birth" in t.columns:
        dob = t.date_of_birth.cast("date")
        return dob.truncate("M") if common.dob_precision == "month" else dob  # type: ignore[no-any-return]
    return ibis.date(t.birth_year.cast("int32"), t.birth_month.cast("int32"), 1)  # type: ignore[no-any-return]


def age_at(t: ir.Table, day: ir.DateValue, common: Common) -> ir.IntegerValue:
    """floor(days from birth to `day` / days_per_year); null when the birth date is unknown."""
    days = day.delta(birth_date(t, common), unit="day")
    return (days / common.days_per_year).floor().cast("int32")  # type: ignore[no-any-return]


def band(age: ir.IntegerValue, bands: Sequence[AgeBand]) -> ir.StringValue:
    """The label of the first band holding `age`; "Unknown" for a null or unbanded age."""
    branches = []
    for b in bands:
        cond = age.notnull()
        if b.min is not None:
            cond &= age >= b.min
        if b.max is not None:
            cond &= age <= b.max
        branches.append((cond, b.label))
    return ibis.cases(*branches, else_=UNKNOWN)  # type: ignore[no-any-return]
