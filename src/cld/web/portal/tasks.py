"""The background task: validate an upload, and store it as a new version when submitted."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from django_tasks import task

from cld.errors import CldError
from cld.web import boot
from cld.web.portal.models import Upload


@task()
def process_upload(upload_id: int) -> str:
    up = Upload.objects.select_related("user").get(pk=upload_id)
    store = boot.store()
    folder = store.path(up.folder)
    up.state = Upload.RUNNING
    up.save(update_fields=["state"])

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
    except Exception:
        up.state, up.message = Upload.FAILED, "the file could not be processed (see the log)"
        raise
    finally:
        if up.state != Upload.RUNNING:
            up.save()
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
