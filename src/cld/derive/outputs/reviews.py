"""Reviews of long-term support (SALT LTS002a and LTS002b share this; the NHSD method is an
approach only, anchors §2.1): table 1, unplanned reviews by the significant event (the Review
Reason) and the person's top setting; table 2, planned reviews of people in community support
whose outcome progressed them to further support, by whether a care-home admission followed
(a Nursing or Residential service starting after the review end, within the period). A
review's setting is that of the best-ranked cohort service ongoing at its start (else the
person's top setting in the cohort)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import ibis
import ibis.expr.types as ir

from cld.derive.blocks.hierarchy import label, top, with_rank
from cld.derive.outputs.long_term import (
    REASON_LABELS,
    REVIEW_SETTING_LABELS,
    SEQUEL_LABELS,
    settings,
)
from cld.derive.registry import Inputs

CANNOT = (
    "Method of Review (service user only / with carer): CLD v4.2 has no such item, so every "
    "review of a person in the cohort counts",
    "Level of long-term support increased / decreased: CLD records no level of support",
    "Long-term support temporarily suspended: CLD records no suspension",
)
Cohort = Callable[[Inputs], ir.Table]


def reviews(inputs: Inputs, cohort: Cohort) -> ir.Table:
    """Reviews ending in the period of people in the cohort, with `review_setting`: the
    column label of the best-ranked cohort service ongoing at the review's start, else of the
    person's top setting in the cohort; `review_unit`: the review's key. Built once per run
    and cohort (tables 1 and 2 both start from it)."""
    return inputs.shared(("reviews", cohort), lambda: _reviews(inputs, cohort))


def _reviews(inputs: Inputs, cohort: Cohort) -> ir.Table:
    lt = settings(inputs)
    rows = cohort(inputs)
    p = top(rows).rename(p_rank="lt_rank")
    t = inputs.events
    start = ibis.literal(inputs.period_start, type="date")
    end = ibis.literal(inputs.period_end, type="date")
    t = t.filter((t.event_type == "Review") & t.end_derived.notnull()
                 & (t.end_derived >= start) & (t.end_derived <= end))
    t = t.join(p, ["la_code", "person_key"])
    t = t.mutate(review_unit=t.person_key + "|" + t.event_start.cast("string") + "|"
                 + t.event_key.cast("string").fill_null(t._row.cast("string")))
    o = rows.select(o_la=rows.la_code, o_person=rows.person_key, o_start=rows.event_start,
                    o_end=rows.end_derived, o_rank=rows.lt_rank)
    # an open end as a far date, not `IS NULL OR`: an OR makes DuckDB join nested-loop
    open_end = o.o_end.fill_null(ibis.literal(date(9999, 12, 31), type="date"))
    j = t.left_join(o, [t.la_code == o.o_la, t.person_key == o.o_person,
                        o.o_start <= t.event_start, open_end >= t.event_start])
    at = j.group_by(["la_code", "review_unit"]).aggregate(at_rank=j.o_rank.min())
    t = t.join(at, ["la_code", "review_unit"])
    setting = label(ibis.coalesce(t.at_rank, t.p_rank), lt.hierarchy, "setting")
    col = ibis.cases(*((setting == k, v) for k, v in lt.reviews.settings.items()),
                     else_=ibis.null("string"))
    return t.mutate(review_setting=col)


def unplanned(code: str, cohort: Cohort) -> Callable[[Inputs], ir.Table]:
    def build(inputs: Inputs) -> ir.Table:
        lt = settings(inputs)
        t = reviews(inputs, cohort)
        t = t.filter(t.review_reason.isin(list(lt.reviews.unplanned)))
        reason = t.review_reason.substitute(dict(lt.reviews.unplanned))
        rule = (ibis.literal(f"{code}>unplanned>") + t.review_setting + ">" + reason)
        return t.select(la_code=t.la_code, unit=t.review_unit, reason=reason,
                        setting=t.review_setting, rule=rule, value=ibis.literal(1, "int64"))
    return build


def planned(code: str, cohort: Cohort) -> Callable[[Inputs], ir.Table]:
    def build(inputs: Inputs) -> ir.Table:
        lt = settings(inputs)
        r = lt.reviews
        t = reviews(inputs, cohort)
        t = t.filter(t.review_reason.isin(list(r.planned))
                     & (t.review_setting == r.settings["Community"])
                     & t.event_outcome.isin(list(r.planned_outcomes)))
        s = inputs.events
        s = with_rank(s.filter(s.event_type == "Service"), lt.hierarchy)
        ranks = [x.rank for x in lt.hierarchy.rules if x.setting in r.admission_settings]
        end = ibis.literal(inputs.period_end, type="date")
        s = s.filter(s.lt_rank.isin(ranks) & (s.event_start <= end)).select(
            a_la=s.la_code, a_person=s.person_key, a_start=s.event_start)
        j = t.left_join(s, [t.la_code == s.a_la, t.person_key == s.a_person,
                            s.a_start > t.end_derived])
        j = j.group_by(["la_code", "review_unit"]).aggregate(admitted=j.a_start.count() > 0)
        sequel = ibis.ifelse(j.admitted, SEQUEL_LABELS[0], SEQUEL_LABELS[1])
        return j.select(la_code=j.la_code, unit=j.review_unit, sequel=sequel,
                        rule=ibis.literal(f"{code}>planned>community>") + sequel,
                        value=ibis.literal(1, "int64"))
    return build


def dims() -> tuple[dict[str, tuple[str, ...] | None], dict[str, tuple[str, ...] | None]]:
    return ({"reason": REASON_LABELS, "setting": REVIEW_SETTING_LABELS},
            {"sequel": SEQUEL_LABELS})
