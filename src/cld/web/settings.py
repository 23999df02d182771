"""The portal's Django settings, as a dict (see cld.web.boot, which applies them).

The database is not here: the store names it (its folder's SQLite, or its PostgreSQL URL) and
the portal opens it as Django's `default` connection (cld.web.boot.open_store).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
MB = 1024 * 1024


def portal_settings(secret_key: str, *, debug: bool = False, secure: bool = False,
                    hosts: list[str] | None = None,
                    max_upload: int = 600 * MB) -> dict[str, Any]:
    """Settings for the portal. `secure`: behind HTTPS (secure cookies, HSTS)."""
    from csp.constants import NONCE, NONE, SELF

    return dict(
        DEBUG=debug,
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS=hosts or ["127.0.0.1", "localhost"],
        INSTALLED_APPS=[
            "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
            "django.contrib.staticfiles", "axes", "csp", "django_tasks", "django_tasks_db",
            "django_otp", "django_otp.plugins.otp_totp",
            "rules.apps.AutodiscoverRulesConfig", "cld.store", "cld.web.accounts",
            "cld.web.portal", "cld.web.api",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django_otp.middleware.OTPMiddleware",
            "csp.middleware.CSPMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "cld.web.portal.access.AccessMiddleware",
            "axes.middleware.AxesMiddleware",
        ],
        ROOT_URLCONF="cld.web.urls",
        TEMPLATES=[{
            "BACKEND": "django.template.backends.jinja2.Jinja2",
            "DIRS": [str(HERE / "templates")],
            "APP_DIRS": False,
            "OPTIONS": {"environment": "cld.web.jinja.environment", "autoescape": True},
        }],
        AUTHENTICATION_BACKENDS=["axes.backends.AxesStandaloneBackend",
                                 "rules.permissions.ObjectPermissionBackend",
                                 "django.contrib.auth.backends.ModelBackend"],
        AUTH_PASSWORD_VALIDATORS=[
            {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
             "OPTIONS": {"min_length": 12}},
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"}],
        USE_TZ=True, TIME_ZONE="Europe/London", LANGUAGE_CODE="en-gb",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        STATIC_URL="/static/", STATIC_ROOT=None,
        STORAGES={"staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
        WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=False,
        LOGIN_URL="login", LOGIN_REDIRECT_URL="home",
        # sessions expire: 8 hours at most, and when the browser closes
        SESSION_COOKIE_AGE=8 * 3600, SESSION_EXPIRE_AT_BROWSER_CLOSE=True,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        CSRF_COOKIE_HTTPONLY=True, CSRF_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure, CSRF_COOKIE_SECURE=secure,
        SECURE_HSTS_SECONDS=31536000 if secure else 0, SECURE_SSL_REDIRECT=secure,
        # behind HTTPS: the proxy in front says so (and must strip the header from clients)
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https") if secure else None,
        SECURE_CONTENT_TYPE_NOSNIFF=True, SECURE_REFERRER_POLICY="same-origin",
        SECURE_CROSS_ORIGIN_OPENER_POLICY="same-origin", X_FRAME_OPTIONS="DENY",
        CONTENT_SECURITY_POLICY={"DIRECTIVES": {
            "default-src": [SELF], "script-src": [SELF, NONCE], "style-src": [SELF],
            "img-src": [SELF, "data:"], "font-src": [SELF], "connect-src": [SELF],
            "form-action": [SELF], "frame-ancestors": [NONE], "base-uri": [NONE],
            "object-src": [NONE]}},
        # lockout: 5 failures for one user name from one address lock it for an hour
        AXES_FAILURE_LIMIT=5, AXES_COOLOFF_TIME=1, AXES_RESET_ON_SUCCESS=True,
        AXES_LOCKOUT_PARAMETERS=[["username", "ip_address"]],
        AXES_LOCKOUT_TEMPLATE="portal/locked.html", AXES_VERBOSE=False,
        # uploads stream to disk beyond 1 MB; the size cap is checked while streaming
        FILE_UPLOAD_MAX_MEMORY_SIZE=MB, DATA_UPLOAD_MAX_MEMORY_SIZE=MB,
        FILE_UPLOAD_HANDLERS=["cld.web.portal.uploads.CappedUploadHandler"],
        CLD_MAX_UPLOAD=max_upload,
        # the pseudonymisation key file for extracts (default: beside the store folder,
        # cld.web.portal.jobs.key_file); never inside the store
        CLD_PSEUDONYMISATION_KEY_FILE=os.environ.get("CLD_PSEUDONYMISATION_KEY_FILE") or None,
        # an upload still unfinished this long after its worker took it is marked failed
        CLD_UPLOAD_TIMEOUT=2 * 3600,
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        LOGGING_CONFIG=None,
    )


def secret_key(root: Path) -> str:
    """CLD_SECRET_KEY, else a key kept in the store folder (made on first use, owner-only)."""
    if os.environ.get("CLD_SECRET_KEY"):
        return os.environ["CLD_SECRET_KEY"]
    import secrets

    path = root / "portal" / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_text(secrets.token_urlsafe(50), encoding="ascii")
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text(encoding="ascii").strip()
