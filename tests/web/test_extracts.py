"""Tracing, extracts and the benchmark in the portal: a processor traces an LA and makes a
recipient's extract, the recipient (and only it) downloads it; national analysts see the
national team's extracts and the benchmark. Every run and download audited with the user."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.web.conftest import LA_A


def signed_in(portal: Any, who: str) -> Any:
    from django.test import Client

    c = Client()
    c.force_login(portal.users[who])
    return c


def last_event(portal: Any) -> dict[str, Any]:
    from cld.store.queries import audit_events

    ev = audit_events(portal.store, 1)[0]
    return {**ev, "details": json.loads(ev["details"])}


def org(name: str) -> Any:
    from cld.web.accounts.models import Organisation

    return Organisation.objects.get(name=name)


def identifiers(portal: Any) -> set[str]:
    """NHS numbers, names and postcodes of the synthetic submission (never on a page)."""
    with portal.synthetic.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cols = [c for c in rows[0] if c.lower().replace(" ", "_") in
            {"nhs_number", "first_name", "last_name", "postcode"}]
    assert len(cols) == 4, rows[0].keys()
    return {r[c] for r in rows for c in cols if r[c] and len(r[c]) > 4}


def test_trace_extract_download(portal: Any) -> None:
    """The whole flow: trace LA A, make Recipient's extract, the recipient downloads it."""
    from cld.store.models import Trace
    from cld.web.portal import jobs
    from cld.web.portal.models import Extract, Run

    proc = signed_in(portal, "proc_a")
    r = proc.post(f"/las/{LA_A}/tracing/", {"year": "2020/21"})
    assert r.status_code == 302
    run = Run.objects.latest("pk")
    assert (run.kind, run.la_code, run.state) == ("trace", LA_A, "queued")
    assert "Waiting to be traced" in proc.get(r["Location"]).content.decode()
    assert jobs.trace.call(run.pk) == "done"
    page = proc.get(r["Location"]).content.decode()
    stored = Trace.objects.using(portal.store.alias).order_by("-pk").first()
    counts = json.loads(stored.counts)
    assert sum(counts.values()) == stored.rows > 0
    for action in ("confirmed", "corrected", "added", "unconfirmed", "not traced",
                   "ambiguous"):
        cell = f'<td class="govuk-table__cell govuk-table__cell--numeric">' \
               f'{counts.get(action, 0):,}</td>'
        assert f'<th scope="row" class="govuk-table__header">{action}</th>{cell}' in page
    assert not {x for x in identifiers(portal) if x in page}
    ev = last_event(portal)
    assert (ev["actor"], ev["action"], ev["la_code"]) == ("proc_a@example.test", "trace", LA_A)

    r = proc.post("/extracts/new/", {"org": org("Recipient").pk, "year": "2020/21"})
    assert r.status_code == 302
    ex = Extract.objects.latest("pk")
    assert (ex.profile, ex.recipient, ex.state, ex.user.username) == (
        "sector", "ADASS", "queued", "proc_a@example.test")
    assert jobs.make_extract.call(ex.pk) == "done"
    ex.refresh_from_db()
    folder = portal.store.path(ex.folder)
    assert folder.is_relative_to(portal.store.root / "portal" / "extracts")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert (manifest["profile"], manifest["recipient"]["id"], manifest["rows"]) == (
        "sector", "ADASS", ex.rows)
    ev = last_event(portal)
    assert (ev["actor"], ev["action"], ev["details"]["folder"]) == (
        "proc_a@example.test", "extract", folder.name)
    # the processor sees the state, not the files
    status = proc.get(f"/extracts/{ex.pk}/").content.decode()
    assert "Rows" in status and f"/extracts/{ex.pk}/extract.csv" not in status

    rec = signed_in(portal, "recipient")
    listed = rec.get("/extracts/").content.decode()
    assert f'href="/extracts/{ex.pk}/"' in listed
    status = rec.get(f"/extracts/{ex.pk}/").content.decode()
    assert f'href="/extracts/{ex.pk}/extract.csv"' in status
    for name in ("extract.parquet", "extract.csv", "manifest.json"):
        r = rec.get(f"/extracts/{ex.pk}/{name}")
        assert r.status_code == 200, name
        assert b"".join(r.streaming_content) == (folder / name).read_bytes()
        assert f"sector-ADASS-2020-21-{ex.pk}-{name}" in r["Content-Disposition"]
        ev = last_event(portal)
        assert (ev["actor"], ev["action"], ev["year"]) == ("recipient@example.test",
                                                            "download", "2020/21")
        assert (ev["details"]["extract"], ev["details"]["file"]) == (ex.pk, name)
    assert pq.read_table(folder / "extract.parquet").num_rows == ex.rows
    from cld.store.audit import verify

    assert verify(portal.store.alias).ok


def test_one_recipient_cannot_open_anothers_extract(portal: Any) -> None:
    other = signed_in(portal, "recipient_b")
    listed = other.get("/extracts/").content.decode()
    assert f'href="/extracts/{portal.extract}/"' not in listed
    assert "No extract has been made for your organisation yet" in listed
    assert other.get(f"/extracts/{portal.extract}/").status_code == 403
    for name in ("extract.parquet", "extract.csv", "manifest.json"):
        assert other.get(f"/extracts/{portal.extract}/{name}").status_code == 403
    for who in ("sub_a", "ana_a", "sub_b"):  # LA users see none of it
        c = signed_in(portal, who)
        assert c.get("/extracts/").status_code == 403
        assert c.get(f"/extracts/{portal.extract}/extract.csv").status_code == 403
    rec = signed_in(portal, "recipient")
    assert rec.get(f"/extracts/{portal.extract}/../store.yaml").status_code == 404
    assert rec.get(f"/extracts/{portal.extract}/register.csv").status_code == 404


def test_a_recipients_home_shows_only_its_extracts(portal: Any) -> None:
    page = signed_in(portal, "recipient").get("/").content.decode()
    assert 'href="/extracts/"' in page
    for other in ("/upload/", "/tracker/", "/benchmark/", "/las/", "/versions/"):
        assert f'href="{other}' not in page
    assert 'href="/las/503/tracing/"' in signed_in(portal, "proc_a").get("/").content.decode()


def test_the_national_team_sees_its_extracts_only(portal: Any) -> None:
    from cld.web.portal import jobs
    from cld.web.portal.models import Extract

    proc = signed_in(portal, "proc_b")
    r = proc.post("/extracts/new/", {"org": org("National").pk, "year": "2020/21"})
    ex = Extract.objects.latest("pk")
    assert r.status_code == 302 and (ex.profile, ex.recipient) == ("national", "NHSE")
    assert jobs.make_extract.call(ex.pk) == "done"
    nat = signed_in(portal, "national")
    listed = nat.get("/extracts/").content.decode()
    assert f'href="/extracts/{ex.pk}/"' in listed
    assert f'href="/extracts/{portal.extract}/"' not in listed  # Recipient's
    r = nat.get(f"/extracts/{ex.pk}/extract.csv")
    assert r.status_code == 200
    header = b"".join(r.streaming_content).decode().splitlines()[0].split(",")
    assert "person_id_token" in header and "person_id" not in header
    assert nat.get(f"/extracts/{portal.extract}/").status_code == 403
    assert signed_in(portal, "recipient").get(f"/extracts/{ex.pk}/").status_code == 403


def test_the_benchmark_page_and_its_downloads(portal: Any) -> None:
    import polars as pl

    from cld.web.portal import jobs
    from cld.web.portal.models import Run

    nat = signed_in(portal, "national")
    r = nat.post("/benchmark/", {"year": "2020/21"})
    run = Run.objects.latest("pk")
    assert r.status_code == 302 and run.kind == "benchmark" and run.state == "queued"
    assert jobs.benchmark.call(run.pk) == "done"
    ev = last_event(portal)
    assert (ev["actor"], ev["action"]) == ("national@example.test", "benchmark")
    run.refresh_from_db()
    written = pl.read_csv(portal.store.path(run.folder) / "benchmark.csv", infer_schema=False)
    first = written["series"][0]
    mine = written.filter((pl.col("series") == first) & (pl.col("area_code") == LA_A)).row(
        0, named=True)
    page = nat.get(f"/benchmark/{run.pk}/").content.decode()
    assert f'<option value="{first}" selected>' in page
    assert (f'<th scope="row" class="govuk-table__header">{LA_A} {mine["area_name"]}</th>'
            in page)
    assert f'{mine["rank"] or ""}</td>' in page
    for name in ("benchmark.csv", "benchmark.xlsx", "benchmark.html"):
        r = nat.get(f"/benchmark/{run.pk}/{name}")
        assert r.status_code == 200
        assert b"".join(r.streaming_content) == (portal.store.path(run.folder) / name
                                                 ).read_bytes()
        ev = last_event(portal)
        assert (ev["actor"], ev["action"], ev["details"]["file"]) == (
            "national@example.test", "download", name)
    assert nat.get(f"/benchmark/{run.pk}/store.yaml").status_code == 404


def test_form_errors_queue_nothing(portal: Any) -> None:
    from cld.web.portal.models import Extract, Run

    before = (Extract.objects.count(), Run.objects.count())
    proc = signed_in(portal, "proc_a")
    r = proc.post("/extracts/new/", {"org": "999999", "year": "1999/00"})
    page = r.content.decode()
    assert r.status_code == 400 and "Select the recipient organisation" in page
    assert "Select the reporting year" in page and "govuk-error-summary" in page
    r = proc.post("/las/503/tracing/", {"year": "nope"})
    assert r.status_code == 400 and "Select the reporting year" in r.content.decode()
    assert proc.post("/benchmark/", {}).status_code == 400
    assert (Extract.objects.count(), Run.objects.count()) == before


def test_no_register_configured_says_what_to_set(portal: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from cld.web import boot

    # the store the portal serves (a `cld` command run by another test may have reopened it)
    monkeypatch.setattr(boot.store().settings.tracing, "register_path", None)
    r = signed_in(portal, "proc_a").get(f"/las/{LA_A}/tracing/")
    page = r.content.decode()
    assert r.status_code == 409 and "No register to trace against is configured" in page
    assert "tracing: register:" in page and "Traceback" not in page


def test_a_missing_key_file_says_how_to_make_one(portal: Any, tmp_path: Path) -> None:
    from django.test.utils import override_settings

    from cld.web.portal.models import Extract

    before = Extract.objects.count()
    missing = tmp_path / "none.key"
    with override_settings(CLD_PSEUDONYMISATION_KEY_FILE=str(missing)):
        r = signed_in(portal, "proc_a").post("/extracts/new/", {"org": org("Recipient").pk,
                                                                 "year": "2020/21"})
    page = r.content.decode()
    assert r.status_code == 409 and f"cld keys new --out {missing}" in page
    assert Extract.objects.count() == before


def test_a_failed_extract_shows_why(portal: Any, tmp_path: Path) -> None:
    from django.test.utils import override_settings

    from cld.web.portal import jobs
    from cld.web.portal.models import Extract

    o = org("Recipient")
    ex = Extract.objects.create(organisation=o, profile=o.profile, recipient=o.recipient_code,
                                year="2020/21", user=portal.users["proc_a"],
                                folder="portal/extracts/failing")
    with override_settings(CLD_PSEUDONYMISATION_KEY_FILE=str(tmp_path / "gone.key")):
        assert jobs.make_extract.call(ex.pk) == "failed"
    page = signed_in(portal, "proc_a").get(f"/extracts/{ex.pk}/").content.decode()
    assert "The extract could not be made" in page and "does not exist" in page
    assert not portal.store.path(ex.folder).exists()
    assert f'href="/extracts/{ex.pk}/"' not in signed_in(portal, "recipient").get(
        "/extracts/").content.decode()  # a recipient sees only extracts made


@pytest.mark.parametrize("kind, profile, recipient, message", [
    ("recipient", None, None, "needs a dissemination profile"),
    ("recipient", "nosuch", None, "'nosuch'"),
    ("recipient", "la-own", "503", "'la-own'"),
    ("recipient", "sector", None, "no recipient None"),
    ("recipient", "sector", "CQC", "no recipient 'CQC'"),
    ("recipient", "icb", "QXXX9", "no recipient 'QXXX9'"),
    ("la", "sector", "ADASS", "kind recipient or national only"),
])
def test_an_organisations_profile_is_checked(portal: Any, kind: str, profile: str | None,
                                             recipient: str | None, message: str) -> None:
    from cld.web.accounts.manage import AccountError, add_org

    with pytest.raises(AccountError, match=message.replace("(", r"\(")):
        add_org("Refused", kind, la="318" if kind == "la" else None, profile=profile,
                recipient=recipient)
    assert not org_exists("Refused")


def test_an_icb_recipient_gets_its_code_and_a_sole_recipient_its_id(portal: Any) -> None:
    from cld.privacy.commissioners import load_lookup
    from cld.web.accounts.manage import add_org

    code = sorted(load_lookup().names())[0]
    icb = add_org("An ICB", "recipient", profile="icb", recipient=code)
    cqc = add_org("Another CQC", "recipient", profile="cqc")
    assert (icb.profile, icb.recipient_code) == ("icb", code)
    assert (cqc.profile, cqc.recipient_code) == ("cqc", "CQC")
    ev = last_event(portal)
    assert ev["details"]["profile"] == "cqc" and ev["details"]["recipient"] == "CQC"


def org_exists(name: str) -> bool:
    from cld.web.accounts.models import Organisation

    return Organisation.objects.filter(name=name).exists()



def test_cld_orgs_add_takes_and_checks_the_profile(tmp_path: Path) -> None:
    import subprocess
    import sys

    def orgs_add(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cld", "orgs", "add", *args, "--store",
                               str(tmp_path / "store")], capture_output=True, text=True,
                              timeout=120)

    bad = orgs_add("X", "--kind", "recipient", "--profile", "sector", "--recipient", "ZZZ")
    assert bad.returncode == 2 and "profile sector has no recipient 'ZZZ'" in bad.stderr
    good = orgs_add("LGA", "--kind", "recipient", "--profile", "sector", "--recipient", "LGA")
    assert good.returncode == 0 and "added organisation LGA (recipient)" in good.stdout
