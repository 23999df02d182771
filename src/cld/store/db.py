"""The metadata database: Django's ORM, configured in-process so the CLI needs no web server.

Each opened store gets its own connection alias (SQLite file in the data directory by default,
PostgreSQL when a URL is configured); migrations are applied when a store is opened.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import django
from django.conf import settings


class DatabaseConfigError(ValueError):
    """A database URL that cannot be used."""


def ensure_django() -> None:
    """Configure Django once per process (a no-op when a project, e.g. the portal, did)."""
    if not settings.configured:
        settings.configure(
            INSTALLED_APPS=["cld.store"],
            DATABASES={},
            USE_TZ=True,
            TIME_ZONE="UTC",
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
            LOGGING_CONFIG=None,
        )
        django.setup()


def database_settings(url: str | None, sqlite_path: str) -> dict[str, Any]:
    """Django DATABASES entry for `url` (postgresql://user:pw@host:port/name) or SQLite."""
    if not url or url.startswith("sqlite"):
        name = sqlite_path
        if url and url.startswith("sqlite:///"):  # relative paths: from the store folder
            name = str(Path(sqlite_path).parent / url[len("sqlite:///"):])
        # A generous timeout: writers are serialised by the store lock anyway.
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name,
                "OPTIONS": {"timeout": 60, "transaction_mode": "IMMEDIATE"}}
    p = urlparse(url)
    if p.scheme not in {"postgres", "postgresql"}:
        raise DatabaseConfigError(
            f"database URL {redact(url)!r}: only sqlite:///PATH and postgresql://... are supported")
    if not p.path.strip("/"):
        raise DatabaseConfigError(f"database URL {redact(url)!r} names no database")
    return {"ENGINE": "django.db.backends.postgresql", "NAME": unquote(p.path.lstrip("/")),
            "USER": unquote(p.username or ""), "PASSWORD": unquote(p.password or ""),
            "HOST": p.hostname or "", "PORT": str(p.port or ""), "CONN_MAX_AGE": None}


def redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    p = urlparse(url)
    if p.password:
        return url.replace(f":{p.password}@", ":***@", 1)
    return url


def register_alias(config: dict[str, Any], alias: str | None = None) -> str:
    """A connection alias for `config` (the same alias for the same database), or `alias`
    itself when given (the portal opens its store as Django's `default` database)."""
    from django.db import connections

    ensure_django()
    if alias is not None:
        if settings.DATABASES.get(alias, {}).get("NAME") != config["NAME"]:
            if alias in settings.DATABASES:  # drop the connection to the old database
                connections[alias].close()
                del connections[alias]
            settings.DATABASES[alias] = dict(config)
            connections.configure_settings(settings.DATABASES)
        return alias
    key = "|".join(str(config.get(k, "")) for k in ("ENGINE", "NAME", "HOST", "PORT", "USER"))
    alias = "store_" + hashlib.sha1(key.encode()).hexdigest()[:12]
    if alias not in settings.DATABASES:
        settings.DATABASES[alias] = config
        connections.configure_settings(settings.DATABASES)
    return alias


def migrate(alias: str) -> None:
    """Apply the store's migrations to the database behind `alias` (idempotent)."""
    from django.core.management import call_command

    call_command("migrate", "store", database=alias, verbosity=0, interactive=False)


def close(alias: str) -> None:
    from django.db import connections

    if alias in settings.DATABASES:
        connections[alias].close()


def is_postgres(alias: str) -> bool:
    from django.db import connections

    return connections[alias].vendor == "postgresql"
