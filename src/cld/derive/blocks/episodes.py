"""Episodes: rows of one kind (requests, ST-Max services) of one LA + person clustered in
time, with the outcome of the row that ends the episode.

The profile chooses how rows join (`Clustering`): against the previous row's end (LAG, as
NHSE's code) or the latest end so far (running maximum, as DHSC's), the gap in days, what an
open end means (today or 9999-01-01), and which end counts for the period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from cld.derive.blocks.short_term_params import Clustering

FAR_FUTURE = date(9999, 1, 1)
PERSON = ("la_code", "person_key")
# Row content that breaks ties after the dates and the outcome ranks (so the result never
# depends on the order rows arrive in).
# What a block does with an intermediate table it reads several times: `Inputs.stage`
# (computed once when the run caches) or, by default, nothing.
Stage = Callable[[ir.Table], ir.Table]


def as_is(t: ir.Table) -> ir.Table:
    return t


TIE_COLUMNS = ("event_outcome", "route_of_access", "service_type", "service_component",
               "delivery_mechanism", "assessment_type", "review_reason")


@dataclass(frozen=True)
class Episodes:
    """`episodes`: one row per episode: la_code, person_key, ep_key, ep_start, ep_end,
    ep_outcome and the columns of the row it ends on; `members`: ep_key, ident of each row
    clustered into an episode (also rows that do not decide its end)."""

    episodes: ir.Table
    members: ir.Table


def open_date(kind: str, today: date) -> ir.DateValue:
    return ibis.literal(today if kind == "today" else FAR_FUTURE, type="date")


def ident(t: ir.Table) -> ir.StringValue:
    """What identifies an event of a person once latest editions are kept: type, start and the
    type's key fields (route of access; service type and component)."""
    parts = [t.event_type, t.event_start.cast("string"), t.route_of_access, t.service_type,
             t.service_component, t.assessment_type, t.review_reason]
    return ibis.literal("|").join([p.cast("string").fill_null("") for p in parts])  # type: ignore[no-any-return]


def outcome_rank(outcome: ir.StringValue, rank: Sequence[str],
                 unusable: Sequence[str] = ()) -> ir.IntegerValue:
    """Position in the hierarchy (0 best); 99 for an outcome not in it or null; unusable
    outcomes 100 later (DHSC's penalty)."""
    pos = ibis.literal(99, type="int32")
    if rank:
        pos = outcome.substitute({v: i for i, v in enumerate(rank)}, else_=99).cast("int32")
    if unusable:
        pos = pos + ibis.ifelse(outcome.isin(list(unusable)), 100, 0)
    return pos.fill_null(99).cast("int32")  # type: ignore[no-any-return]


def tie_order(t: ir.Table) -> list[ir.Value]:
    return [t[c].fill_null("") for c in TIE_COLUMNS if c in t.columns]


def cluster(rows: ir.Table, c: Clustering, *, rank: Sequence[str], unusable: Sequence[str],
            today: date, period_start: date, period_end: date,
            stage: Stage = as_is) -> Episodes:
    """Cluster `rows` (one kind; prepared events with person_key and end_derived) into
    episodes ending in the period (the rest are not episodes of the period). `stage`: the
    clustered rows, which episodes and members both read."""
    open_end = open_date(c.open_end, today)
    t = rows.mutate(_end=rows.end_derived.fill_null(open_end),
                    _rank=outcome_rank(rows.event_outcome, rank, unusable),
                    ident=ident(rows))
    order = [t.event_start, t._end, t._rank, *tie_order(t)]
    if c.reference == "previous_end":
        ref = t._end.lag().over(group_by=list(PERSON), order_by=order)
    else:
        ref = t._end.max().over(ibis.window(group_by=list(PERSON), order_by=order,
                                            rows=(None, -1)))
    new = ref.isnull() | (t.event_start.delta(ref, unit="day") > c.gap_days)
    t = t.mutate(_new=new.cast("int32"))
    t = t.mutate(_cluster=t._new.sum().over(ibis.cumulative_window(
        group_by=list(PERSON), order_by=order)))
    group = [*PERSON, "_cluster"]
    p0 = ibis.literal(period_start, type="date")
    p1 = ibis.literal(period_end, type="date")
    if c.end_rule == "rows_in_period":
        counts = t.end_derived.notnull() & t.end_derived.between(p0, p1)
    else:
        counts = ibis.literal(True)
    t = t.mutate(_counts=counts)
    t = t.mutate(
        ep_start=t.event_start.min().over(group_by=group),
        ep_end=ibis.ifelse(t._counts, t._end, ibis.null("date")).max().over(group_by=group),
        _pick=ibis.row_number().over(group_by=group, order_by=[
            t._counts.desc(), t._end.desc(), t._rank, t.event_start.desc(),
            *(v.desc() for v in tie_order(t))]),
    )
    t = stage(t.mutate(ep_key=t.person_key + "@" + t.ep_start.cast("string")))
    members = t.select("la_code", "ep_key", "ident")
    eps = t.filter((t._pick == 0) & t.ep_end.notnull() & t.ep_end.between(p0, p1))
    eps = eps.mutate(ep_outcome=eps.event_outcome).drop(
        "_end", "_rank", "_new", "_cluster", "_counts", "_pick")
    members = members.semi_join(eps.select("la_code", "ep_key"), ["la_code", "ep_key"])
    return Episodes(eps, members)


def person_facts(events: ir.Table) -> ir.Table:
    """One row per LA + person: the latest date of birth and date of death given."""
    return events.group_by(list(PERSON)).aggregate(
        dob=events.date_of_birth.max(), dod=events.date_of_death.max())
