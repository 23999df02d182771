"""The submissions store: each LA's cumulative submissions, versions, the data that counts,
year lock-down, the tracker and the audit trail.

    store = Store.open("cld-store")              # SQLite in the folder, or PostgreSQL
    outcome = submit(store, "q1.csv", "503", "2020/21")
    export_dataset(store, "2020/21", Path("2020-21.parquet"))
"""

from cld.store.db import ensure_django

ensure_django()  # the modules below define or use Django models

from cld.store.core import Store, StoreSettings  # noqa: E402
from cld.store.dataset import counting, export_dataset, history, lock_year, reopen_year  # noqa: E402
from cld.store.status import tracker  # noqa: E402
from cld.store.submit import SubmitOutcome, submit  # noqa: E402

__all__ = ["Store", "StoreSettings", "SubmitOutcome", "submit", "counting",
           "export_dataset", "history", "lock_year", "reopen_year", "tracker"]
