"""The background task: validate an upload, and store it as a new version when submitted."""

from __future__ import annotations

import logging
import shutil
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from django_tasks import task

from cld.errors import CldError
from cld.web import boot
from cld.web.portal.models import Upload

BROKE = ("The file could not be processed because of a fault in the portal (it has been "
         "logged): upload it again, and tell the administrators if this happens again.")
log = logging.getLogger(__name__)


@task()
def process_upload(upload_id: int) -> str:
    # take it only while queued: an upload given up (cld.web.portal.recovery) stays failed
    if not Upload.objects.filter(pk=upload_id, state=Upload.QUEUED).update(
            state=Upload.RUNNING, started_at=datetime.now(UTC)):
        return "skipped"
    up = Upload.objects.select_related("user").get(pk=upload_id)
    store = boot.store()
    folder = store.path(up.folder)

    def step(text: str) -> None:
        Upload.objects.filter(pk=up.pk).update(step=text[:200])

    try:
        if up.mode == Upload.SUBMIT:
            from cld.store import submit

            outcome = submit(store, folder / up.filename, up.la_code, up.year,
                             by=up.user.get_username(), progress=step)
            up.outcome, up.message = outcome.kind, outcome.message
            up.submission_id = outcome.submission.pk if outcome.submission else None
        else:
            _validate_only(up, folder, step)
        up.state = Upload.DONE
    except CldError as exc:
        up.state, up.message = Upload.FAILED, str(exc)
    except Exception as exc:  # logged without its message, which may quote the data
        where = traceback.extract_tb(exc.__traceback__)[-1]
        log.error("upload %d failed: %s at %s:%d", up.pk, type(exc).__name__,
                  Path(where.filename).name, where.lineno)
        up.state, up.message = Upload.FAILED, BROKE
    finally:
        # saved only while still running: the upload may have been given up meanwhile
        Upload.objects.filter(pk=up.pk, state=Upload.RUNNING).update(
            state=up.state, message=up.message, outcome=up.outcome,
            submission_id=up.submission_id)
        if up.mode == Upload.SUBMIT:  # the store keeps its own copy
            shutil.rmtree(folder, ignore_errors=True)
        else:
            (folder / up.filename).unlink(missing_ok=True)
    return up.state


def _validate_only(up: Upload, folder: Path, step: Callable[[str], None]) -> None:
    from cld.ingest import UnreadableFile
    from cld.store.results import save_result
    from cld.store.years import parse_year
    from cld.validation.engine import validate

    try:
        result = validate(folder / up.filename, la_code=up.la_code,
                          period_start=parse_year(up.year).start, display_name=up.filename,
                          progress=step)
    except UnreadableFile as exc:
        save_result(folder, None, f"the file cannot be read: {exc}")
        up.outcome, up.message = "unreadable", f"the file cannot be read: {exc}"
        return
    result.prepared = None
    save_result(folder, result, "")
    s = result.summary
    up.outcome = "checked"
    up.message = (f"{s.rows or 0:,} rows checked: {s.fatal or 0:,} structural problems, "
                  f"{s.errors or 0:,} errors, {s.warnings or 0:,} warnings. Nothing was stored.")
