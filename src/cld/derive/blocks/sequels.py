"""What followed an episode (its sequel), by the profile's method, and the sequel's label in
a table.

`chain` (NHSE STS001/STS002a): the person's events starting on or after the episode end, in
start order; the first must start within `first_within_days` (an open one always counts, if
the profile says so), each next within `chain_gap_days` of the previous end; the chain stops
before a breaker (a Request for STS001, another ST-Max for STS002a). The best service of the
chain by the hierarchy is the sequel; else the final outcome of the latest-ending non-service
events (several different ones: NFA_TIE); else the episode's own outcome ("no chronology":
nothing followed; "out of scope": the first event was too late or a breaker; "no service
found": a chain with nothing usable).

`rules` (DHSC ASCOF 2A): the first of 1 death soon after, 2 admitted to hospital, 3 the best
service in the 7-day window, 4 the best usable outcome (episode, window, nested assessment or
review), 5 a nested equipment service, 6 the episode's own outcome (unable to classify).

Both return one row per episode: la_code, ep_key, sequel (a service type, an outcome or a
label of the profile), rule (the path that chose it), chained (false when the sequel is the
episode's own outcome for want of anything usable), sequel_start (start of the sequel
service, chain only).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from cld.derive.blocks.episodes import Episodes, Stage, as_is, ident, outcome_rank
from cld.derive.blocks.short_term_params import NFA_TIE, UNCLASSIFIED, Chain, Rules, Table

KEY = ("la_code", "ep_key")


def _events(events: ir.Table, open_end: ir.DateValue) -> ir.Table:
    return events.select(
        x_la=events.la_code, x_person=events.person_key, x_type=events.event_type,
        x_service=events.service_type, x_component=events.service_component,
        x_start=events.event_start, x_end=events.end_derived.fill_null(open_end),
        x_open=events.end_derived.isnull(), x_outcome=events.event_outcome,
        x_ident=ident(events))


def _episodes(eps: Episodes) -> ir.Table:
    return eps.episodes.select("la_code", "person_key", "ep_key", "ep_start", "ep_end",
                               "ep_outcome")


def _not_members(c: ir.Table, eps: Episodes) -> ir.Table:
    m = eps.members.select(m_la=eps.members.la_code, m_key=eps.members.ep_key,
                           m_ident=eps.members.ident)
    return c.anti_join(m, [c.la_code == m.m_la, c.ep_key == m.m_key, c.x_ident == m.m_ident])


def _rank_in(value: ir.StringValue, order: Sequence[str]) -> ir.IntegerValue:
    """Position of `value` in `order` (0 best), null when absent."""
    if not order:
        return ibis.null("int32")  # type: ignore[no-any-return]
    return ibis.cases(*((value == v, i) for i, v in enumerate(order))).cast("int32")  # type: ignore[no-any-return]


def _is(t: ir.Table, kinds: Sequence[str]) -> ir.BooleanValue:
    """An event of one of `kinds`: an event type, or a service type."""
    k = list(kinds)
    return t.x_type.isin(k) | ((t.x_type == "Service") & t.x_service.isin(k))  # type: ignore[no-any-return]


def _text(v: ir.StringValue) -> ir.StringValue:
    return v.fill_null("(none)")  # type: ignore[no-any-return]


def chain(eps: Episodes, events: ir.Table, cfg: Chain, *,
          open_end: ir.DateValue, stage: Stage = as_is) -> ir.Table:
    """`stage`: the candidate events of each episode (read four times)."""
    e = _episodes(eps)
    ev = _events(events, open_end)
    c = e.join(ev, [e.la_code == ev.x_la, e.person_key == ev.x_person,
                    ev.x_start >= e.ep_end])
    c = _not_members(c, eps)
    order = [c.x_start, c.x_end, c.x_ident]
    seq = ibis.row_number().over(group_by=list(KEY), order_by=order)
    prev = c.x_end.lag().over(group_by=list(KEY), order_by=order)
    first_ok = c.x_start.delta(c.ep_end, unit="day") <= cfg.first_within_days
    if cfg.open_first_in_scope:
        first_ok |= c.x_open
    brk = ibis.ifelse(seq == 0, ~first_ok,
                      c.x_start.delta(prev, unit="day") > cfg.chain_gap_days) | _is(
        c, cfg.breakers)
    c = c.mutate(_brk=brk.cast("int32"))
    c = c.mutate(_broken=c._brk.sum().over(ibis.cumulative_window(group_by=list(KEY),
                                                                  order_by=order)),
                 _svc=ibis.ifelse(c.x_type == "Service", _rank_in(c.x_service, cfg.services),
                                  ibis.null("int32")))
    c = stage(c)
    n_cand = c.group_by(list(KEY)).aggregate(n_cand=c.count())
    ch = c.filter(c._broken == 0)
    n_chain = ch.group_by(list(KEY)).aggregate(n_chain=ch.count())
    svc = ch.filter(ch._svc.notnull())
    svc = svc.mutate(_pick=ibis.row_number().over(
        group_by=list(KEY), order_by=[svc._svc, svc.x_start, svc.x_ident]))
    svc = svc.filter(svc._pick == 0).select(*KEY, s_type=svc.x_service, s_start=svc.x_start)
    fin = ch.filter(ch._svc.isnull() & ch.x_outcome.isin(list(cfg.final_outcomes)))
    fin = fin.mutate(_last=fin.x_end.max().over(group_by=list(KEY)))
    fin = fin.filter(fin.x_end == fin._last)
    fin = fin.group_by(list(KEY)).aggregate(n_out=fin.x_outcome.nunique(),
                                            f_out=fin.x_outcome.min())
    t = e
    for part in (n_cand, n_chain, svc, fin):
        t = t.left_join(part, list(KEY)).drop(*(f"{k}_right" for k in KEY))
    oc = _text(t.ep_outcome)
    sequel = ibis.cases(
        (t.s_type.notnull(), t.s_type),
        (t.n_out == 1, t.f_out),
        (t.n_out > 1, ibis.literal(NFA_TIE)),
        else_=t.ep_outcome,
    )
    rule = ibis.cases(
        (t.s_type.notnull(), "chain>service>" + t.s_type),
        (t.n_out == 1, "chain>outcome>" + t.f_out),
        (t.n_out > 1, ibis.literal("chain>several final outcomes>" + NFA_TIE)),
        (t.n_cand.isnull(), "no chronology>" + oc),
        (t.n_chain.isnull(), "out of scope>" + oc),
        else_="no service found>" + oc,
    )
    return t.select(*KEY, sequel=sequel, rule=rule,
                    chained=t.s_type.notnull() | t.n_out.notnull(), sequel_start=t.s_start)


def rules(eps: Episodes, events: ir.Table, facts: ir.Table, cfg: Rules, *,
          rank: Sequence[str], unusable: Sequence[str],
          open_end: ir.DateValue, stage: Stage = as_is) -> ir.Table:
    """DHSC's sequel rules 1-6; `facts`: la_code, person_key, dod (see person_facts).
    `stage`: the episodes, the events and the window, each read several times."""
    e = _episodes(eps)
    f = facts.select(f_la=facts.la_code, f_person=facts.person_key, dod=facts.dod)
    e = stage(e.left_join(f, [e.la_code == f.f_la, e.person_key == f.f_person]).drop(
        "f_la", "f_person"))
    ev = _events(events, open_end)
    usable = ev.x_outcome.notnull() & ~ev.x_outcome.isin(list(unusable) or [""])
    ev = stage(ev.mutate(_orank=ibis.ifelse(usable, outcome_rank(ev.x_outcome, rank),
                                            ibis.null("int32"))))

    # 3: the window (events at or after the first ST-Max in it are cut)
    w = e.join(ev, [e.la_code == ev.x_la, e.person_key == ev.x_person,
                    ev.x_start >= e.ep_start, ev.x_end > e.ep_end,
                    ev.x_start.delta(e.ep_end, unit="day") <= cfg.window_days])
    w = _not_members(w, eps)
    cut = ibis.ifelse(_is(w, cfg.cut_at), w.x_start, ibis.null("date"))
    w = w.mutate(_cut=cut.min().over(group_by=list(KEY)))
    w = stage(w.filter(w._cut.isnull() | (w.x_start < w._cut)))
    svc = w.filter((w.x_type == "Service") & w.x_service.isin(list(cfg.services)))
    svc = svc.mutate(_bed=svc.x_component.isin(list(cfg.bed_components)).fill_null(False))
    svc = svc.mutate(_pick=ibis.row_number().over(group_by=list(KEY), order_by=[
        _rank_in(svc.x_service, cfg.services), svc._bed.desc(), svc.x_start, svc.x_ident]))
    svc = svc.filter(svc._pick == 0)
    svc = svc.select(*KEY, s_type=ibis.ifelse(
        (svc.x_service == cfg.bed_service) & svc._bed, ibis.literal(cfg.bed_sequel),
        svc.x_service))

    # 4b: usable outcomes of the window's non-service events
    wo = w.filter((w.x_type != "Service") & w._orank.notnull()
                  & ~w.x_outcome.isin(list(cfg.window_excluded_outcomes) or [""]))
    wo = wo.mutate(_pick=ibis.row_number().over(group_by=list(KEY), order_by=[
        wo._orank, wo.x_start, wo.x_ident]))
    wo = wo.filter(wo._pick == 0).select(*KEY, b_out=wo.x_outcome, b_rank=wo._orank)

    # 4c: the latest nested assessment or review with a usable outcome
    n = e.join(ev, [e.la_code == ev.x_la, e.person_key == ev.x_person,
                    ev.x_type.isin(list(cfg.nested_types)), ev.x_start >= e.ep_start,
                    ~ev.x_open, ev.x_end <= e.ep_end,
                    e.ep_end.delta(ev.x_end, unit="day") < cfg.nested_within_days,
                    ev._orank.notnull()])
    n = n.mutate(_pick=ibis.row_number().over(group_by=list(KEY), order_by=[
        n.x_end.desc(), n._orank, n.x_ident]))
    n = n.filter(n._pick == 0).select(*KEY, c_out=n.x_outcome, c_rank=n._orank)

    # 5: a nested service (not ST-Max) with an equipment component
    q = e.join(ev, [e.la_code == ev.x_la, e.person_key == ev.x_person,
                    ev.x_type == "Service", ev.x_start >= e.ep_start,
                    ev.x_start <= e.ep_end,
                    ev.x_component.isin(list(cfg.equipment_components))])
    q = q.filter(~_is(q, cfg.cut_at))
    q = q.select(*KEY).distinct().mutate(equip=ibis.literal(True))

    t = e
    for part in (svc, wo, n, q):
        t = t.left_join(part, list(KEY)).drop(*(f"{k}_right" for k in KEY))
    ok_a = t.ep_outcome.notnull() & ~t.ep_outcome.isin(list(unusable) or [""])
    a_rank = ibis.ifelse(ok_a, outcome_rank(t.ep_outcome, rank), ibis.null("int32"))
    pick_a = a_rank.notnull() & (t.b_rank.isnull() | (a_rank <= t.b_rank)) & (
        t.c_rank.isnull() | (a_rank <= t.c_rank))
    pick_b = t.b_rank.notnull() & (t.c_rank.isnull() | (t.b_rank <= t.c_rank))
    died = t.dod.notnull() & (t.dod.delta(t.ep_end, unit="day") <= cfg.death_within_days)
    hospital = t.ep_outcome == cfg.hospital_outcome
    oc = _text(t.ep_outcome)
    sequel = ibis.cases(
        (died, ibis.literal(cfg.deceased_outcome)),
        (hospital, t.ep_outcome),
        (t.s_type.notnull(), t.s_type),
        (pick_a, t.ep_outcome),
        (pick_b, t.b_out),
        (t.c_rank.notnull(), t.c_out),
        (t.equip.notnull(), ibis.literal(cfg.equipment_sequel)),
        else_=t.ep_outcome,
    )
    rule = ibis.cases(
        (died, ibis.literal("1 death>" + cfg.deceased_outcome)),
        (hospital, "2 hospital>" + oc),
        (t.s_type.notnull(), "3 window>service>" + t.s_type),
        (pick_a, "4a outcome>episode>" + oc),
        (pick_b, "4b outcome>window>" + t.b_out),
        (t.c_rank.notnull(), "4c outcome>nested>" + t.c_out),
        (t.equip.notnull(), ibis.literal("5 nested equipment>" + cfg.equipment_sequel)),
        else_="6 unable to classify>" + oc,
    )
    chained = died | hospital | t.s_type.notnull() | pick_a | pick_b | t.c_rank.notnull() | (
        t.equip.notnull())
    return t.select(*KEY, sequel=sequel, rule=rule, chained=chained,
                    sequel_start=ibis.null("date"))


def category(seq: ir.Table, table: Table) -> ir.StringValue:
    """The table label of each sequel (`seq`: sequel, chained)."""
    mapped = seq.sequel.substitute(dict(table.categories), else_=UNCLASSIFIED)
    if table.unchained_maps == "all":
        ok = ibis.literal(True)
    else:
        ok = seq.chained | seq.sequel.isin(list(table.unchained_maps) or [""])
    return ibis.ifelse(ok.fill_null(False), mapped, UNCLASSIFIED).fill_null(UNCLASSIFIED)  # type: ignore[no-any-return]
