"""What the tracing tests share: a store with two LAs' submissions, a small register, and an
honest stand-in for the matcher (cld.privacy.tracing.trace is another unit's): cross-check
only, a sent number found in the register with the same date of birth is confirmed (type 1);
any other sent number is unconfirmed, no number is not traced."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ibis.backends import BaseBackend

from cld.engines import connect
from cld.privacy.schema import RESULT_SCHEMA
from cld.store import Store, submit
from cld.synth import generate, write_submission

YEAR = "2020/21"
GP = "Y99999"  # the register's GP practice for everyone


@dataclass
class Fake:
    results: pa.Table
    review: pa.Table | None = None
    stats: dict[str, Any] = field(default_factory=lambda: {"config_version": "test-1"})


def cross_check(con: BaseBackend, requests: ir.Table, register: ir.Table,
                config: Any = None) -> Fake:
    r = register.select(r_nhs=register.nhs_number, r_dob=register.date_of_birth,
                        r_gp=register.gp_practice_code)
    j = requests.left_join(r, [requests.nhs_number == r.r_nhs,
                               requests.date_of_birth == r.r_dob])
    hit = j.r_nhs.notnull()
    action = ibis.ifelse(hit, "confirmed",
                         ibis.ifelse(j.nhs_number.notnull(), "unconfirmed", "not traced"))
    out = j.select(
        la_code=j.la_code, submission_id=j.submission_id, person_id=j.person_id,
        nhs_number_sent=j.nhs_number, traced_nhs_number=ibis.ifelse(hit, j.r_nhs, None),
        match_type=ibis.ifelse(hit, 1, 0).cast("int8"),
        match_weight=ibis.null("float64"),
        match_probability=ibis.ifelse(hit, 1.0, None).cast("float64"),
        gp_practice_code=j.r_gp, action=action,
        reason=ibis.ifelse(hit, "number and date of birth agree", ""),
        candidates=ibis.ifelse(hit, 1, 0).cast("int32"))
    return Fake(out.to_pyarrow().cast(RESULT_SCHEMA))


def read_parquet_register(con: BaseBackend, path: Path) -> ir.Table:
    return con.read_parquet(str(path))


def install_fake(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `cld.privacy.tracing` (imported lazily by traceflow) the stand-in above."""
    mod = types.ModuleType("cld.privacy.tracing")
    mod.trace = cross_check  # type: ignore[attr-defined]
    mod.read_register = read_parquet_register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cld.privacy.tracing", mod)


@dataclass
class Kit:
    store: Store
    register: Path
    confirmed: list[str]  # person ids of 503 the register confirms
    wrong_dob: str  # a 503 person whose number is in the register with another birth date


def build(folder: Path) -> Kit:
    """A store with 503's and 318's submissions and a register that knows four 503 people:
    three with their date of birth, one with another."""
    from cld.privacy.traceflow import requests_for

    store = Store.open(folder / "store")
    for la, seed in (("503", 5), ("318", 6)):
        f = folder / f"{la}.csv"
        write_submission(generate(la, date(2020, 4, 1), date(2021, 3, 31), people=30,
                                  seed=seed), f)
        assert submit(store, f, la, YEAR).kind == "accepted"
    req = requests_for(connect(), store, "503", YEAR).to_pyarrow().to_pylist()
    sent = [r for r in req if r["nhs_number"] and len(r["nhs_number"]) == 10]
    known, odd = sent[:3], sent[3]
    rows = [{"nhs_number": r["nhs_number"], "date_of_birth": r["date_of_birth"],
             "gp_practice_code": GP} for r in known]
    rows.append({"nhs_number": odd["nhs_number"],
                 "date_of_birth": odd["date_of_birth"] + timedelta(days=1),
                 "gp_practice_code": GP})
    reg = folder / "register.parquet"
    pq.write_table(pa.Table.from_pylist(rows, pa.schema([
        ("nhs_number", pa.string()), ("date_of_birth", pa.date32()),
        ("gp_practice_code", pa.string())])), reg)
    return Kit(store, reg, [r["person_id"] for r in known], odd["person_id"])


@pytest.fixture(scope="module")
def kit_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tracekit")
    build(folder).store.close()
    return folder


@pytest.fixture
def kit(kit_folder: Path, tmp_path: Path) -> Iterator[Kit]:
    """A fresh copy of the module's store for each test."""
    import shutil

    shutil.copytree(kit_folder, tmp_path / "kit", symlinks=True)
    store = Store.open(tmp_path / "kit" / "store", create=False)
    k = _kit_of(store, tmp_path / "kit")
    yield k
    store.close()


def _kit_of(store: Store, folder: Path) -> Kit:
    """The Kit of a copied store (its register tells the people it knows)."""
    from cld.privacy.traceflow import requests_for

    reg = pq.read_table(folder / "register.parquet").to_pylist()
    req = {(r["nhs_number"], r["date_of_birth"]): r["person_id"]
           for r in requests_for(connect(), store, "503", YEAR).to_pyarrow().to_pylist()}
    confirmed = [req[(r["nhs_number"], r["date_of_birth"])] for r in reg[:3]]
    odd = [pid for (nhs, _), pid in req.items() if nhs == reg[3]["nhs_number"]][0]
    return Kit(store, folder / "register.parquet", confirmed, odd)
