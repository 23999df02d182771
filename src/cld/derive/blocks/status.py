"""The last known status of a person (accommodation, employment, gender, PSR …), per profile.

A person's rows are narrowed by the profile's ordering keys, one after another, to the rows
tied at the top; one distinct value there is the status, several are a conflict (the list's
unknown value). The keys:

- `known`: a valid known value over the list's unknown value over a null or invalid one;
- `latest_start`: the latest event start;
- `latest_end`: the latest derived end (an open event ends last).

NHS England's SALT replication (LTS004, ASCOF 2E) orders [latest_start, known]: the row with
the latest event start, then a known status. DHSC's person-details table orders [known,
latest_end, latest_start]. A null or invalid value keeps its own label, never dropped.

DHSC also infers an accommodation still unknown from the person's latest service
(`infer_from_latest_service`): e.g. a community home-support service gives "Unknown: Presumed
at home". ibis only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

import ibis
import ibis.expr.types as ir

OrderKey = Literal["known", "latest_start", "latest_end"]
PERSON = ("la_code", "person_key")
FAR = date(9999, 12, 31)  # an open event ends after any recorded end
EARLY = date(1, 1, 1)  # a missing start sorts before any recorded start
NO_RANK = 99  # a service whose setting is not in the hierarchy


def last_known(t: ir.Table, column: str, *, valid: Sequence[str], unknown: Sequence[str],
               order: Sequence[OrderKey], invalid_label: str,
               by: Sequence[str] = PERSON) -> ir.Table:
    """One row per person (`by`): `status` and `status_rule` ("known", "unknown", "invalid",
    or "conflict" when distinct values tie at the top; a conflict's status is the first
    `unknown` value). `valid` are the list's values (the unknown ones included); any other
    value, or none, is labelled `invalid_label`. Needs `event_start` and `end_derived`."""
    if not unknown:
        raise ValueError(f"{column}: the list's unknown value is needed for conflicts")
    t = t.select(*by, "event_start", "end_derived", column)
    v = t[column].cast("string")
    t = t.mutate(
        _label=ibis.ifelse(v.isin(list(valid)), v, ibis.literal(invalid_label)),
        _known=ibis.cases((v.isin(list(unknown)), 1), (v.isin(list(valid)), 0), else_=2),
        _start=t.event_start.cast("date").fill_null(ibis.literal(EARLY, type="date")),
        _end=t.end_derived.cast("date").fill_null(ibis.literal(FAR, type="date")),
    )
    w = ibis.window(group_by=list(by))
    for key in order:
        if key == "known":
            t = t.mutate(_best=t._known.min().over(w))
            t = t.filter(t._known == t._best)
        elif key == "latest_start":
            t = t.mutate(_bestd=t._start.max().over(w))
            t = t.filter(t._start == t._bestd)
        elif key == "latest_end":
            t = t.mutate(_bestd=t._end.max().over(w))
            t = t.filter(t._end == t._bestd)
        else:  # pragma: no cover - the profile model admits only the keys above
            raise ValueError(f"unknown ordering key {key!r}")
    agg = t.group_by(list(by)).aggregate(_n=t._label.nunique(), _value=t._label.max(),
                                         _k=t._known.min())
    conflict = agg._n > 1
    return agg.select(
        *by,
        status=ibis.ifelse(conflict, ibis.literal(unknown[0]), agg._value),
        status_rule=ibis.cases((conflict, "conflict"), (agg._k == 0, "known"),
                               (agg._k == 1, "unknown"), else_="invalid"),
    )


def setting(t: ir.Table, settings: Sequence[tuple[str, int, str, Sequence[str]]]
            ) -> tuple[ir.StringValue, ir.IntegerValue]:
    """The setting label and hierarchy rank of each service row: the first of `settings`
    (label, rank, service type, delivery mechanisms or none for any) that matches; null and
    NO_RANK otherwise."""
    label_cases, rank_cases = [], []
    for label, rank, service_type, mechanisms in settings:
        cond = t.service_type == service_type
        if mechanisms:
            cond &= t.delivery_mechanism.isin(list(mechanisms))
        label_cases.append((cond, label))
        rank_cases.append((cond, rank))
    return (ibis.cases(*label_cases, else_=ibis.null("string")),  # type: ignore[return-value]
            ibis.cases(*rank_cases, else_=NO_RANK))


def infer_from_latest_service(services: ir.Table,
                              rules: Sequence[tuple[Sequence[str], Sequence[str], str]],
                              by: Sequence[str] = PERSON) -> ir.Table:
    """DHSC's accommodation from the person's latest service: one row per person (`by`) with
    `inferred` (the value of the first rule (settings, components, value) that the latest
    service matches; an empty tuple matches any) or null, and `inferred_from` (the setting and
    component it came from). The latest service: the latest derived end (open last), then the
    best setting rank, then a component some rule names, then the latest start.
    `services` needs `_setting`, `_rank`, `service_component`, `event_start`, `end_derived`."""
    comp = services.service_component
    value_cases = []
    for settings, components, value in rules:
        cond = ibis.literal(True)
        if settings:
            cond &= services._setting.isin(list(settings))
        if components:
            cond &= comp.isin(list(components))
        value_cases.append((cond, value))
    named = sorted({c for _, components, _ in rules for c in components})
    t = services.mutate(
        _inferred=ibis.cases(*value_cases, else_=ibis.null("string")) if value_cases
        else ibis.null("string"),
        _mappable=ibis.ifelse(comp.isin(named), 0, 1) if named else ibis.literal(1),
        _end=services.end_derived.cast("date").fill_null(ibis.literal(FAR, type="date")),
        _start=services.event_start.cast("date").fill_null(ibis.literal(EARLY, type="date")),
    )
    order = [t._end.desc(), t._rank.asc(), t._mappable.asc(), t._start.desc(),
             t._inferred.asc(nulls_first=False), t._setting.asc(),
             t.service_component.asc()]
    t = t.mutate(_n=ibis.row_number().over(group_by=list(by), order_by=order))
    t = t.filter(t._n == 0)
    return t.select(*by, inferred=t._inferred,
                    inferred_from=(t._setting.fill_null("other service") + ":"
                                   + t.service_component.cast("string").fill_null("no component")))
