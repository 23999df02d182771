"""Robustness: uploads a dead worker left unfinished are given up, a task that raises fails
its upload with a plain message, and hostile files are refused or made harmless."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.web.test_uploads import post, signed_in

STOPPED = "Validation stopped before it finished: upload the file again."


def queued(portal: Any) -> Any:
    """A new upload of LA A, queued (its task row waiting, no worker running)."""
    from cld.web.portal.models import Upload

    r = post(signed_in(portal, "sub_a"), "queued.csv", portal.synthetic.read_bytes())
    assert r.status_code == 302
    up = Upload.objects.latest("pk")
    assert up.state == "queued" and up.task_id
    assert (portal.store.path(up.folder) / "queued.csv").exists()
    return up


def taken(up: Any, hours: float) -> None:
    """As if a worker took the upload `hours` ago (and then died)."""
    from django_tasks_db.models import DBTaskResult

    from cld.web.portal.models import Upload

    started = datetime.now(UTC) - timedelta(hours=hours)
    Upload.objects.filter(pk=up.pk).update(state="running", started_at=started)
    DBTaskResult.objects.filter(id=up.task_id).update(status="RUNNING", started_at=started)


def status(portal: Any, up: Any) -> str:
    r = signed_in(portal, "sub_a").get(f"/uploads/{up.pk}/")
    assert r.status_code == 200
    return str(r.content.decode())


def test_an_upload_running_past_the_limit_is_given_up(portal: Any) -> None:

    up = queued(portal)
    taken(up, 3)  # the limit is 2 hours
    assert STOPPED in status(portal, up)
    up.refresh_from_db()
    assert (up.state, up.message) == ("failed", STOPPED)
    assert not portal.store.path(up.folder).exists()  # its files removed


def test_an_upload_running_within_the_limit_is_left_alone(portal: Any) -> None:
    from cld.web.portal.models import Upload

    up = queued(portal)
    taken(up, 1)
    assert "Checking: starting" in status(portal, up)
    assert Upload.objects.get(pk=up.pk).state == "running"
    assert (portal.store.path(up.folder) / "queued.csv").exists()


@pytest.mark.parametrize("task", ["gone", "FAILED", "SUCCESSFUL"])
def test_an_upload_whose_task_is_gone_or_ended_is_given_up(portal: Any, task: str) -> None:
    from django_tasks_db.models import DBTaskResult

    from cld.web.portal.models import Upload

    up = queued(portal)
    rows = DBTaskResult.objects.filter(id=up.task_id)
    if task == "gone":
        rows.delete()
    else:
        rows.update(status=task)
    assert STOPPED in status(portal, up)
    assert Upload.objects.get(pk=up.pk).state == "failed"
    assert not portal.store.path(up.folder).exists()


def test_an_upload_never_queued_is_given_up_after_the_limit(portal: Any) -> None:
    from cld.web.portal.models import Upload

    fresh, old = queued(portal), queued(portal)
    for up, hours in ((fresh, 1), (old, 3)):  # as if queueing had failed, `hours` ago
        Upload.objects.filter(pk=up.pk).update(
            task_id="", created_at=datetime.now(UTC) - timedelta(hours=hours))
    assert "Waiting to be checked" in status(portal, fresh)
    assert STOPPED in status(portal, old)
    assert not portal.store.path(old.folder).exists()


def test_a_queued_upload_waits_for_its_worker(portal: Any) -> None:
    from cld.web.portal.models import Upload

    up = queued(portal)
    assert "Waiting to be checked" in status(portal, up)
    assert Upload.objects.get(pk=up.pk).state == "queued"


def test_a_starting_worker_gives_up_what_a_dead_one_left(portal: Any) -> None:
    from cld.web.boot import worker
    from cld.web.portal.models import Upload
    from cld.web.portal.tasks import process_upload

    dead, waiting = queued(portal), queued(portal)
    taken(dead, 5)
    worker()  # not run: starting it is enough
    assert Upload.objects.get(pk=dead.pk).state == "failed"
    assert Upload.objects.get(pk=waiting.pk).state == "queued"
    # a given-up upload is not taken again, even if its task were run after all
    assert process_upload.call(dead.pk) == "skipped"
    assert Upload.objects.get(pk=dead.pk).message == STOPPED
    assert process_upload.call(waiting.pk) == "done"


def test_a_task_that_raises_fails_its_upload_and_logs_no_data(
        portal: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import cld.validation.engine
    from cld.web.portal.tasks import BROKE, process_upload

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("row 7: NHS number 9434765919, born 1950-01-01")

    up = queued(portal)
    monkeypatch.setattr(cld.validation.engine, "validate", broken)
    with caplog.at_level(logging.INFO):
        assert process_upload.call(up.pk) == "failed"
    up.refresh_from_db()
    assert (up.state, up.message) == ("failed", BROKE)
    assert f"upload {up.pk} failed: ValueError at test_hardening.py:" in caplog.text
    assert "9434765919" not in caplog.text and "1950" not in caplog.text
    assert "9434765919" not in status(portal, up)
    assert not (portal.store.path(up.folder) / "queued.csv").exists()


def test_a_task_raising_a_cld_error_shows_its_message(portal: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import cld.validation.engine
    from cld.errors import CldError
    from cld.web.portal.models import Upload
    from cld.web.portal.tasks import process_upload

    def refuses(*args: Any, **kwargs: Any) -> Any:
        raise CldError("the reference data for 2020/21 is missing")

    up = queued(portal)
    monkeypatch.setattr(cld.validation.engine, "validate", refuses)
    assert process_upload.call(up.pk) == "failed"
    assert Upload.objects.get(pk=up.pk).message == "the reference data for 2020/21 is missing"
    assert "the reference data for 2020/21 is missing" in status(portal, up)


def refused(portal: Any, name: str, content: bytes) -> str:
    """Post the file as LA A's submitter: refused (400), nothing queued, no folder left."""
    from cld.web.portal.models import Upload
    from tests.web.test_uploads import upload_folders

    before, folders = Upload.objects.count(), upload_folders(portal)
    r = post(signed_in(portal, "sub_a"), name, content)
    assert r.status_code == 400
    assert Upload.objects.count() == before and upload_folders(portal) == folders
    return str(r.content.decode())


def _zip(parts: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(("content", "says"), [
    (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
     "this is an HTML web page, not a CSV file or XLSX workbook"),
    (b'[{"LA Code": "503", "Event Type": "Request"}]',
     "this is a JSON document, not a CSV file or XLSX workbook"),
    (_zip({"LA Code.csv": b"LA Code\n503\n"}),
     "this is a ZIP archive, not an Excel XLSX workbook"),
    (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
     "this is an Excel XLSX workbook, though its name ends in .csv"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "this is a PDF document"),
    (b"\x7fELF\x02\x01\x01" + b"\0" * 100, "this is a program (ELF executable)"),
])
def test_a_file_named_csv_that_is_not_one_is_refused(portal: Any, content: bytes,
                                                     says: str) -> None:
    assert f"data.csv: {says}" in refused(portal, "data.csv", content).replace("&#x27;", "'")


def test_an_xlsx_zip_bomb_is_refused_before_it_is_expanded(portal: Any, tmp_path: Any) -> None:
    from tests.ingest.test_hostile import zip_bomb

    bomb = zip_bomb(tmp_path / "bomb.xlsx", 120 << 20).read_bytes()
    assert len(bomb) < 1 << 20  # under the test portal's 2 MB cap: the size check lets it in
    page = refused(portal, "bomb.xlsx", bomb)
    assert "bomb.xlsx: the part xl/worksheets/sheet1.xml of this workbook would expand" in page
    assert "refused as a possible ZIP bomb" in page


def test_an_empty_file_is_refused(portal: Any) -> None:
    assert "The selected file is empty" in refused(portal, "empty.csv", b"")


@pytest.mark.parametrize(("name", "kept"), [
    ("../../etc/passwd.csv", "passwd.csv"),
    ("/etc/passwd.csv", "passwd.csv"),
    ("C:\\Users\\someone\\Desktop\\q1.csv", "q1.csv"),
    ("..\\..\\q1.csv", "q1.csv"),
    ("nul\x00byte.csv", None),
    ("long" * 100 + ".csv", None),
    ("report\u202ecod.csv", "reportcod.csv"),  # a right-to-left override (Django drops it)
    ("..\uff0f..\uff0fq1.csv", None),  # full-width solidus
    ("\u0430dmin.csv", "_dmin.csv"),  # a Cyrillic a
])
def test_a_hostile_name_is_cleaned_and_stays_in_the_uploads_folder(
        portal: Any, name: str, kept: str | None) -> None:
    import re

    from cld.web.portal.models import Upload

    r = post(signed_in(portal, "sub_a"), name, portal.synthetic.read_bytes())
    assert r.status_code == 302, r.content.decode()[:2000]
    up = Upload.objects.latest("pk")
    assert re.fullmatch(r"[A-Za-z0-9_()-][A-Za-z0-9 ._()-]*\.csv", up.filename), up.filename
    assert len(up.filename) <= 200
    if kept is not None:
        assert up.filename == kept
    uploads = portal.store.root / "portal" / "uploads"
    folder = portal.store.path(up.folder)
    assert folder.parent == uploads
    assert [p.name for p in folder.iterdir()] == [up.filename]
    assert (folder / up.filename).read_bytes() == portal.synthetic.read_bytes()


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
FORMULAS = ['=HYPERLINK("http://x.example","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|x"]


def test_formulas_in_a_file_come_back_as_text_in_its_reports(portal: Any) -> None:
    import csv
    import io
    import xml.etree.ElementTree as ET
    import zipfile

    from cld.web.portal.models import Upload
    from cld.web.portal.tasks import process_upload

    rows = list(csv.reader(portal.synthetic.read_text().splitlines()))
    k = rows[0].index("Gender")
    for row, formula in zip(rows[1:], FORMULAS, strict=False):
        row[k] = formula  # not a Gender code: each is reported with its value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    c = signed_in(portal, "sub_a")
    assert post(c, "formulas.csv", buf.getvalue().encode()).status_code == 302
    up = Upload.objects.latest("pk")
    assert process_upload.call(up.pk) == "done"

    r = c.get(f"/checks/{up.pk}/report.xlsx")
    with zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content))) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(b"<f>" in x or b"<f " in x for x in sheets)  # no formula
    # the report writes its strings inline: (type, text) of every such cell
    texts = [(c.get("t"), "".join(t.text or "" for t in c.iter(f"{MAIN}t")))
             for x in sheets for c in ET.fromstring(x).iter(f"{MAIN}c")]
    for formula in FORMULAS:  # reported, as text, with the apostrophe that says so
        assert ("inlineStr", "'" + formula) in texts
        assert all(text != formula for _, text in texts)

    r = c.get(f"/checks/{up.pk}/report.csv")
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    values = [v for line in csv.reader(text.splitlines()) for v in line]
    for formula in FORMULAS:
        assert "'" + formula in values and formula not in values
