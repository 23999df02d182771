"""Properties of the long-term tables on random chronologies (hypothesis)."""

from collections import Counter
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cld.derive.outputs.ascof3d import (
    DENOMINATOR,
    NOT_COMMUNITY,
    NUMERATOR,
    UNDER_AGE,
    UNKNOWN_AGE,
    UNKNOWN_MECHANISM,
)
from cld.derive.outputs.lts_testkit import (
    CMPB,
    COMM,
    COMMUNITY,
    DP,
    LD,
    MH,
    NURSING,
    PRISON_CMPB,
    RESIDENTIAL,
    table,
)
from cld.derive.testing import events

row = st.fixed_dictionaries({
    "la_code": st.sampled_from(["503", "504"]),
    "person_id": st.sampled_from(["A", "B", "C", "D"]),
    "event_type": st.just("Service"),
    "service_type": st.sampled_from([NURSING, RESIDENTIAL, COMMUNITY, COMMUNITY,
                                     "Short Term Support: ST-Max"]),
    "delivery_mechanism": st.sampled_from([DP, CMPB, COMM, PRISON_CMPB, None]),
    "service_component": st.sampled_from([None, "Direct Payment", "Home Support"]),
    "event_start": st.dates(date(2021, 1, 1), date(2024, 3, 31)),
    "_len": st.one_of(st.none(), st.integers(0, 900)),
    "date_of_birth": st.sampled_from([None, date(1980, 5, 1), date(1950, 6, 1),
                                      date(2010, 1, 1)]),
    "primary_support_reason": st.sampled_from([MH, LD, "PSR Not Known", None]),
    "has_informal_carer": st.sampled_from(["Yes", "No", "Not known", None]),
})


def _events(rs):
    out = []
    for r in rs:
        r = dict(r)
        n = r.pop("_len")
        r["event_end"] = None if n is None else r["event_start"] + timedelta(days=n)
        out.append(r)
    return events(out)


def _by(cells, la):
    return Counter({k[1:]: v for k, v in cells.items() if k[0] == la})


SLOW = settings(max_examples=6, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(st.lists(row, min_size=1, max_size=10), st.sampled_from(["nhse-2023", "dhsc-2024"]))
def test_totals_are_sums_of_parts_and_numerator_within_denominator(rs, profile):
    t = _events(rs)
    las = ("503", "504")
    d3 = table("ASCOF3D_1a", t, profile, las=las)
    dp = table("ASCOF3D_2a", t, profile, las=las)
    carer = table("LTS001b_2", t, profile, las=las)
    young, old = (table(f"LTS001b_{x}", t, profile, las=las) for x in ("1a", "1b"))
    for la in las:
        c, p = _by(d3, la), _by(dp, la)
        for group in ("18-64", "65+", "Total"):
            assert p[(NUMERATOR, group)] <= c[(NUMERATOR, group)] <= c[(DENOMINATOR, group)]
            assert c[(UNKNOWN_MECHANISM, group)] <= c[(DENOMINATOR, group)]
        for part in (DENOMINATOR, NUMERATOR, NOT_COMMUNITY):
            bands = c[(part, "18-64")] + c[(part, "65+")]
            if profile == "nhse-2023":
                assert c[(part, "Total")] == bands  # unknown ages are excluded
            else:
                assert c[(part, "Total")] >= bands  # unknown ages count in Total
        everyone = sum(_by(carer, la).values())  # table 2: every person at the snapshot
        parts = (c[(DENOMINATOR, "Total")] + c[(NOT_COMMUNITY, "Total")]
                 + c[(UNDER_AGE, "Total")] + c[(UNKNOWN_AGE, "Total")])
        assert parts == everyone
        in_bands = sum(_by(young, la).values()) + sum(_by(old, la).values())
        assert in_bands == (c[(DENOMINATOR, "18-64")] + c[(DENOMINATOR, "65+")]
                            + c[(NOT_COMMUNITY, "18-64")] + c[(NOT_COMMUNITY, "65+")])


@SLOW
@given(st.lists(row, min_size=1, max_size=8), st.lists(row, min_size=1, max_size=8),
       st.sampled_from(["nhse-2023", "dhsc-2024"]))
def test_adding_an_la_never_changes_another_las_figures(mine, theirs, profile):
    mine = [{**r, "la_code": "503"} for r in mine]
    theirs = [{**r, "la_code": "504"} for r in theirs]
    for name in ("ASCOF3D_1a", "LTS001a_1b", "LTS001c_1b"):
        alone = table(name, _events(mine), profile, las=("503",))
        both = table(name, _events(mine + theirs), profile, las=("503", "504"))
        assert {k: v for k, v in both.items() if k[0] == "503"} == alone, name
