"""Uploads a worker left unfinished: marked failed, their files removed.

A worker that dies (killed, restarted, out of memory) leaves its upload "running" and its
django-tasks row "running" for ever. When a worker starts, and when an upload's status is
asked for (its page, or the API), an unfinished upload is given up when its worker took it
more than CLD_UPLOAD_TIMEOUT seconds ago, or when its task row is gone or finished without
finishing the upload. Nothing is stored half: the store's submit is one transaction, and its
staging is recovered on opening.
"""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from cld.web.portal.models import Upload

STOPPED = "Validation stopped before it finished: upload the file again."
UNFINISHED = (Upload.QUEUED, Upload.RUNNING)
log = logging.getLogger(__name__)


def stuck_reason(up: Upload, tasks: dict[str, str], now: datetime) -> str | None:
    """Why `up` will never finish (None: it may). `tasks`: task id -> status."""
    limit = now - timedelta(seconds=settings.CLD_UPLOAD_TIMEOUT)
    if up.state == Upload.RUNNING and up.started_at is not None and up.started_at < limit:
        return "running for longer than the limit"
    if up.task_id and up.task_id not in tasks:
        return "its task is gone"
    if up.task_id and tasks[up.task_id] in ("SUCCESSFUL", "FAILED"):
        return f"its task ended ({tasks[up.task_id].lower()})"
    if not up.task_id and up.created_at < limit:
        return "never queued"
    return None


def recover_uploads(root: Path, uploads: QuerySet[Upload] | None = None,
                    now: datetime | None = None) -> list[int]:
    """Mark failed the unfinished uploads (of `uploads`, else all) that will never finish,
    and delete their files (under the store folder `root`). Returns their ids."""
    from django_tasks_db.models import DBTaskResult

    now = now or datetime.now(UTC)
    pending = list((Upload.objects.all() if uploads is None else uploads)
                   .filter(state__in=UNFINISHED))
    ids = [up.task_id for up in pending if up.task_id]
    tasks = {str(pk): status for pk, status in
             DBTaskResult.objects.filter(id__in=ids).values_list("id", "status")}
    failed = []
    for up in pending:
        reason = stuck_reason(up, tasks, now)
        if reason is None:
            continue
        # only if still unfinished: a slow (not dead) worker may have just finished it
        if Upload.objects.filter(pk=up.pk, state__in=UNFINISHED).update(
                state=Upload.FAILED, message=STOPPED, step=""):
            folder = root / up.folder
            if folder.parent == root / "portal" / "uploads":  # never elsewhere
                shutil.rmtree(folder, ignore_errors=True)
            log.warning("upload %d given up: %s", up.pk, reason)
            failed.append(up.pk)
    return failed
