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
