import datetime as dt

import duckdb
import pytest

from cld.privacy.tracing import normalise as n


def one(expr: str, value: object) -> object:
    row = duckdb.execute(f"SELECT {expr} FROM (SELECT ? AS v)", [value]).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize(("value", "ok"), [
    ("9434765919", True), ("943 476 5919", True), ("943-476-5919", True),
    ("9434765918", False),  # check digit wrong
    ("9434765991", False),  # last two transposed
    ("0000000000", False), ("9999999999", False), ("4444444444", False),  # pass mod 11
    ("943476591", False), ("94347659190", False), ("94347A5919", False), (None, False),
])
def test_nhs_valid(value, ok):
    assert one(n.nhs_valid(n.nhs_digits("v")), value) is ok


@pytest.mark.parametrize(("value", "family", "given", "other"), [
    ("Mrs Mary-Ann", "MARY ANN", "MARY", "ANN"),
    ("  o'brien ", "OBRIEN", "OBRIEN", None),
    ("Baby Girl", "BABY GIRL", None, "GIRL"),
    ("Dr. Jones", "JONES", "JONES", None),
    ("123", None, None, None),
])
def test_names(value, family, given, other):
    assert one(n.family_name("v"), value) == family
    assert one(n.given_name("v"), value) == given
    assert one(n.other_given_name("v"), value) == other


@pytest.mark.parametrize(("value", "pc", "out"), [
    ("ls11aa", "LS1 1AA", "LS1"), (" EC1A  1BB", "EC1A 1BB", "EC1A"),
    ("M1 1AA", "M1 1AA", "M1"), ("JUNK", None, None), (None, None, None),
])
def test_postcode(value, pc, out):
    assert one(n.postcode("v"), value) == pc
    assert one(n.outward(n.postcode("v")), value) == out


def test_postcode_list_drops_junk():
    assert one(n.postcode_list("v"), "ls1 1aa;junk; m2 2bb") == ["LS1 1AA", "M2 2BB"]
    assert one(n.postcode_list("v"), None) == []


@pytest.mark.parametrize(("value", "code"), [
    ("Male", "1"), ("female", "2"), ("Not known", "0"), ("Unknown", "0"), ("9", "9"),
    ("x", None)])
def test_gender(value, code):
    assert one(n.gender("v"), value) == code


@pytest.mark.parametrize(("value", "swapped"), [
    (dt.date(1950, 3, 4), dt.date(1950, 4, 3)), (dt.date(1950, 3, 3), None),
    (dt.date(1950, 3, 13), None)])
def test_dob_swapped(value, swapped):
    assert one(n.dob_swapped("v"), value) == swapped
