"""The deterministic steps alone, on the normalised tables prepare() builds."""

import ibis

from cld.engines import connect
from cld.privacy.tracing.deterministic import alphanumeric, cross_check
from cld.privacy.tracing.prepare import prepare
from cld.privacy.tracing.test_trace import D1, D2, D3, register


def decided(*rows):
    import pyarrow as pa

    from cld.privacy.schema import REQUEST_SCHEMA

    req = pa.table({
        "la_code": ["503"] * len(rows), "submission_id": [1] * len(rows),
        "person_id": [f"P{i}" for i in range(len(rows))],
        **dict(zip(["nhs_number", "first_name", "last_name", "gender", "date_of_birth",
                    "postcode"], zip(*rows, strict=True), strict=True)),
        "gp_practice_code": [None] * len(rows)}, schema=REQUEST_SCHEMA)
    raw = prepare(connect(), "_t", ibis.memtable(req), register())
    cross_check(raw, "_t")
    alphanumeric(raw, "_t")
    return raw.execute("SELECT rid, traced, match_type, status, candidates FROM _t_done "
                       "ORDER BY rid").fetchall()


def test_cross_check_needs_the_same_date_of_birth():
    assert decided(("9000000009", "Anne", "Smith", "Female", D2, "XX1 1XX")) == []
    assert decided(("9000000009", "Anne", "Smith", "Female", D1, "XX1 1XX")) == [
        (0, "9000000009", 1, "match", 1)]


def test_alphanumeric_needs_a_postcode_it_knows():
    # Bob Jones: current M1 1AA, previous M2 2BB; an unrelated postcode is left undecided
    assert decided((None, "Bob", "Jones", "Male", D2, "M9 9ZZ")) == []
    assert decided((None, "Bob", "Jones", "Male", D2, "M2 2BB")) == [
        (0, "9000000017", 3, "match", 1)]


def test_alphanumeric_gender_must_not_disagree():
    assert decided((None, "Bob", "Jones", "Female", D2, "M1 1AA")) == []
    assert decided((None, "Bob", "Jones", "Not known", D2, "M1 1AA")) == [
        (0, "9000000017", 3, "match", 1)]


def test_alphanumeric_without_given_name_sees_both_twins():
    assert decided((None, "Baby", "Brown", "Female", D3, "B1 1AA")) == [
        (0, None, 0, "ambiguous", 2)]
