"""Extracts on a synthetic store: every profile, rows, tokens, keys, refusals, the scanner."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cld.engines import connect
from cld.privacy import extract as extract_mod
from cld.privacy.extract import ExtractError, make_extract, with_trace_columns
from cld.privacy.keys import KeyRing, key_id, load_key_file, new_key_file
from cld.privacy.profiles import IDENTIFIERS, profile_names
from cld.privacy.scan import scan_dir
from cld.store import Store
from cld.store.dataset import counting, events_table
from cld.store.models import AuditEvent
from tests.privacy import extract_fixtures

xstore_dir = extract_fixtures.xstore_dir
xstore = extract_fixtures.xstore
key_file = extract_fixtures.key_file
keys = extract_fixtures.keys
YEAR = "2020/21"
RECIPIENT = {"la-own": "503", "icb": "QSYN1", "national": "DHSC", "sector": "ADASS",
             "cqc": "CQC", "research": "ASCRU", "benchmark": "318"}


def source(xstore: Store) -> pa.Table:
    t = events_table(connect(), xstore, counting(xstore, YEAR))
    return with_trace_columns(t).to_pyarrow()


def rows(folder: Path) -> list[dict[str, Any]]:
    return pq.read_table(folder / "extract.parquet").to_pylist()


def _token(keys: KeyRing, domain: str, text: str) -> str:
    return hmac.new(keys.active.domain_key(domain), text.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize("name", profile_names())
def test_every_profile_extracts_and_scans_clean(name: str, xstore: Store, keys: KeyRing,
                                                tmp_path: Path) -> None:
    ex = make_extract(xstore, name, RECIPIENT[name], YEAR, tmp_path / "x", keys=keys)
    assert sorted(p.name for p in ex.path.iterdir()) == ["extract.csv", "extract.parquet",
                                                         "manifest.json"]
    got = rows(ex.path)
    assert len(got) == ex.rows > 0
    m = json.loads((ex.path / "manifest.json").read_text())
    assert m["profile"] == name and m["recipient"]["id"] == RECIPIENT[name]
    for file, sha in m["files"].items():
        assert hashlib.sha256((ex.path / file).read_bytes()).hexdigest() == sha
    con = connect()
    findings = scan_dir(ex.path, con, events_table(con, xstore, counting(xstore, YEAR)))
    if name == "la-own":  # identifiable: the scanner would (rightly) object
        assert {f.kind for f in findings} >= {"nhs_number", "person_id", "date_of_birth",
                                               "postcode"}
        assert m["scan"] == "not required" and m["key_id"] is None
    else:
        assert findings == []
        cols = set(got[0])
        assert not cols & IDENTIFIERS
        assert not {"first_name", "last_name", "gp_practice_name", "event_description"} & cols


def test_manifest_holds_key_id_never_the_key(xstore: Store, keys: KeyRing, key_file: Path,
                                             tmp_path: Path) -> None:
    ex = make_extract(xstore, "icb", "QSYN1", YEAR, tmp_path / "x", keys=keys)
    text = (ex.path / "manifest.json").read_text()
    dkey = keys.active.domain_key("icb:QSYN1")
    assert ex.manifest["token_domain"] == "icb:QSYN1"
    assert ex.manifest["key_id"] == key_id(dkey)
    for secret in (dkey.hex(), keys.active.secret.hex()):
        assert secret not in text
        assert secret not in (ex.path / "extract.csv").read_text()
    fields = {f["column"]: f for f in ex.manifest["fields"]}
    assert fields["nhs_number"]["released_as"] == ["nhs_number_token"]
    assert fields["date_of_birth"]["released_as"] == ["birth_year", "birth_month"]
    assert fields["first_name"]["treatment"] == "drop"
    assert fields["source_row"]["treatment"] == "drop"
    ev = AuditEvent.objects.using(xstore.alias).order_by("-seq").first()
    assert ev is not None and ev.action == "extract"
    assert json.loads(ev.details)["key_id"] == key_id(dkey)
    assert dkey.hex() not in ev.details


def test_tokens_are_the_hmac_of_the_normalised_value(xstore: Store, keys: KeyRing,
                                                     tmp_path: Path) -> None:
    src = source(xstore).to_pylist()
    ex = make_extract(xstore, "national", "DHSC", YEAR, tmp_path / "x", keys=keys)
    got = rows(ex.path)
    assert len(got) == len(src)
    want_person = {_token(keys, "national:DHSC", f"person:{r['la_code']}\x1f{r['person_id']}")
                   for r in src}
    assert {r["person_id_token"] for r in got} == want_person
    want_nhs = {_token(keys, "national:DHSC", f"nhs:{r['nhs_number']}") for r in src}
    assert {r["nhs_number_token"] for r in got} == want_nhs
    # one person, one token: as many tokens as (LA, person id) pairs
    assert len(want_person) == len({(r["la_code"], r["person_id"]) for r in src})
    plain = {hashlib.sha256(str(r["nhs_number"]).encode()).hexdigest() for r in src}
    assert not plain & {r["nhs_number_token"] for r in got}


def test_tokens_stable_in_a_domain_and_different_across(xstore: Store, keys: KeyRing,
                                                        tmp_path: Path) -> None:
    a = make_extract(xstore, "national", "DHSC", YEAR, tmp_path / "a", keys=keys)
    b = make_extract(xstore, "national", "DHSC", YEAR, tmp_path / "b", keys=keys)
    c = make_extract(xstore, "national", "NHSE", YEAR, tmp_path / "c", keys=keys)
    ta = {r["nhs_number_token"] for r in rows(a.path)}
    assert ta == {r["nhs_number_token"] for r in rows(b.path)}
    assert not ta & {r["nhs_number_token"] for r in rows(c.path)}
    assert a.manifest["key_id"] != c.manifest["key_id"]


def test_key_rotation(xstore: Store, key_file: Path, tmp_path: Path) -> None:
    old_ring = load_key_file(key_file)
    old = make_extract(xstore, "icb", "QSYN2", YEAR, tmp_path / "old", keys=old_ring)
    new_key_file(key_file, date(2026, 7, 1))
    ring = load_key_file(key_file)
    new = make_extract(xstore, "icb", "QSYN2", YEAR, tmp_path / "new", keys=ring)
    assert new.manifest["key_id"] != old.manifest["key_id"]
    assert not ({r["person_id_token"] for r in rows(old.path)}
                & {r["person_id_token"] for r in rows(new.path)})
    found = ring.find("icb:QSYN2", old.manifest["key_id"])
    assert found is not None and found.created == date(2026, 1, 1)
    assert ring.find("icb:QSYN2", new.manifest["key_id"]) == ring.active
    assert ring.find("icb:QSYN1", old.manifest["key_id"]) is None


def test_la_extract_never_holds_another_las_people(xstore: Store, tmp_path: Path) -> None:
    src = source(xstore).to_pylist()
    ex = make_extract(xstore, "la-own", "503", YEAR, tmp_path / "x")
    got = rows(ex.path)
    assert {r["la_code"] for r in got} == {"503"}
    assert len(got) == sum(r["la_code"] == "503" for r in src)
    theirs = {r["nhs_number"] for r in src if r["la_code"] == "318"}
    assert theirs and not theirs & {r["nhs_number"] for r in got}


def test_icb_gets_its_practices_only(xstore: Store, keys: KeyRing, tmp_path: Path) -> None:
    src = source(xstore).to_pylist()
    ex = make_extract(xstore, "icb", "QSYN1", YEAR, tmp_path / "x", keys=keys)
    got = rows(ex.path)
    # the synthetic lookup gives practices starting A..M to QSYN1
    want = [r for r in src if r["gp_practice_code"] and r["gp_practice_code"][0] <= "M"]
    assert len(got) == len(want) > 0
    assert all(r["gp_practice_code"][0] <= "M" for r in got)


def test_benchmark_is_aggregate_and_suppressed(xstore: Store, tmp_path: Path) -> None:
    src = source(xstore).to_pylist()
    ex = make_extract(xstore, "benchmark", "318", YEAR, tmp_path / "x")
    got = rows(ex.path)
    assert set(got[0]) == {"la_code", "event_type", "people", "events"}
    for r in got:
        mine = [s for s in src if s["la_code"] == r["la_code"]
                and s["event_type"] == r["event_type"]]
        for col, n in (("events", len(mine)), ("people", len({s["person_id"] for s in mine}))):
            want = None if 0 < n < 8 else int(round(n / 5) * 5)
            assert r[col] == want, (r, col, n)


def test_refusals_write_nothing(xstore: Store, keys: KeyRing, tmp_path: Path) -> None:
    out = tmp_path / "x"
    with pytest.raises(ExtractError, match="does not allow recipient 'LGA'"):
        make_extract(xstore, "icb", "LGA", YEAR, out, keys=keys)
    with pytest.raises(ExtractError, match="key is needed"):
        make_extract(xstore, "research", "ASCRU", YEAR, out)
    with pytest.raises(ExtractError, match="does not allow"):
        make_extract(xstore, "la-own", "ZZZ", YEAR, out)
    assert [p.name for p in tmp_path.iterdir()] == ["keys"]


def test_scanner_fails_closed(xstore: Store, keys: KeyRing, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    real = extract_mod._columns

    def leaky(profile: Any, v: str, k: str | None, lsoa: str | None = None) -> Any:
        items, fields, joins = real(profile, v, k, lsoa)
        return items + [f"{v}.last_name AS remark"], fields, joins

    monkeypatch.setattr(extract_mod, "_columns", leaky)
    before = AuditEvent.objects.using(xstore.alias).count()
    with pytest.raises(ExtractError, match=r"extract.parquet, column remark, row 1: name"):
        make_extract(xstore, "research", "ASCRU", YEAR, tmp_path / "x", keys=keys)
    assert [p.name for p in tmp_path.iterdir()] == ["keys"]
    assert AuditEvent.objects.using(xstore.alias).count() == before


def test_not_audited_not_released(xstore: Store, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from cld.store import audit

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(OSError):
        make_extract(xstore, "la-own", "503", YEAR, tmp_path / "x")
    assert list(tmp_path.iterdir()) == []


def test_lsoa_from_a_lookup_file(xstore: Store, keys: KeyRing, tmp_path: Path) -> None:
    src = source(xstore).to_pylist()
    people = sorted({r["postcode"] for r in src if r["la_code"] == "503"})[:2]
    lookup = tmp_path / "lsoa.csv"
    lookup.write_text("postcode,lsoa\n" + f"{people[0].lower()},E01000001\n"
                      + f"{people[1].replace(' ', '')},E01000002\n")
    ex = make_extract(xstore, "national", "NHSE", YEAR, tmp_path / "x", keys=keys,
                      lsoa_lookup=lookup)
    got = rows(ex.path)
    want = {people[0]: "E01000001", people[1]: "E01000002"}
    expected = sorted((r["postcode"].split()[0], want.get(r["postcode"], "")) for r in src)
    assert sorted((r["postcode_district"], r["lsoa"] or "") for r in got) == expected
    assert sum(r["lsoa"] is not None for r in got) == sum(r["postcode"] in want for r in src)
    assert ex.manifest["lsoa_lookup"]["file"] == "lsoa.csv"
    bad = tmp_path / "bad.csv"
    bad.write_text("pc,area\nAB1 2CD,E1\n")
    with pytest.raises(ExtractError, match="bad.csv: needs columns postcode and lsoa"):
        make_extract(xstore, "national", "NHSE", YEAR, tmp_path / "y", keys=keys,
                     lsoa_lookup=bad)
    assert not (tmp_path / "y").exists()


def test_key_file_inside_the_store_refused(xstore: Store, tmp_path: Path) -> None:
    inside = Path(xstore.root) / "pseudo.key"
    try:
        new_key_file(inside, date(2026, 1, 1))
        with pytest.raises(ExtractError, match="is inside the store"):
            make_extract(xstore, "sector", "LGA", YEAR, tmp_path / "x",
                         keys=load_key_file(inside))
    finally:
        inside.unlink()
    assert list(tmp_path.iterdir()) == []


def test_engine_failure_hides_the_data_and_writes_nothing(
        xstore: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = extract_mod._columns

    def failing(profile: Any, v: str, k: str | None, lsoa: str | None = None) -> Any:
        items, fields, joins = real(profile, v, k, lsoa)
        return items + [f"CAST({v}.last_name AS INTEGER) AS boom"], fields, joins

    monkeypatch.setattr(extract_mod, "_columns", failing)
    names = {r["last_name"] for r in source(xstore).to_pylist()}
    with pytest.raises(ExtractError, match="the engine failed") as e:
        make_extract(xstore, "la-own", "503", YEAR, tmp_path / "x")
    assert not any(n in str(e.value) for n in names)
    assert list(tmp_path.iterdir()) == []


def test_the_csv_holds_no_live_formula(tmp_path: Path) -> None:
    """Text starting with = + - @, tab or CR is written to the CSV with a leading apostrophe
    (the reports' rule); the Parquet keeps the values as they are; numbers are untouched."""
    import csv

    import duckdb

    from cld.reports.safe import neutralise

    values = ["=HYPERLINK(\"http://x\")", "+44 1", "-12.50", "@SUM(A1)", "\t=1", "\r=1",
              "plain", "a=b", None]
    raw = duckdb.connect()
    raw.execute("CREATE TABLE v (t VARCHAR, n INTEGER)")
    raw.executemany("INSERT INTO v VALUES (?, ?)", [[v, -i] for i, v in enumerate(values)])
    assert extract_mod._write(raw, "SELECT * FROM v", tmp_path) == len(values)
    with (tmp_path / "extract.csv").open(newline="", encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert [r["t"] for r in got] == [neutralise(v) or "" for v in values]
    assert got[0]["t"] == "'=HYPERLINK(\"http://x\")" and got[6]["t"] == "plain"
    assert [r["n"] for r in got] == [str(-i) for i in range(len(values))]
    assert pq.read_table(tmp_path / "extract.parquet")["t"].to_pylist() == values
