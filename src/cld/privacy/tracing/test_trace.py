"""Each step of trace() on hand-made registers and requests."""

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from cld.engines import connect
from cld.privacy.schema import REQUEST_SCHEMA, RESULT_SCHEMA
from cld.privacy.tracing import trace
from cld.privacy.tracing.register import SCHEMA

D1, D2, D3 = dt.date(1950, 3, 4), dt.date(1960, 5, 6), dt.date(1970, 1, 2)
# nhs, superseded_by, family, given, gender, dob, postcode, previous postcodes,
# previous family names, gp, sensitive
REGISTER = [
    ("9000000009", None, "SMITH", "ANNE", "2", D1, "LS1 1AA", None, None, "A10001", False),
    ("9000000025", "9000000009", "SMITH", "ANNE", "2", D1, "LS1 1AA", None, None, None, False),
    ("9000000017", None, "JONES", "BOB", "1", D2, "M1 1AA", "M2 2BB", None, "B10001", True),
    ("9000000033", None, "BROWN", "AMY", "2", D3, "B1 1AA", None, "GREEN", "C10001", False),
    ("9000000041", None, "BROWN", "ZOE", "2", D3, "B1 1AA", None, None, "C10002", False),
    ("9000000068", None, "KHAN", "ANNE", "2", D2, "S1 1AA", None, None, "D1", False),
    ("9000000076", None, "KHAN", "ANNE", "2", D2, "S1 1AA", None, None, "D2", False),
]


def register() -> ibis.Table:
    cols = list(zip(*REGISTER, strict=True))
    names = ["nhs_number", "superseded_by", "family_name", "given_name", "gender",
             "date_of_birth", "postcode", "previous_postcodes", "previous_family_names",
             "gp_practice_code", "sensitive"]
    data: dict[str, object] = dict(zip(names, cols, strict=True))
    data |= {"other_given_name": [None] * len(REGISTER), "date_of_death": [None] * len(REGISTER)}
    return ibis.memtable(pa.table({f.name: data[f.name] for f in SCHEMA}, schema=SCHEMA))


def run(*rows):
    """rows: (nhs, first, last, gender, dob, postcode) -> results as dicts."""
    req = pa.table({
        "la_code": ["503"] * len(rows), "submission_id": [1] * len(rows),
        "person_id": [f"P{i}" for i in range(len(rows))],
        **dict(zip(["nhs_number", "first_name", "last_name", "gender", "date_of_birth",
                    "postcode"], zip(*rows, strict=True), strict=True)),
        "gp_practice_code": [None] * len(rows)}, schema=REQUEST_SCHEMA)
    out = trace(connect(), ibis.memtable(req), register())
    assert out.results.schema.equals(RESULT_SCHEMA)
    assert out.results.num_rows == len(rows)
    return out.results.to_pylist(), out


def one(*row):
    return run(row)[0][0]


def test_cross_check_confirms():
    r = one("9000000009", "Anne", "Smith", "Female", D1, "LS1 1AA")
    assert (r["traced_nhs_number"], r["match_type"], r["action"]) == ("9000000009", 1,
                                                                      "confirmed")
    assert r["match_probability"] == 1.0 and r["gp_practice_code"] == "A10001"


def test_superseded_number_replaced():
    r = one("900 000 0025", "Anne", "Smith", "Female", D1, "LS1 1AA")
    assert (r["traced_nhs_number"], r["match_type"], r["action"], r["reason"]) == (
        "9000000009", 1, "corrected", "superseded number replaced")


@pytest.mark.parametrize("sent", [None, "0000000000", "9999999999", "9000000010"])
def test_added_by_alphanumeric_never_a_sentinel(sent):
    # moved house: the postcode sent is the register's previous one
    r = one(sent, "Bob", "Jones", "Male", D2, "m2 2bb")
    assert (r["traced_nhs_number"], r["match_type"], r["action"]) == ("9000000017", 3, "added")
    assert r["gp_practice_code"] is None  # sensitive record: number, no GP practice


def test_sentinels_not_traced_stay_untraced():
    rows, _ = run(("0000000000", "Nobody", "Else", "Male", D1, "LS1 1AA"),
                  ("9999999999", "Nobody", "Else", "Male", D1, "LS1 1AA"))
    assert [(r["traced_nhs_number"], r["action"]) for r in rows] == [
        (None, "not traced"), (None, "not traced")]


def test_previous_family_name_and_twins_not_merged():
    rows, _ = run((None, "Amy", "Green", "Female", D3, "B1 1AA"),   # Amy's old surname
                  (None, "Zoe", "Brown", "Female", D3, "B1 1AA"),
                  (None, "Kate", "Brown", "Female", D3, "B1 1AA"))  # a third, absent twin
    assert [(r["traced_nhs_number"], r["match_type"]) for r in rows] == [
        ("9000000033", 3), ("9000000041", 3), (None, 0)]
    assert rows[2]["action"] == "not traced"


def test_alphanumeric_several_is_ambiguous_and_listed():
    rows, out = run((None, "Anne", "Khan", "Female", D2, "S1 1AA"))
    assert (rows[0]["action"], rows[0]["candidates"], rows[0]["traced_nhs_number"]) == (
        "ambiguous", 2, None)
    assert sorted(out.review.column("candidate_nhs_number").to_pylist()) == [
        "9000000068", "9000000076"]


def test_algorithmic_swapped_dob_confirms_the_number():
    r = one("9000000017", "Bob", "Jones", "Male", dt.date(1960, 6, 5), "M1 1AA")
    assert (r["traced_nhs_number"], r["match_type"], r["action"]) == ("9000000017", 4,
                                                                      "confirmed")
    assert r["match_weight"] >= 5 and 0.9 < r["match_probability"] <= 1


def test_algorithmic_within_margin_is_ambiguous():
    # "Anna" is as close to both Anne Khans: neither beats the other by the margin
    rows, out = run((None, "Anna", "Khan", "Female", D2, "S1 1AA"))
    assert (rows[0]["action"], rows[0]["match_type"], rows[0]["candidates"]) == (
        "ambiguous", 0, 2)
    assert out.review.column("step").to_pylist() == ["algorithmic", "algorithmic"]


def test_valid_number_not_found_is_unconfirmed_and_kept_untraced():
    r = one("9434765919", "Nobody", "Else", "Male", D1, "LS1 1AA")
    assert (r["traced_nhs_number"], r["action"], r["match_type"]) == (None, "unconfirmed", 0)


def test_stats_count_types_and_actions():
    _, out = run(("9000000009", "Anne", "Smith", "Female", D1, "LS1 1AA"),
                 (None, "Bob", "Jones", "Male", D2, "M1 1AA"))
    assert out.stats["match_type"] == {1: 1, 3: 1}
    assert out.stats["action"] == {"added": 1, "confirmed": 1}


def test_no_requests_and_leaves_no_tables():
    con = connect()
    empty = ibis.memtable(pa.table({f.name: pa.array([], f.type) for f in REQUEST_SCHEMA}))
    out = trace(con, empty, register())
    assert out.results.num_rows == 0 and out.results.schema.equals(RESULT_SCHEMA)
    assert out.stats["blocking_comparisons"] == 0
    left = con.con.execute("SELECT count(*) FROM duckdb_tables() WHERE "
                           "starts_with(table_name, '_cld_trace')").fetchone()
    assert left == (0,)


def test_blank_demographics_are_not_traced():
    rows, _ = run((None, None, None, None, None, None),
                  ("9000000009", None, None, None, None, None),  # valid number, no DOB
                  (None, "  ", "Smith", "Female", D1, "JUNK"))
    assert [(r["traced_nhs_number"], r["action"]) for r in rows] == [
        (None, "not traced"), (None, "unconfirmed"), (None, "not traced")]
