"""Start the portal in this process: Django configured with the portal's settings, the store
opened as Django's `default` database (its folder's SQLite, or its PostgreSQL URL), migrated."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_STORE: list[Any] = []  # the one store this process serves


def configure(root: str | Path | None = None, database: str | None = None, *,
              debug: bool = False, secure: bool = False,
              hosts: list[str] | None = None) -> Any:
    """Configure Django for the portal (once per process) and open the store at `root`."""
    import django
    from django.conf import settings

    from cld.web.settings import portal_settings, secret_key

    path = Path(root or os.environ.get("CLD_STORE") or "cld-store").absolute()
    if not settings.configured:
        path.mkdir(parents=True, exist_ok=True)
        settings.configure(**portal_settings(secret_key(path), debug=debug, secure=secure,
                                             hosts=hosts))
        django.setup()
    return open_store(path, database)


def open_store(root: Path, database: str | None = None) -> Any:
    """Open the store at `root` as the `default` database and apply every migration."""
    from django.core.management import call_command

    from cld.store import Store

    store = Store.open(root, database, alias="default")
    call_command("migrate", database="default", verbosity=0, interactive=False)
    _STORE[:] = [store]
    return store


def store() -> Any:
    """The store this process serves (cld.store.Store)."""
    if not _STORE:
        raise RuntimeError("the portal has no store: call cld.web.boot.configure first")
    return _STORE[0]


def worker(interval: float = 1.0) -> Any:
    """A django-tasks-db worker for the portal's background tasks (run() it in a thread).
    Uploads a dead worker left unfinished are given up first (cld.web.portal.recovery)."""
    from django_tasks_db.management.commands.db_worker import Worker

    from cld.web.portal.recovery import recover_uploads

    recover_uploads(store().root)
    return Worker(queue_names=["default"], interval=interval, batch=False,
                  backend_name="default", startup_delay=False, max_tasks=None,
                  worker_id="cld-portal", excluded_queue_names=[])
