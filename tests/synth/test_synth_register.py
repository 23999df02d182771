"""The synthetic register's defects are what the truth says they are."""

import polars as pl
import pytest

from cld.synth.identity import nhs_valid
from cld.synth.register import DEFECTS, make


@pytest.fixture(scope="module")
def s():
    return make(400, 2000, seed=5)


def joined(s):
    return s.requests.join(s.truth, on="person_id", suffix="_true")


def kind(s, k):
    return joined(s).filter(pl.col("defect") == k)


def current(s):
    return s.register.filter(pl.col("superseded_by").is_null())


def test_shape_and_seed(s):
    assert s.requests.height == s.truth.height == 400
    assert set(s.truth["defect"]) == set(DEFECTS)
    assert s.register["nhs_number"].is_unique().all()
    assert all(n.startswith("900") for n in s.register["nhs_number"])
    again = make(400, 2000, seed=5)
    assert again.requests.equals(s.requests) and again.register.equals(s.register)


def test_number_defects(s):
    for k in ("check_digit", "transposed"):
        rows = kind(s, k)
        assert not any(nhs_valid(n) for n in rows["nhs_number"])
        # the same digits, one changed or two swapped
        assert all(sorted(a) == sorted(b) or sum(x != y for x, y in zip(a, b, strict=True)) == 1
                   for a, b in zip(rows["nhs_number"], rows["nhs_number_true"], strict=True))
    sup = kind(s, "superseded").join(s.register, on="nhs_number")
    assert sup.height == kind(s, "superseded").height
    assert (sup["superseded_by"] == sup["nhs_number_true"]).all()


def test_demographic_defects(s):
    reg = current(s)
    sn = kind(s, "surname").join(reg, left_on="nhs_number_true", right_on="nhs_number")
    assert (sn["last_name"] == sn["previous_family_names"]).all()
    assert (sn["last_name"] != sn["family_name"]).any()
    mv = kind(s, "moved").join(reg, left_on="nhs_number_true", right_on="nhs_number")
    assert (mv["postcode"] == mv["previous_postcodes"]).all()
    tw = kind(s, "twin").join(reg, left_on=["last_name", "date_of_birth", "postcode"],
                              right_on=["family_name", "date_of_birth", "postcode"])
    # the client and a twin of another given name
    assert (tw.group_by("person_id").len()["len"] >= 2).all()
    assert (tw.filter(pl.col("nhs_number_right") != pl.col("nhs_number_true"))
            ["given_name"] != tw.filter(pl.col("nhs_number_right")
                                         != pl.col("nhs_number_true"))["first_name"]).all()
    sw = kind(s, "swapped_dob").join(reg, left_on="nhs_number_true", right_on="nhs_number")
    assert ((sw["date_of_birth"].dt.day() == sw["date_of_birth_right"].dt.month())
            & (sw["date_of_birth"].dt.month() == sw["date_of_birth_right"].dt.day())).all()


def test_absent_clients_have_no_record_and_no_true_number(s):
    ab = kind(s, "absent")
    assert ab["nhs_number_true"].is_null().all() and ab["nhs_number"].is_null().all()
    assert set(kind(s, "clean")["nhs_number"]) <= set(s.register["nhs_number"])
    same = ab.join(s.register, left_on=["last_name", "first_name", "date_of_birth"],
                   right_on=["family_name", "given_name", "date_of_birth"])
    assert same.height == 0


def test_la_view_writes_each_clients_defect_into_the_rows():
    from datetime import date

    from cld.synth import generate
    from cld.synth.register import clients_of, la_view

    full = generate("503", date(2020, 4, 1), date(2021, 3, 31), people=120, seed=3)
    people = clients_of(full.rows)
    made = make(records=people.height * 10, seed=1, clients=people)
    out = la_view(full.rows, people, made)
    assert out.columns == full.rows.columns and out.height == full.rows.height
    # every column but the five identity ones is untouched, row by row
    same = [c for c in full.rows.columns
            if c not in {"NHS Number", "First Name", "Last Name", "Date of Birth", "Postcode"}]
    assert out.select(same).equals(full.rows.select(same))
    by_nhs = dict(zip(people["nhs_number"], made.requests.iter_rows(named=True), strict=True))
    for before, after in zip(full.rows.iter_rows(named=True), out.iter_rows(named=True),
                             strict=True):
        req = by_nhs.get(before["NHS Number"])
        if req is None:  # not a client (no valid number): unchanged
            assert after == before
            continue
        assert after["NHS Number"] == (req["nhs_number"] or "")
        assert after["Last Name"] == req["last_name"]
        assert after["Date of Birth"] == req["date_of_birth"].strftime("%d/%m/%Y")
    defects = dict(zip(made.truth["person_id"], made.truth["defect"], strict=True))
    missing = [p for p, d in defects.items() if d == "missing"]
    assert missing and any(r["NHS Number"] == "" for r in out.iter_rows(named=True))
