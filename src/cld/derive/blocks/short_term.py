"""The short-term cohorts the outputs share: new clients' request episodes with their
sequels (STS001), and ST-Max episodes with theirs (STS002a, ASCOF 2A), per the profile's
`short_term` section."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from cld.derive.blocks.episodes import Episodes, cluster, open_date, person_facts
from cld.derive.blocks.new_client import existing_only, new_only
from cld.derive.blocks.sequels import chain, rules
from cld.derive.blocks.short_term_params import Kind, ShortTerm
from cld.derive.registry import Inputs

SECTION = "short_term"
EXCLUDED_DOB = "Excluded: unknown date of birth"


def params(inputs: Inputs) -> ShortTerm:
    return inputs.profile.get(SECTION, ShortTerm)


COLUMNS = ("la_code", "person_key", "event_type", "event_start", "event_end", "end_derived",
           "event_outcome", "route_of_access", "assessment_type", "service_type",
           "service_component", "delivery_mechanism", "review_reason", "date_of_birth",
           "date_of_death")


def alive(inputs: Inputs) -> ir.Table:
    """Events (the columns these outputs read) of people not dead before the period starts."""
    return inputs.shared("short_term.alive", lambda: _alive(inputs))


def _alive(inputs: Inputs) -> ir.Table:
    ev = inputs.events.select(*COLUMNS)
    start = ibis.literal(inputs.period_start, type="date")
    return ev.filter(ev.date_of_death.isnull() | (ev.date_of_death >= start))


def episodes(rows: ir.Table, kind: Kind, inputs: Inputs) -> Episodes:
    p = params(inputs)
    return cluster(rows, kind.clustering, rank=p.outcome_rank, unusable=p.unusable_outcomes,
                   today=inputs.today, period_start=inputs.period_start,
                   period_end=inputs.period_end, stage=inputs.stage)


def with_sequels(eps: Episodes, events: ir.Table, kind: Kind, inputs: Inputs) -> ir.Table:
    """The episodes, their person facts (dob, dod) and sequel columns; episodes of people
    who died before the episode started are not in the cohort."""
    p = params(inputs)
    facts = person_facts(events)
    open_end = open_date(kind.clustering.open_end, inputs.today)
    if kind.sequel.method == "chain":
        seq = chain(eps, events, kind.sequel, open_end=open_end, stage=inputs.stage)
    else:
        seq = rules(eps, events, facts, kind.sequel, rank=p.outcome_rank,
                    unusable=p.unusable_outcomes, open_end=open_end, stage=inputs.stage)
    seq = inputs.stage(seq)
    t = eps.episodes.join(seq, ["la_code", "ep_key"])
    f = facts.select(f_la=facts.la_code, f_person=facts.person_key, dob=facts.dob,
                     dod=facts.dod)
    t = t.left_join(f, [t.la_code == f.f_la, t.person_key == f.f_person]).drop(
        "f_la", "f_person")
    return t.filter(t.dod.isnull() | (t.dod >= t.ep_start))


def request_sequels(inputs: Inputs) -> ir.Table:
    """New clients' request episodes ending in the period, with their sequels."""
    return inputs.shared("short_term.request_sequels", lambda: _request_sequels(inputs))


def _request_sequels(inputs: Inputs) -> ir.Table:
    p = params(inputs)
    ev = alive(inputs)
    eps = episodes(ev.filter(ev.event_type == "Request"), p.requests, inputs)
    eps = Episodes(inputs.stage(new_only(eps.episodes, ev, p.new_client)), eps.members)
    return with_sequels(eps, ev, p.requests, inputs)


def st_max_rows(inputs: Inputs) -> ir.Table:
    p = params(inputs)
    ev = alive(inputs)
    return ev.filter((ev.event_type == "Service")
                     & (ev.service_type == p.st_max.service_type))


def st_max_sequels(inputs: Inputs) -> ir.Table:
    """The STS002a / ASCOF 2A cohort of ST-Max episodes, with their sequels: the ST-Max rows
    that followed a new client's request (request_sequels), or every new client's ST-Max
    episode (new_clients)."""
    return inputs.shared("short_term.st_max_sequels", lambda: _st_max_sequels(inputs))


def _st_max_sequels(inputs: Inputs) -> ir.Table:
    p = params(inputs)
    ev = alive(inputs)
    rows = st_max_rows(inputs)
    if p.st_max.cohort == "request_sequels":
        r = request_sequels(inputs)
        r = r.filter((r.sequel == p.st_max.service_type) & r.sequel_start.notnull())
        keys = r.select(k_la=r.la_code, k_person=r.person_key, k_start=r.sequel_start)
        rows = rows.semi_join(keys.distinct(), [rows.la_code == keys.k_la,
                                                rows.person_key == keys.k_person,
                                                rows.event_start == keys.k_start])
        eps = episodes(rows, p.st_max, inputs)
    else:
        eps = episodes(rows, p.st_max, inputs)
        eps = Episodes(inputs.stage(new_only(eps.episodes, ev, p.new_client)), eps.members)
    return with_sequels(eps, ev, p.st_max, inputs)


def existing_st_max(inputs: Inputs) -> ir.Table:
    """Every ST-Max episode ending in the period whose start finds the person an existing
    client (STS002b), with the person's birth date."""
    return inputs.shared("short_term.existing_st_max", lambda: _existing_st_max(inputs))


def _existing_st_max(inputs: Inputs) -> ir.Table:
    p = params(inputs)
    ev = alive(inputs)
    eps = episodes(st_max_rows(inputs), p.st_max, inputs)
    t = existing_only(eps.episodes, ev, p.new_client)
    facts = person_facts(ev)
    f = facts.select(f_la=facts.la_code, f_person=facts.person_key, dob=facts.dob)
    return t.left_join(f, [t.la_code == f.f_la, t.person_key == f.f_person]).drop(
        "f_la", "f_person")
