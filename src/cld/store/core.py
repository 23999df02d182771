"""The store: a data directory (files) plus a metadata database (Django ORM).

Layout of the data directory:
    store.yaml                       optional settings (database URL, deadlines)
    cld.sqlite3                      metadata, when no PostgreSQL URL is configured
    store.lock                       serialises writers (submit, lock, reopen, export)
    staging/<id>/                    work in progress; removed if its owner died
    submissions/<la>/<yyyy-yy>/<id>/ original.<ext>, events.parquet, issues.parquet, result.json
    snapshots/<yyyy-yy>/             consolidated datasets frozen at lock-down
    traces/<la>/<yyyy-yy>/v<n>-t<m>/ NHS number traces of a version: results/review.parquet
    recovered/                       what crashed operations left, set aside
    audit.head                       the audit trail's last event (seq, hash)
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cld.errors import NoStore, StoreError
from cld.store import db
from cld.store.files import exclusive, first_line, fsync_dir, os_message
from cld.store.years import Deadlines, Year, parse_year

DEFAULT_ROOT = "cld-store"
PG_LOCK_KEY = 0x43_4C_44  # "CLD": one advisory lock for all writers sharing a database


class TracingSettings(BaseModel):
    """store.yaml's `tracing:`; `register:` is the local register copy (relative paths are
    from the store folder)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    register_path: str | None = Field(default=None, alias="register")


class StoreSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    database: str | None = None
    deadlines: Deadlines = Field(default_factory=Deadlines)
    tracing: TracingSettings = Field(default_factory=TracingSettings)


def crash_point(name: str) -> None:
    """Fault injection for the atomicity tests: CLD_CRASH_AT=<name> kills the process here."""
    if os.environ.get("CLD_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def move_into_place(work: Path, dest: Path, what: str, crash: str,
                    read_only: bool = False) -> None:
    """Move a staged file or folder to `dest` inside the write lock's transaction. If anything
    fails before the transaction commits, it goes back to staging (which removes it)."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        work.rename(dest)
    except OSError as exc:
        raise StoreError(os_message(exc, what)) from None
    try:
        if read_only:
            dest.chmod(0o444)
        fsync_dir(dest.parent)
        crash_point(crash)
    except BaseException:
        dest.rename(work)
        raise


def default_actor() -> str:
    import getpass

    try:
        return os.environ.get("CLD_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Store:
    """One data directory and its metadata database. Open with `Store.open(root)`."""

    def __init__(self, root: Path, settings: StoreSettings, alias: str) -> None:
        self.root = root
        self.settings = settings
        self.alias = alias
        self.recovered: list[str] = []

    # --- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, root: str | Path | None = None, database: str | None = None,
             create: bool = True, alias: str | None = None) -> Store:
        """Open the store at `root` (env CLD_STORE, else ./cld-store); a new one is created
        there when `create` (else a missing store is an error: a mistyped path).

        The database is `database`, else env CLD_DATABASE_URL, else store.yaml's
        `database`, else SQLite in the data directory.
        """
        path = Path(root or os.environ.get("CLD_STORE") or DEFAULT_ROOT).absolute()
        if not create and not (path / "submissions").is_dir():
            raise NoStore(f"there is no store at {path}")
        try:
            path.mkdir(parents=True, exist_ok=True)
            for sub in ("staging", "submissions", "snapshots"):
                (path / sub).mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(os_message(exc, f"create the store folder {path}")) from None
        settings = _read_settings(path)
        url = database or os.environ.get("CLD_DATABASE_URL") or settings.database
        try:
            config = db.database_settings(url, str(path / "cld.sqlite3"))
        except db.DatabaseConfigError as exc:
            raise StoreError(str(exc)) from None
        alias = db.register_alias(config, alias)
        store = cls(path, settings, alias)
        store._migrate(url)
        store.recover()
        return store

    def _migrate(self, url: str | None) -> None:
        from django.db import DatabaseError

        try:
            with self._file_lock():  # not in a transaction: SQLite migrations manage their own
                db.migrate(self.alias)
            if self._missing_las():  # a write transaction only when there is work
                with self.write_lock():
                    self._sync_register()
        except DatabaseError as exc:
            where = db.redact(url) if url else str(self.root / "cld.sqlite3")
            raise StoreError(f"cannot open the database {where}: {first_line(exc)}") from None

    def _missing_las(self) -> list[Any]:
        """Register LAs not yet in the database."""
        from cld.spec.register import all_las
        from cld.store.models import LocalAuthority

        have = set(LocalAuthority.objects.using(self.alias).values_list("code", flat=True))
        return [LocalAuthority(code=la.code, name=la.name, dscro=la.region)
                for code, la in all_las().items() if code not in have]

    def _sync_register(self) -> None:
        from cld.store.models import LocalAuthority

        LocalAuthority.objects.using(self.alias).bulk_create(self._missing_las())

    def close(self) -> None:
        db.close(self.alias)

    def record(self, actor: str, action: str, *, la_code: str = "", year: str = "",
               **details: Any) -> None:
        """Append one event to the audit trail (e.g. a report downloaded in the portal)."""
        from cld.store import audit

        with self.write_lock():
            audit.append(self.alias, actor, action, la_code=la_code, year=year, **details)

    # --- writing -------------------------------------------------------------------------
    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Serialise writers: a file lock in the data directory, then one transaction (with
        a PostgreSQL advisory lock, for writers on other machines sharing the database).
        A database failure inside becomes a StoreError (the transaction is rolled back)."""
        from django.db import DatabaseError, connections, transaction

        with self._file_lock():
            try:
                with transaction.atomic(using=self.alias):
                    if db.is_postgres(self.alias):
                        with connections[self.alias].cursor() as cur:
                            cur.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_KEY])
                    yield
            except DatabaseError as exc:
                raise StoreError(f"the database refused the change ({first_line(exc)}). "
                                 "Nothing was stored or changed.") from None
            self._write_audit_head()

    def _write_audit_head(self) -> None:
        """Keep the audit trail's last (seq, hash) beside the database too, so that removing
        the latest events is detectable (`cld audit verify`)."""
        from cld.store.audit import write_head

        try:
            write_head(self.alias, self.root / "audit.head")
        except OSError:
            pass  # best effort: verify accepts a head that lags behind the database

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        try:
            lock = exclusive(self.root / "store.lock")
            lock.__enter__()
        except OSError as exc:
            raise StoreError(os_message(exc, "lock the store")) from None
        try:
            yield
        finally:
            lock.__exit__(None, None, None)

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """A private work folder, held locked while in use (so `recover` leaves it alone)."""
        folder = self.root / "staging" / uuid.uuid4().hex
        lock = folder.with_suffix(".lock")
        try:
            with exclusive(lock):
                folder.mkdir()
                try:
                    yield folder
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
        except OSError as exc:
            raise StoreError(os_message(exc, "write to the store")) from None
        finally:
            lock.unlink(missing_ok=True)

    def recover(self) -> list[str]:
        """Tidy what a killed process left: staging folders nobody holds are removed;
        submission folders and snapshots with no database row (never committed) are set
        aside in recovered/. Returns what was done (empty when nothing was)."""
        from cld.store.models import Submission, Trace, YearSnapshot

        done: list[str] = []
        staging = self.root / "staging"
        try:
            for lock in staging.glob("*.lock"):
                with exclusive(lock, wait=False) as got:
                    if got:
                        shutil.rmtree(staging / lock.stem, ignore_errors=True)
                        lock.unlink(missing_ok=True)
                        done.append(f"removed unfinished work {lock.stem}")
            with exclusive(self.root / "store.lock"):
                known = set(Submission.objects.using(self.alias)
                            .values_list("folder", flat=True))
                known |= set(YearSnapshot.objects.using(self.alias)
                             .values_list("path", flat=True))
                known |= set(Trace.objects.using(self.alias).values_list("folder", flat=True))
                found = [*(self.root / "submissions").glob("*/*/*"),
                         *(self.root / "traces").glob("*/*/*"),
                         *(self.root / "snapshots").glob("*/*.parquet")]
                for path in found:
                    rel = path.relative_to(self.root).as_posix()
                    if rel not in known:
                        dest = self.root / "recovered" / rel
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        path.rename(dest)
                        done.append(f"set aside {rel} (never committed) in recovered/")
        except OSError as exc:  # e.g. a reader without write permission: nothing to tidy
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise StoreError(os_message(exc, "tidy the store")) from None
        self.recovered = done
        return done

    # --- reading -------------------------------------------------------------------------
    def year(self, label: str, create: bool = False) -> Any:
        """The ReportingYear row for `label` (created when `create`)."""
        from cld.store.models import ReportingYear

        y: Year = parse_year(label)
        qs = ReportingYear.objects.using(self.alias)
        if create:
            row, _ = qs.get_or_create(label=y.label, defaults={"start": y.start, "end": y.end})
            return row
        row = qs.filter(label=y.label).first()
        if row is None:
            raise StoreError(f"nothing has been submitted for {y.label} yet")
        return row

    def path(self, rel: str) -> Path:
        return self.root / rel


def _read_settings(root: Path) -> StoreSettings:
    f = root / "store.yaml"
    if not f.exists():
        return StoreSettings()
    try:
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        return StoreSettings.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(str(x) for x in e["loc"])
        raise StoreError(f"{f}: {where}: {e['msg']}") from None
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"{f}: not a valid store settings file: {first_line(exc)}") from None
