"""A cumulative series: the submissions an LA would send at each period end of one year.

Generate the whole year once, then cut it at each period end: events that had not started
are left out; events (and lives) that ended later are still open then. So the same events
recur across the series with the same Event Reference, as real resubmissions do.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from cld.spec import load_spec
from cld.synth.frame import SynthResult


def cut(result: SynthResult, period_end: date) -> SynthResult:
    """The cumulative submission of a (clean) full-period `result` as at `period_end`."""
    if result.manifest:
        raise ValueError("cut a clean result (defects=0): injected defects do not survive it")
    spec = load_spec()
    name = {i.id: i.name for i in spec.items}

    def day(item: str) -> pl.Expr:
        return pl.col(name[item]).str.strptime(pl.Date, "%d/%m/%Y", strict=False)

    later = day("event_end") > period_end
    died_later = day("date_of_death") > period_end
    rows = (result.rows.filter(day("event_start") <= period_end)
            .with_columns(
                pl.when(later).then(pl.lit("")).otherwise(pl.col(name[c])).alias(name[c])
                for c in ("event_end", "event_outcome", "review_outcomes"))
            .with_columns(
                pl.when(died_later).then(pl.lit("")).otherwise(pl.col(name["date_of_death"]))
                .alias(name["date_of_death"]),
                pl.lit(period_end.strftime("%d/%m/%Y")).alias(name["period_end"])))
    start = result.period[0] if result.period else None
    return replace(result, rows=rows, manifest=[], meta={},
                   period=(start, period_end) if start else None)
