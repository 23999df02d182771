"""An LA's own data in the portal: the trace feedback (counts, CSV and XLSX), its dataset
(Parquet and CSV, neutralised), its figures beside the other LAs'; another LA's user is
refused every one of them, and every download is audited with the user."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.web.conftest import LA_A

YEAR = "2021/22"  # a year of these tests' own: the session's 2020/21 is traced and shared
A_PAGE = f"/las/{LA_A}/data/?year={YEAR}"
ODD = '=HYPERLINK("http://x.test","click")'  # a person id a spreadsheet would run


def signed_in(portal: Any, who: str) -> Any:
    from django.test import Client

    c = Client()
    c.force_login(portal.users[who])
    return c


def requests_of_a(portal: Any) -> list[dict[str, Any]]:
    from cld.engines import connect
    from cld.privacy.traceflow import requests_for

    return requests_for(connect(), portal.store, LA_A, YEAR).to_pyarrow().to_pylist()


def counting_a(portal: Any) -> Any:
    """LA A's version that counts for the year (other tests may have sent more)."""
    from cld.store import counting

    return counting(portal.store, YEAR, la=LA_A)[0]


def downloads(portal: Any, actor: str) -> list[dict[str, Any]]:
    from cld.store.models import AuditEvent

    return [json.loads(e.details) | {"la": e.la_code, "year": e.year}
            for e in AuditEvent.objects.using(portal.store.alias)
            .filter(action="download", actor=actor).order_by("pk")]


def body(r: Any) -> bytes:
    return b"".join(r.streaming_content)


@pytest.fixture(scope="module")
def own_year(portal: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """LA A's synthetic 2021/22, its first person id made formula-like, submitted."""
    import polars as pl

    from cld.store import submit
    from cld.synth import generate, write_submission

    src = tmp_path_factory.mktemp("own-year") / "503-2021-22.csv"
    write_submission(generate(LA_A, date(2021, 4, 1), date(2022, 3, 31), people=60, seed=3),
                     src)
    f = pl.read_csv(src, infer_schema_length=0)
    f = f.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(ODD))
                       .otherwise(pl.col("Person Unique Identifier"))
                       .alias("Person Unique Identifier"))
    f.write_csv(src)
    out = submit(portal.store, src, LA_A, YEAR, by="sub_a@example.test")
    assert out.kind == "accepted"
    return out.submission


@pytest.fixture(scope="module")
def traced(portal: Any, own_year: Any,
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """LA A's submission traced against a register that knows three of its people (the
    tracing tests' honest cross-check stand-in); person ids by the action expected."""
    from cld.privacy.traceflow import trace_submission
    from tests.privacy.tracekit import GP, cross_check, read_parquet_register

    req = requests_of_a(portal)
    sent = [r for r in req if r["nhs_number"] and len(r["nhs_number"]) == 10]
    known = sent[:3]
    reg = tmp_path_factory.mktemp("register") / "register.parquet"
    pq.write_table(pa.Table.from_pylist(
        [{"nhs_number": r["nhs_number"], "date_of_birth": r["date_of_birth"],
          "gp_practice_code": GP} for r in known],
        pa.schema([("nhs_number", pa.string()), ("date_of_birth", pa.date32()),
                   ("gp_practice_code", pa.string())])), reg)
    trace_submission(portal.store, LA_A, YEAR, reg, matcher=cross_check,
                     reader=read_parquet_register, by="proc_a@example.test")
    confirmed = {r["person_id"] for r in known}
    return {"confirmed": sorted(confirmed),
            "unconfirmed": sorted(r["person_id"] for r in req
                                  if r["nhs_number"] and r["person_id"] not in confirmed),
            "not traced": sorted(r["person_id"] for r in req if not r["nhs_number"])}


def test_before_tracing_the_page_says_so(portal: Any, own_year: Any) -> None:
    c = signed_in(portal, "ana_a")
    page = c.get(A_PAGE).content.decode()
    assert "has not been traced yet" in page and "feedback-files" not in page
    assert "as sent (not traced yet)" in page
    r = c.get(f"/las/{LA_A}/feedback.csv?year={YEAR}")
    assert r.status_code == 302 and r["Location"] == A_PAGE
    assert downloads(portal, "ana_a@example.test") == []  # nothing was sent


def test_the_feedback_counts_and_files(portal: Any, traced: dict[str, list[str]]) -> None:
    c = signed_in(portal, "sub_a")
    page = c.get(A_PAGE).content.decode()
    assert "has not been traced yet" not in page
    for action, people in traced.items():
        if people:
            assert re.search(rf'<th scope="row" class="govuk-table__header">{action}</th>\s*'
                             rf'<td class="govuk-table__cell govuk-table__cell--numeric">'
                             rf'{len(people)}</td>', page), action
    req = requests_of_a(portal)
    assert not any(r["nhs_number"] and r["nhs_number"] in page for r in req)  # no identifier
    assert not any(r["person_id"] in page for r in req)

    r = c.get(f"/las/{LA_A}/feedback.csv?year={YEAR}")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(body(r).decode("utf-8"))))
    assert len(rows) == len(req)
    csv_ids = sorted("'" + p if p == ODD else p for p in traced["confirmed"])  # neutralised
    assert sorted(x["Person ID"] for x in rows if x["Action"] == "confirmed") == csv_ids
    x = c.get(f"/las/{LA_A}/feedback.xlsx?year={YEAR}")
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(body(x))).namelist()
    seen = downloads(portal, "sub_a@example.test")[-2:]
    assert [(d["format"], d["what"], d["la"], d["year"], d["via"]) for d in seen] == [
        ("csv", "trace feedback", LA_A, YEAR, "portal"),
        ("xlsx", "trace feedback", LA_A, YEAR, "portal")]
    assert seen[0]["file"] == "trace-feedback-503-2021-22-v1-t1.csv"
    assert c.get(f"/las/{LA_A}/feedback.pdf?year={YEAR}").status_code == 404


def test_the_dataset_has_the_traced_numbers(portal: Any, traced: dict[str, list[str]]
                                            ) -> None:
    c = signed_in(portal, "proc_a")  # the region's processor may fetch it for the LA
    r = c.get(f"/las/{LA_A}/dataset.parquet?year={YEAR}")
    assert r.status_code == 200
    t = pq.read_table(io.BytesIO(body(r))).to_pylist()
    assert len(t) == counting_a(portal).rows
    assert {e["la_code"] for e in t} == {LA_A}
    assert sorted({e["person_id"] for e in t if e["traced_nhs_number"]}) == traced["confirmed"]
    d = downloads(portal, "proc_a@example.test")[-1]
    assert (d["format"], d["what"], d["file"]) == ("parquet", "consolidated dataset",
                                                   "cld-dataset-503-2021-22.parquet")


def test_the_dataset_csv_is_neutralised(portal: Any, own_year: Any) -> None:
    """A value starting with = in the LA's file is sent with a leading apostrophe."""
    r = signed_in(portal, "ana_a").get(f"/las/{LA_A}/dataset.csv?year={YEAR}")
    ids = [x["person_id"] for x in csv.DictReader(io.StringIO(body(r).decode("utf-8")))]
    assert "'" + ODD in ids and ODD not in ids
    d = downloads(portal, "ana_a@example.test")[-1]
    assert (d["format"], d["year"], d["file"]) == ("csv", YEAR, "cld-dataset-503-2021-22.csv")


def test_another_las_user_gets_none_of_it(portal: Any, traced: dict[str, list[str]]) -> None:
    c = signed_in(portal, "sub_b")
    for url in (A_PAGE, f"/las/{LA_A}/feedback.csv?year={YEAR}",
                f"/las/{LA_A}/feedback.xlsx?year={YEAR}",
                f"/las/{LA_A}/dataset.parquet?year={YEAR}",
                f"/las/{LA_A}/dataset.csv?year={YEAR}"):
        assert c.get(url).status_code == 403, url
    national = signed_in(portal, "national")  # identifiable: not for national analysts
    assert national.get(f"/las/{LA_A}/dataset.csv?year={YEAR}").status_code == 403
    # nothing of LA A's (another test records one of LA B's own downloads for sub_b)
    assert [d for d in downloads(portal, "sub_b@example.test") if d["la"] == LA_A] == []


class Cells(HTMLParser):
    """The rows of the table with id `figures`: each a list of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.inside = self.body = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", "figures") in attrs:
            self.inside = True
        elif self.inside and tag == "tbody":
            self.body = True
        elif self.body and tag == "tr":
            self.rows.append([])
        elif self.body and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.body and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.inside = self.body = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def test_the_figures_are_the_las_own_beside_the_benchmark(portal: Any, own_year: Any) -> None:
    from cld.derive.load import DEFAULT, load_profile
    from cld.derive.registry import OUTPUTS
    from cld.derive.run import derive_year, measures
    from cld.privacy.benchmark import benchmark
    from cld.privacy.disclosure import load_rule
    from cld.store.dataset import data_version
    from cld.web.portal.la_data import population, produce_figures

    c = signed_in(portal, "sub_a")
    page = c.get(f"/figures/?year={YEAR}").content.decode()
    assert "Produce the figures" in page and 'id="figures"' not in page
    r = c.post(f"/figures/?year={YEAR}")
    assert r.status_code == 302 and r["Location"] == f"/figures/?year={YEAR}"
    page = c.get(r["Location"]).content.decode()
    assert "Waiting to be produced" in page and 'http-equiv="refresh"' in page
    version = data_version(portal.store, YEAR)
    assert produce_figures.call(YEAR, version, "sub_a@example.test") == "done"
    page = c.get(f"/figures/?year={YEAR}").content.decode()
    assert 'http-equiv="refresh"' not in page and "SYNTHETIC" in page
    assert load_profile(DEFAULT).label in page
    parser = Cells()
    parser.feed(page)
    shown = {re.sub(r" \([^()]*\)$", "", row[0]): row for row in parser.rows}  # no unit

    # LA A's own figures, as cld.derive gives them for LA A alone
    pop = population()
    own = derive_year(portal.store, YEAR, load_profile(DEFAULT), las=[LA_A], population=pop)
    checked = 0
    for name in own.cells:
        o = OUTPUTS[name]
        if o.measure is None or o.kind == "costs" or o.unit == "pounds":
            continue
        m = measures(own, name).filter(pl_la(LA_A)).to_dicts()
        groups = [g for g in o.dims if g != "part"]
        for rec in m:
            label = o.title + "".join(f" – {rec[g]}" for g in groups[:1])
            if len(groups) > 1 or label not in shown:
                continue
            want = "{:,}".format(rec["outcome"]) if rec["outcome"] is not None else "no figure"
            assert shown[label][1].startswith(want), (label, shown[label], rec)
            assert shown[label][2].startswith("{:,}".format(int(rec["numerator"])))
            checked += 1
    assert checked > 5
    # the others' side: as the benchmark publishes it (only LA A has data: GEM and England
    # are LA A's own, its region rounded under the NHS rule, England exempt)
    report = benchmark(derive_year(portal.store, YEAR, load_profile(DEFAULT), population=pop),
                       load_rule())
    pub = {(r["series"], r["level"]): r for r in report.rows.to_dicts()}
    mine = json.loads((portal.store.root / "portal" / "figures" / "2021-22" / version
                       / f"{LA_A}.json").read_text())
    for f in mine["figures"]:
        assert f["region"] == pub[(f["series"], "region")]["value"]
        assert f["england"] == pub[(f["series"], "england")]["value"]
        assert f["rank"] == pub[(f["series"], "la")]["rank"]
    totals = [f for f in mine["figures"] if f["kind"] == "total" and f["value"] >= 8]
    assert totals and all(shown[f["title"]][3] == pub[(f["series"], "region")]["value"]
                          for f in totals)
    assert any(int(f["value"]) % 5 for f in totals)  # exact here, rounded as the region
    # LA B has no data counted: its user sees none of LA A's figures
    other = signed_in(portal, "sub_b").get(f"/figures/?year={YEAR}").content.decode()
    assert f"No accepted data of 716 counted for {YEAR}" in other
    assert 'id="figures"' not in other


def pl_la(la: str) -> Any:
    import polars as pl

    return (pl.col("level") == "la") & (pl.col("la_code") == la)
