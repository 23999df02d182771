"""Test helpers for the long-term outputs: a build's inputs and a table's non-zero cells."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis.expr.types as ir

from cld.derive import testing
from cld.derive.cells import cells
from cld.derive.registry import OUTPUTS, Inputs

START, END = date(2023, 4, 1), date(2024, 3, 31)
PROFILES = ("nhse-2023", "dhsc-2024")


def inputs(events: ir.Table, profile: str, *, today: date = END) -> Inputs:
    return testing.inputs(events, profile, START, END, today=today)


def table(name: str, events: ir.Table, profile: str, *, las: tuple[str, ...] = ("503",),
          today: date = END) -> dict[tuple[Any, ...], int]:
    """{(la_code, *labels): value} for the non-zero cells of output `name`."""
    o = OUTPUTS[name]
    c = cells(o, o.build(inputs(events, profile, today=today)), list(las))
    out: dict[tuple[Any, ...], int] = {}
    for r in c.to_pyarrow().to_pylist():
        if r["value"]:
            out[(r["la_code"], *(r[d] for d in o.dims))] = r["value"]
    return out


def contributions(name: str, events: ir.Table, profile: str) -> list[dict[str, Any]]:
    o = OUTPUTS[name]
    got = o.build(inputs(events, profile)).to_pyarrow().to_pylist()
    return sorted(got, key=lambda r: tuple(str(v) for v in r.values()))


LTS = "Long Term Support: "
NURSING, RESIDENTIAL, COMMUNITY = (LTS + "Nursing Care", LTS + "Residential Care",
                                   LTS + "Community")
DP, CMPB, COMM = ("Community: Direct Payment", "Community: CASSR Managed Personal Budget",
                  "Community: CASSR Commissioned Support")
PRISON_CMPB = "Prison: CASSR Managed Personal Budget"
MH, LD = "Mental Health Support", "Learning Disability Support"
PERSONAL, ASYLUM = ("Physical Support: Personal care support",
                    "Social Support: Asylum seeker support")
WORKING_AGE = "01/01/1980"  # 44 at 31/03/2024; the default birth date (1950) gives 73


def service(person: str, service_type: str, start: str, end: str | None = None,
            **more: Any) -> dict[str, Any]:
    return {"person_id": person, "event_type": "Service", "service_type": service_type,
            "event_start": start, "event_end": end, **more}


def sample() -> ir.Table:
    """The hand-built year 2023/24 (S = 31/03/2024) the LTS001a/b tests assert whole.

    A 65+: Nursing (MH, Male, Indian, carer Yes) and, a month later, Community DP (LD, carer
      No), both open. NHSE: top setting's row -> MH, carer Yes; DHSC: latest start -> LD, No.
    B 18-64: Community CMPB from 01/02/2024 (LD, Female, African, carer No).
    C 18-64: Residential 01/05/2023-30/06/2023 (personal care): in the year, not at S.
    D 65+: Community commissioned, ended 31/03/2023: in neither.
    E 65+: Community, no mechanism, no PSR, died 01/03/2024: in the year only; PSR NHSE
      "Invalid/NULL", DHSC "Unknown".
    F 17: Community DP: in no table 1a/1b (under 18); in table 2 (all ages), carer Yes.
    G 65+: Community with a Prison CMPB mechanism (asylum seeker support, Male).
    H 65+: two Community commissioned rows on the same start, PSRs MH and LD (-> Unknown),
      ethnicity Refused and Undeclared (NHSE Undeclared, DHSC Refused), Female, carer Not known.
    I 18-64, LA 504: Community DP (MH, Male, Chinese, carer Yes).
    """
    from cld.derive.testing import events

    return events([
        service("A", NURSING, "01/01/2023", primary_support_reason=MH, gender="Male",
                ethnicity="Indian", has_informal_carer="Yes"),
        service("A", COMMUNITY, "01/02/2023", service_component="Direct Payment",
                delivery_mechanism=DP, primary_support_reason=LD, has_informal_carer="No"),
        service("B", COMMUNITY, "01/02/2024", delivery_mechanism=CMPB, date_of_birth=WORKING_AGE,
                primary_support_reason=LD, gender="Female", ethnicity="African",
                has_informal_carer="No"),
        service("C", RESIDENTIAL, "01/05/2023", "30/06/2023", date_of_birth=WORKING_AGE,
                primary_support_reason=PERSONAL),
        service("D", COMMUNITY, "01/04/2022", "31/03/2023", delivery_mechanism=COMM,
                primary_support_reason=MH),
        service("E", COMMUNITY, "01/04/2022", date_of_death="01/03/2024"),
        service("F", COMMUNITY, "01/06/2023", delivery_mechanism=DP, date_of_birth="01/01/2007",
                primary_support_reason=MH, has_informal_carer="Yes"),
        service("G", COMMUNITY, "01/06/2023", delivery_mechanism=PRISON_CMPB,
                primary_support_reason=ASYLUM, gender="Male"),
        service("H", COMMUNITY, "01/06/2023", service_component="Home Support",
                delivery_mechanism=COMM, primary_support_reason=MH, gender="Female",
                ethnicity="Refused", has_informal_carer="Not known"),
        service("H", COMMUNITY, "01/06/2023", service_component="Meals",
                delivery_mechanism=COMM, primary_support_reason=LD, gender="Female",
                ethnicity="Undeclared / Not known", has_informal_carer="Not known"),
        service("I", COMMUNITY, "01/01/2024", delivery_mechanism=DP, la_code="504",
                date_of_birth=WORKING_AGE, primary_support_reason=MH, gender="Male",
                ethnicity="Chinese", has_informal_carer="Yes"),
    ])


def review(person: str, reason: str, start: str, end: str | None, **more: Any
           ) -> dict[str, Any]:
    return {"person_id": person, "event_type": "Review", "review_reason": reason,
            "event_start": start, "event_end": end, **more}


def review_sample() -> ir.Table:
    """Reviews in 2023/24 (the LTS002a/b tests assert their tables whole).

    B 18-64: Community CMPB from 01/01/2023, Residential from 01/09/2023; an unplanned
      carer-related review in May (community), a planned review in June progressing to support
      planning (community at its start; the September residential start is an admission),
      an unplanned safeguarding review in October (residential then), an unplanned hospital
      review ending after the period (not counted).
    K 65+: Nursing since 2020; the same unplanned provider-failure review submitted twice
      (NHSE keeps both rows, DHSC deduplicates reviews).
    L 65+: Community DP from 01/01/2023; planned reviews: "No change in package" (not
      counted) and "Progress to Re-assessment" (no admission); an unplanned other-reason one.
    M: no long-term support, an unplanned review: not in the cohort.
    N (LA 504): Community from 01/01/2024 (in LTS002a only); an unplanned commissioning one.
    """
    from cld.derive.testing import events

    return events([
        service("B", COMMUNITY, "01/01/2023", delivery_mechanism=CMPB, date_of_birth=WORKING_AGE),
        service("B", RESIDENTIAL, "01/09/2023", date_of_birth=WORKING_AGE),
        review("B", "Unplanned - Carer related", "01/05/2023", "05/05/2023"),
        review("B", "Planned", "01/06/2023", "02/06/2023",
               event_outcome="Progress to Support Planning / Services"),
        review("B", "Unplanned - Safeguarding concern", "01/10/2023", "02/10/2023"),
        review("B", "Unplanned - Hospital (Planned and unplanned episodes)", "20/03/2024",
               "05/04/2024"),
        service("K", NURSING, "01/01/2020"),
        review("K", "Unplanned - Provider Failure", "01/07/2023", "01/07/2023"),
        review("K", "Unplanned - Provider Failure", "01/07/2023", "01/07/2023"),
        service("L", COMMUNITY, "01/01/2023", delivery_mechanism=DP),
        review("L", "Planned", "01/11/2023", "01/11/2023", event_outcome="No change in package"),
        review("L", "Planned", "01/02/2024", "01/02/2024",
               event_outcome="Progress to Re-assessment"),
        review("L", "Unplanned - Other Reason", "01/12/2023", "02/12/2023"),
        service("M", "Short Term Support: ST-Max", "01/05/2023", "20/05/2023"),
        review("M", "Unplanned - Other Reason", "21/05/2023", "22/05/2023"),
        service("N", COMMUNITY, "01/01/2024", la_code="504"),
        review("N", "Unplanned - Change in Commissioning arrangements", "01/02/2024",
               "02/02/2024", la_code="504"),
    ])
