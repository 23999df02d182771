"""New or existing client at the start of an episode (rule D of the profile).

Existing: a long-term service of the same LA + person started before the episode's start
(or on that day, per `lts_started`) and is open, or ends later, or ended fewer than
`ended_within_days` days before it. NHSE: the start falls inside an LTS (`on_or_before`, 1
day: end >= start). DHSC 2A: an LTS started before and ended < 91 days before.
"""

from __future__ import annotations

import ibis.expr.types as ir

from cld.derive.blocks.short_term_params import NewClient


def with_existing(eps: ir.Table, events: ir.Table, rule: NewClient) -> ir.Table:
    """`eps` (la_code, person_key, ep_key, ep_start) plus `existing` (bool)."""
    lts = events.filter((events.event_type == "Service")
                        & events.service_type.isin(list(rule.lts_service_types)))
    lts = lts.select(l_la=lts.la_code, l_person=lts.person_key, l_start=lts.event_start,
                     l_end=lts.end_derived)
    e = eps.select("la_code", "ep_key", "person_key", "ep_start")
    started = (lts.l_start < e.ep_start if rule.lts_started == "before"
               else lts.l_start <= e.ep_start)
    recent = lts.l_end.isnull() | (e.ep_start.delta(lts.l_end, unit="day")
                                   < rule.ended_within_days)
    hits = e.join(lts, [e.la_code == lts.l_la, e.person_key == lts.l_person, started, recent])
    hits = hits.select(x_la=hits.la_code, x_key=hits.ep_key).distinct()
    j = eps.left_join(hits, [eps.la_code == hits.x_la, eps.ep_key == hits.x_key])
    return j.mutate(existing=j.x_key.notnull()).drop("x_la", "x_key")


def new_only(eps: ir.Table, events: ir.Table, rule: NewClient) -> ir.Table:
    t = with_existing(eps, events, rule)
    return t.filter(~t.existing).drop("existing")


def existing_only(eps: ir.Table, events: ir.Table, rule: NewClient) -> ir.Table:
    t = with_existing(eps, events, rule)
    return t.filter(t.existing).drop("existing")

