"""derive on PySpark gives the same contributions and cells as on DuckDB.

One consolidated dataset is built the way a national run gets it (synthetic submissions of
three LAs through `cld submit` into a temporary store, then the store's Parquet export), with
a few hand-made edge rows added (no NHS number, two editions of an event, a death inside an
open event, a leap-day birthday, an unknown birth date). The Parquet file is read on DuckDB
and on a local Spark session, and every registered output (plus a probe that uses the ibis
constructs outputs rely on: windows, lag, running max, day deltas, month truncation, joins)
is derived under both shipped profiles and compared cell by cell and row by row.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pytest

from cld.derive.blocks.age import age_at, band
from cld.derive.blocks.events import derived_end, latest_editions
from cld.derive.blocks.person import with_person_key
from cld.derive.cells import cells
from cld.derive.compute import derive
from cld.derive.load import load_profile
from cld.derive.profile import AgeBand
from cld.derive.registry import OUTPUTS, Inputs, Output, output
from cld.derive.testing import events
from cld.engines import connect, put

pytestmark = [pytest.mark.spark, pytest.mark.slow,
              # pyspark 4.0 and ibis 12 on pandas 3 (their own code, not ours)
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
              pytest.mark.filterwarnings("ignore:The 'future.infer_string' option")]

YEAR = "2023/24"
START, END = date(2023, 4, 1), date(2024, 3, 31)
LAS = (("503", 31), ("318", 32), ("716", 33))
PROFILES = ("nhse-2023", "dhsc-2024")
EVENT_TYPES = {"Request", "Assessment", "Service", "Review"}


def _edge_rows() -> list[dict[str, Any]]:
    svc = {"event_type": "Service", "service_type": "Long Term Support: Community",
           "service_component": "Home Support", "delivery_mechanism": "Direct Payment"}
    return [
        # NHSD's person-key example: 456 is seen with an NHS number, so its lone row is
        # dropped under nhse-2023 and kept under dhsc-2024
        {"la_code": "503", "nhs_number": "4000000123", "person_id": None,
         "event_type": "Request", "event_start": "02/05/2023", "event_end": "02/05/2023"},
        {"la_code": "503", "nhs_number": "4000000123", "person_id": "X456",
         "event_type": "Assessment", "event_start": "03/05/2023", "event_end": "20/05/2023"},
        {"la_code": "503", "nhs_number": None, "person_id": "X456", **svc,
         "event_start": "01/06/2023"},
        {"la_code": "503", "nhs_number": None, "person_id": "X789", **svc,
         "event_start": "01/07/2023", "date_of_birth": None},
        # two editions of one service: the later closed one supersedes the open one
        {"la_code": "318", "nhs_number": "4000000999", "person_id": "E1", **svc,
         "event_start": "01/04/2023", "submission_version": 1},
        {"la_code": "318", "nhs_number": "4000000999", "person_id": "E1", **svc,
         "event_start": "01/04/2023", "event_end": "31/12/2023", "submission_version": 2},
        # a death inside an open event; a leap-day birthday
        {"la_code": "716", "nhs_number": "4000000555", "person_id": "D1", **svc,
         "event_start": "01/05/2023", "date_of_death": "15/10/2023",
         "date_of_birth": "01/03/1931"},
        {"la_code": "716", "nhs_number": "4000000777", "person_id": "L1", **svc,
         "event_start": "01/04/2023", "event_end": "29/02/2024",
         "date_of_birth": "29/02/2004", "unit_cost": 123.45, "planned_units": 3.0,
         "cost_frequency": "Weekly"},
    ]


def _dataset(tmp: Path) -> pa.Table:
    """The store's consolidated dataset of three synthetic LAs, plus the edge rows."""
    from cld.store import Store, export_dataset, submit
    from cld.synth import generate, write_submission

    store = Store.open(tmp / "store", None)
    try:
        for la, seed in LAS:
            path = tmp / f"{la}.csv"
            write_submission(generate(la, START, END, people=20, seed=seed), path)
            assert submit(store, path, la, YEAR).submission.status == "accepted"
        out = tmp / "dataset.parquet"
        export_dataset(store, YEAR, out)
    finally:
        store.close()
    import pyarrow.parquet as pq

    data = pq.read_table(out)
    extra = events(_edge_rows()).to_pyarrow()
    rows = data.num_rows
    cols = {}
    for f in data.schema:
        if f.name in extra.column_names:
            cols[f.name] = extra.column(f.name).cast(f.type)
        elif f.name == "source_row":
            cols[f.name] = pa.array([rows + i for i in range(extra.num_rows)], f.type)
        else:
            cols[f.name] = pa.nulls(extra.num_rows, f.type)
    return pa.concat_tables([data, pa.table(cols, schema=data.schema)])


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("spark")
    path = tmp / "events.parquet"
    import pyarrow.parquet as pq

    pq.write_table(_dataset(tmp), path)
    return path


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    con = connect("pyspark", memory_limit="4g")
    # a few hundred rows: compiling Java for every stage costs more than running it
    # interpreted (same results; a cluster keeps whole-stage code generation on)
    con._session.conf.set("spark.sql.codegen.wholeStage", "false")  # type: ignore[attr-defined]
    con._session.conf.set("spark.sql.codegen.factoryMode", "NO_CODEGEN")  # type: ignore[attr-defined]
    yield con
    con._session.stop()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def tables(parquet: Path, spark: Any) -> dict[str, ir.Table]:
    """The dataset on each engine, read from the Parquet file as a national run reads it
    (the row of the LA's file, `source_row` in the export, is `_row` to derive)."""
    return {"duckdb": connect("duckdb").read_parquet(str(parquet)).rename(_row="source_row"),
            "pyspark": spark.read_parquet(str(parquet)).rename(_row="source_row")}


def _norm(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 6) if math.isfinite(v) else v
    return v


def _rows(t: ir.Table, con: Any = None) -> list[tuple[Any, ...]]:
    data = con.to_pyarrow(t) if con is not None else t.to_pyarrow()
    return sorted((tuple(_norm(v) for v in r.values()) for r in data.to_pylist()),
                  key=lambda r: tuple((v is None, "" if v is None else v) for v in r))


# A probe output that uses what outputs use, so the comparison has teeth whatever is
# registered: previous event per person (lag), running max of earlier ends, day deltas,
# month truncation, age bands, a self join, a union, cases, and money sums.
def _probe(inputs: Inputs) -> ir.Table:
    t = inputs.events
    common = inputs.profile.common
    ps = ibis.literal(inputs.period_start, type="date")
    pe = ibis.literal(inputs.period_end, type="date")
    end = t.end_derived.fill_null(pe)
    w = ibis.window(group_by=t.person_key, order_by=[t.event_start, t.event_type, t.event_key])
    earlier = ibis.window(group_by=t.person_key,
                          order_by=[t.event_start, t.event_type, t.event_key], rows=(None, -1))
    t = t.mutate(prev_start=t.event_start.lag().over(w), prev_max_end=end.max().over(earlier),
                 nth=ibis.row_number().over(w), days=end.delta(t.event_start, unit="day"),
                 month=t.event_start.truncate("M"),
                 age=age_at(t, pe, common))
    gap = t.event_start.delta(t.prev_max_end, unit="day")
    t = t.mutate(group=ibis.cases(
        (t.prev_start.isnull(), "first"),
        (gap <= 0, "overlaps an earlier event"),
        (gap <= 7, "within a week"),
        else_="later"))
    bands = (AgeBand(label="18-64", min=18, max=64), AgeBand(label="65+", min=65))
    inside = (t.event_start <= pe) & (end >= ps)
    t = t.filter(inside)
    people = t.group_by(["la_code", "person_key"]).aggregate(n=t.count(), days=t.days.sum())
    j = t.inner_join(people, ["la_code", "person_key"])
    counts = j.select(
        la_code=j.la_code, unit=j.person_key, group=j.group,
        age=band(j.age, bands),
        rule=ibis.literal("probe>") + j.month.cast("string") + ">" + j.nth.cast("string"),
        value=(j.days / j.n).cast("float64"))
    money = t.filter(t.unit_cost.notnull()).select(
        la_code=t.la_code, unit=t.person_key, group=ibis.literal("costed"),
        age=band(t.age, bands), rule=ibis.literal("probe>cost"),
        value=t.unit_cost * t.planned_units.fill_null(1.0))
    return counts.union(money)


PROBE = Output(code="PROBE", title="Spark probe", kind="costs",
               dims={"group": ("first", "overlaps an earlier event", "within a week", "later",
                               "costed"),
                     "age": None},
               build=_probe, unit="pounds")


@pytest.fixture
def probe() -> Iterator[str]:
    output(PROBE)
    try:
        yield PROBE.name
    finally:
        OUTPUTS.pop(PROBE.name, None)


def test_the_dataset_has_what_outputs_meet(tables: dict[str, ir.Table]) -> None:
    t = tables["pyspark"]
    got = t.aggregate(las=t.la_code.nunique(), deaths=t.date_of_death.count(),
                      open=t.event_end.isnull().sum(), no_nhs=t.nhs_number.isnull().sum())
    [row] = got.to_pyarrow().to_pylist()
    assert row["las"] == 3 and row["deaths"] > 0 and row["open"] > 0 and row["no_nhs"] == 2
    types = {r["event_type"] for r in t.select("event_type").distinct().to_pyarrow().to_pylist()}
    assert types == EVENT_TYPES
    cols = ("la_code", "_row", "event_start", "event_end", "date_of_birth", "unit_cost")
    assert _rows(tables["duckdb"].select(*cols)) == _rows(t.select(*cols))


@pytest.mark.parametrize("name", PROFILES)
def test_blocks_identical_on_hand_made_rows(spark: Any, name: str) -> None:
    """The common blocks over hand-made rows put on each engine."""
    common = load_profile(name).common
    data = events(_edge_rows() + [{"date_of_birth": d} for d in (
        date(2000, 2, 29), date(1960, 3, 31), date(2006, 4, 1))]).to_pyarrow()
    got = []
    for con in (connect("duckdb"), spark):
        t = with_person_key(put(con, "edge_rows", data), common)
        day = ibis.literal(date(2024, 3, 30), type="date")
        out = t.mutate(end=derived_end(t), age=age_at(t, day, common),
                       band=band(age_at(t, day, common), common.age_bands["salt"]))
        out = latest_editions(out.filter(~out.key_dropped), common)
        got.append(_rows(out.select("_row", "person_key", "end", "age", "band")))
    assert got[0] == got[1]
    assert (9, "L:503:P1", None, 24, "18-64") in got[0]  # born 29/02/2000, month precision
    assert (7, "N:4000000555", date(2023, 10, 15), 93, "65+") in got[0]  # death ends it


def _on_spark(derived: Any, name: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The sorted rows of one output's contributions and cells on Spark. The contributions
    are cached first, so Spark plans the output's (large) query once, and the cells are
    `cells()` over them, as derive builds them. An output Spark cannot run fails the test
    with its name."""
    try:
        expr = derived.contributions[name]
        # ibis 12's PySpark cache() runs the query without first registering the in-memory
        # tables (memtables) it reads, so register them as an execution would
        expr._find_backend()._register_in_memory_tables(expr)
        contributions = expr.cache()
        try:
            return (_rows(contributions),
                    _rows(cells(OUTPUTS[name], contributions, sorted(la for la, _ in LAS))))
        finally:
            contributions.release()
    except Exception as exc:
        raise AssertionError(f"{name}: fails on PySpark: {exc}") from exc


@pytest.mark.parametrize("name", PROFILES)
def test_every_output_identical(tables: dict[str, ir.Table], probe: str, name: str) -> None:
    profile = load_profile(name)
    runs = {k: derive(t, profile, START, END, cache=True) for k, t in tables.items()}
    duck, spark = (runs[k] for k in ("duckdb", "pyspark"))
    # prepare(): person key, death-derived end, latest editions; rows without a key
    cols = ("la_code", "_row", "person_key", "end_derived")
    assert _rows(duck.events.select(*cols)) == _rows(spark.events.select(*cols))
    # the person-key rule differs by profile: only nhse-2023 drops X456's lone row
    assert _rows(duck.dropped) == _rows(spark.dropped) == (
        [("503", 1)] if name == "nhse-2023" else [])
    names = list(OUTPUTS)
    assert probe in names and list(spark.cells) == names
    # one output at a time: a union of every output's plan is too big for a small driver
    assert _rows(duck.cells[probe]) == _rows(spark.cells[probe])  # derive's own cells
    idle = set()
    for n in names:
        got_contributions, got_cells = _on_spark(spark, n)
        assert _rows(duck.contributions[n]) == got_contributions, n
        want = _rows(duck.cells[n])
        assert want == got_cells, n
        if not any(r[-1] for r in want):
            idle.add(n)
    # the comparison means something only where units are counted: the probe and most
    # outputs count some on this data (a few tables need rarer chronologies)
    assert probe not in idle and len(idle) * 4 < len(names), f"nothing counted in {idle}"
