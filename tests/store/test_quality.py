"""The store's reads for the processors' pages: data quality side by side, the audit trail
filtered to some LAs, the year's lock state; a lock's reason in the audit trail."""

from __future__ import annotations

import json

import pytest

from cld.errors import StoreError
from cld.store import Store, lock_year, reopen_year, submit
from cld.store.quality import LaStats, compare, latest_stats
from cld.store.queries import audit_page, stored_result, year_lock
from cld.validation.result import FieldStat
from tests.store.conftest import YEAR


def _la(code: str, region: str, rows: int, filled: int, invalid: int) -> LaStats:
    return LaStats(code, f"LA {code}", region, {
        "Event Type": FieldStat("Event Type", "mandatory", True, rows, filled, invalid),
        "Gender": FieldStat("Gender", "mandatory", True, rows, rows, 0)})


def test_side_by_side_figures_by_hand() -> None:
    las = [_la("1", "North", 10, 8, 2), _la("2", "North", 30, 30, 0),
           _la("3", "South", 20, 10, 5)]
    cmp = compare(las, "Event Type", {"1"}, YEAR)
    assert cmp.fields == ["Event Type", "Gender"] and cmp.field == "Event Type"
    got = [(r.name, r.kind, r.las, r.rows, r.filled, r.invalid) for r in cmp.rows]
    assert got == [("1 LA 1", "la", 1, 10, 8, 2), ("North", "region", 2, 40, 38, 2),
                   ("England", "england", 3, 60, 48, 7)]
    la, region, england = cmp.rows
    assert (la.completeness, la.validity) == (0.8, 0.75)  # 8 of 10; 6 of the 8 valid
    assert region.completeness == pytest.approx(38 / 40)
    assert region.validity == pytest.approx(36 / 38)
    assert england.completeness == pytest.approx(48 / 60)
    assert england.validity == pytest.approx(41 / 48)
    everyone = compare(las, "nonsense", None)  # an unknown field: England's weakest
    assert everyone.field == "Event Type"  # 80% filled in England; Gender 100%
    assert [r.name for r in everyone.rows] == ["1 LA 1", "2 LA 2", "3 LA 3", "North", "South",
                                               "England"]
    assert compare([], "Gender", None).rows == []
    full = _la("4", "South", 20, 20, 0)
    full.stats["Gender"] = FieldStat("Gender", "mandatory", True, 20, 20, 3)
    assert compare([full], "", None).field == "Gender"  # all filled in, 3 not valid


def test_an_empty_field_has_no_validity() -> None:
    row = compare([_la("1", "North", 10, 0, 0)], "Event Type", None).rows[0]
    assert row.completeness == 0.0 and row.validity is None
    assert compare([_la("1", "North", 0, 0, 0)], "Event Type", None).rows[0].completeness \
        is None


def test_the_version_that_counts_gives_the_figures(store: Store, series: dict) -> None:
    submit(store, series["503"][0], "503", YEAR)
    v2 = submit(store, series["503"][1], "503", YEAR).submission
    submit(store, series["318"][0], "318", YEAR)
    got = {la.code: la for la in latest_stats(store, YEAR)}
    assert sorted(got) == ["318", "503"]
    assert (got["503"].name, got["503"].region) == ("Lincolnshire", "GEM")
    expected = stored_result(store, v2.pk).result.field_stats
    assert list(got["503"].stats.values()) == expected
    assert latest_stats(store, "2021/22") == []


def test_audit_page_of_some_las(store: Store, series: dict) -> None:
    submit(store, series["503"][0], "503", YEAR)
    submit(store, series["318"][0], "318", YEAR)
    store.record("someone", "download", la_code="318", year=YEAR, format="csv")
    lock_year(store, YEAR, by="lead", reason="year end")
    total, events = audit_page(store, {"503"}, 0, 50)
    assert total == 2 and [e["action"] for e in events] == ["lock", "submit"]  # newest first
    assert {e["la_code"] for e in events} == {"", "503"}
    total, events = audit_page(store, None, 1, 2)
    assert total == 4 and [e["action"] for e in events] == ["download", "submit"]
    assert [e["la_code"] for e in events] == ["318", "318"]
    assert audit_page(store, set(), 0, 50) == (1, audit_page(store, {"716"}, 0, 50)[1])


def test_a_lock_keeps_its_reason_and_refuses_identifiers(store: Store, series: dict) -> None:
    assert year_lock(store, YEAR) == year_lock(store, "2020/2021")
    assert not year_lock(store, YEAR).submitted
    submit(store, series["503"][0], "503", YEAR)
    assert (year_lock(store, YEAR).submitted, year_lock(store, YEAR).locked) == (True, False)
    with pytest.raises(StoreError, match="NHS number"):
        lock_year(store, YEAR, by="lead", reason="person 943 476 5919 asked")
    assert not year_lock(store, YEAR).locked
    lock_year(store, YEAR, by="lead", reason="  year end  ")
    state = year_lock(store, YEAR)
    assert (state.locked, state.snapshot, state.locked_by) == (True, 1, "lead")
    last = audit_page(store, None, 0, 1)[1][0]
    assert (last["action"], last["actor"]) == ("lock", "lead")
    assert json.loads(last["details"])["reason"] == "year end"
    with pytest.raises(StoreError, match="NHS number"):
        reopen_year(store, YEAR, "for 943-476-5919", by="lead")
    reopen_year(store, YEAR, "late correction", by="lead")
    state = year_lock(store, YEAR)
    assert (state.locked, state.reopened_by, state.reopen_reason) == (False, "lead",
                                                                     "late correction")
