"""Uploading: checked before anything is queued (size, name, type), validated in the
background, the result and its reports read back; every download audited with the user."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import LA_A


def signed_in(portal: Any, who: str) -> Any:
    from django.test import Client

    c = Client()
    c.force_login(portal.users[who])
    return c


def post(c: Any, name: str, content: bytes, mode: str = "validate") -> Any:
    f = io.BytesIO(content)
    f.name = name
    return c.post("/upload/", {"year": "2020/21", "mode": mode, "file": f})


def upload_folders(portal: Any) -> set[Path]:
    return set((portal.store.root / "portal" / "uploads").iterdir())


def test_a_checked_upload_shows_what_the_engine_found(portal: Any) -> None:
    from cld.validation.engine import validate
    from cld.web.portal.models import Upload
    from cld.web.portal.tasks import process_upload

    c = signed_in(portal, "ana_a")
    r = post(c, "my file.csv", portal.synthetic.read_bytes())
    assert r.status_code == 302
    up = Upload.objects.latest("pk")
    assert (up.la_code, up.mode, up.state, up.filename) == (LA_A, "validate", "queued",
                                                            "my file.csv")
    assert "Waiting to be checked" in c.get(r["Location"]).content.decode()
    assert process_upload.call(up.pk) == "done"
    r = c.get(f"/uploads/{up.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/checks/{up.pk}/"
    page = c.get(r["Location"]).content.decode()
    expected = validate(portal.synthetic, la_code=LA_A).summary
    assert expected.errors and expected.errors > 0  # the synthetic file has defects
    assert f'<dd class="govuk-summary-list__value" id="errors">{expected.errors:,}</dd>' in page
    assert "Checked only: nothing was stored." in page
    assert not (portal.store.path(up.folder) / "my file.csv").exists()  # not kept


def test_issues_are_paginated(portal: Any) -> None:
    from cld.store.queries import stored_result
    from cld.web.portal.views import PAGE

    n = stored_result(portal.store, portal.submission).result.issues.num_rows
    assert n > PAGE  # enough problems for two pages
    c = signed_in(portal, "sub_a")
    first = c.get(f"/submissions/{portal.submission}/").content.decode()
    last_page = (n + PAGE - 1) // PAGE
    last = c.get(f"/submissions/{portal.submission}/?page={last_page}").content.decode()
    assert f"Showing 1 to {PAGE} of {n:,}" in first and 'rel="next"' in first
    assert f"Showing {(last_page - 1) * PAGE + 1} to {n} of {n:,}" in last
    assert 'rel="next"' not in last


def test_an_analyst_cannot_submit(portal: Any) -> None:
    from cld.web.portal.models import Upload

    before = Upload.objects.count()
    r = post(signed_in(portal, "ana_a"), "x.csv", portal.synthetic.read_bytes(), "submit")
    assert r.status_code == 400 and "validate only or submit" in r.content.decode()
    assert 'value="submit"' not in r.content.decode()
    assert Upload.objects.count() == before


@pytest.mark.parametrize(("name", "content", "says"), [
    ("data.csv", b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "not a CSV"),
    ("data.csv", b"%PDF-1.7\n" + b"x" * 200, "not a CSV"),
    ("data.xlsx", b"LA Code,Event Type\n503,Request\n", "not an Excel workbook"),
    ("data.exe", b"LA Code\n503\n", "only CSV (.csv) or Excel (.xlsx)"),
    ("..", b"LA Code\n503\n", "Select a CSV or XLSX file"),  # Django drops the name
])
def test_files_that_are_not_submissions_are_refused(portal: Any, name: str, content: bytes,
                                                    says: str) -> None:
    from cld.web.portal.models import Upload

    before, folders = Upload.objects.count(), upload_folders(portal)
    r = post(signed_in(portal, "sub_a"), name, content)
    assert r.status_code == 400 and says in r.content.decode()
    assert Upload.objects.count() == before and upload_folders(portal) == folders


def test_a_path_in_the_name_goes_nowhere(portal: Any) -> None:
    from cld.web.portal.models import Upload

    r = post(signed_in(portal, "sub_a"), "../../../evil.csv", portal.synthetic.read_bytes())
    assert r.status_code == 302
    up = Upload.objects.latest("pk")
    assert up.filename == "evil.csv"
    stored = portal.store.path(up.folder)
    assert stored.parent == portal.store.root / "portal" / "uploads"
    assert [p.name for p in stored.iterdir()] == ["evil.csv"]
    assert list(portal.store.root.parent.rglob("evil.csv")) == [stored / "evil.csv"]


@pytest.mark.parametrize("size", [5_000, 200_000])  # caught while streaming / by its length
def test_an_oversized_file_is_refused(portal: Any, size: int) -> None:
    from django.test import override_settings

    from cld.web.portal.models import Upload

    before, folders = Upload.objects.count(), upload_folders(portal)
    with override_settings(CLD_MAX_UPLOAD=1_000):
        r = post(signed_in(portal, "sub_a"), "big.csv", b"LA Code\n" + b"503\n" * (size // 4))
    assert r.status_code == 400 and "must be smaller than" in r.content.decode()
    assert Upload.objects.count() == before and upload_folders(portal) == folders


def test_every_report_format_downloads_and_is_audited(portal: Any) -> None:
    from cld.store.audit import verify
    from cld.store.queries import audit_events

    c = signed_in(portal, "proc_a")
    for fmt, starts in [("xlsx", b"PK\x03\x04"), ("json", b"{"), ("csv", b""),
                        ("html", b"<!DOCTYPE html")]:
        r = c.get(f"/submissions/{portal.submission}/report.{fmt}")
        assert r.status_code == 200, fmt
        body = b"".join(r.streaming_content)
        assert body.startswith(starts) and len(body) > 100
        assert f'filename="503-2020-21-v1-dq.{fmt}"' in r["Content-Disposition"]
        last = audit_events(portal.store, 1)[0]
        assert (last["actor"], last["action"], last["la_code"], last["year"]) == (
            "proc_a@example.test", "download", LA_A, "2020/21")
        assert json.loads(last["details"])["format"] == fmt
    assert verify(portal.store.alias).ok
    assert c.get(f"/submissions/{portal.submission}/report.exe").status_code == 404


def test_problems_by_field_lead_to_that_fields_rows(portal: Any) -> None:
    import re
    from collections import Counter
    from urllib.parse import urlencode

    from cld.store.queries import stored_result

    result = stored_result(portal.store, portal.submission).result
    per_column = Counter(result.issues["column"].to_pylist())
    bad = [f.column for f in result.field_stats if f.invalid]
    assert bad  # the synthetic defects make some values invalid
    column = bad[0]
    c = signed_in(portal, "sub_a")
    page = c.get(f"/submissions/{portal.submission}/").content.decode()
    assert f'href="?{urlencode({"field": column})}#issues">{column}</a>' in page
    page = c.get(f"/submissions/{portal.submission}/?{urlencode({'field': column})}")
    text = page.content.decode()
    table = text[text.index('id="issues"'):text.index("</table>", text.index('id="issues"'))]
    cells = re.findall(r'<tr class="govuk-table__row"><td class="govuk-table__cell">[^<]*</td>'
                       r'\s*<td class="govuk-table__cell">([^<]*)</td>', table)
    n = per_column[column]
    assert cells == [column] * min(n, 50)
    assert f"of {n:,}." in text
