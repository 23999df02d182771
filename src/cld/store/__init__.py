"""The submissions store: each LA's cumulative submissions, versions, the data that counts,
year lock-down, the tracker and the audit trail.

    store = Store.open("cld-store")              # SQLite in the folder, or PostgreSQL
    outcome = submit(store, "q1.csv", "503", "2020/21")
    export_dataset(store, "2020/21", Path("2020-21.parquet"))
"""

from typing import TYPE_CHECKING

from cld.store.db import ensure_django

ensure_django()  # the modules below define or use Django models

if TYPE_CHECKING:
    from cld.store.core import Store, StoreSettings
    from cld.store.dataset import counting, export_dataset, history, lock_year, reopen_year
    from cld.store.status import tracker
    from cld.store.submit import SubmitOutcome, submit

__all__ = ["Store", "StoreSettings", "SubmitOutcome", "submit", "counting",
           "export_dataset", "history", "lock_year", "reopen_year", "tracker"]


def _load() -> None:
    """Bind the names above. Under a Django project (the portal), which lists this package in
    INSTALLED_APPS, the app's ready() calls this: models cannot load while the registry fills."""
    from cld.store.core import Store, StoreSettings
    from cld.store.dataset import counting, export_dataset, history, lock_year, reopen_year
    from cld.store.status import tracker
    from cld.store.submit import SubmitOutcome, submit

    globals().update(Store=Store, StoreSettings=StoreSettings, counting=counting,
                     export_dataset=export_dataset, history=history, lock_year=lock_year,
                     reopen_year=reopen_year, tracker=tracker, SubmitOutcome=SubmitOutcome,
                     submit=submit)


from django.apps import apps  # noqa: E402

if apps.ready:
    _load()
