"""Sign-in, lockout, sessions, CSRF and the security headers."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import PASSWORD


def test_headers_forbid_inline_script_framing_and_sniffing(portal: Any) -> None:
    from django.test import Client

    r = Client().get("/login/")
    csp = r["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"])
    assert nonce and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert directives["style-src"] == "'self'"
    # the one inline script (GOV.UK's js-enabled class) carries this response's nonce
    scripts = re.findall(r"<script([^>]*)>", r.content.decode())
    inline = [s for s in scripts if "src=" not in s]
    assert inline == [f' nonce="{nonce.group(1)}"']
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"


def test_sign_in_then_out(portal: Any) -> None:
    from django.test import Client

    c = Client()
    r = c.post("/login/", {"username": "sub_a@example.test", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"
    session = c.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert session["max-age"] == ""  # ends with the browser (and after 8 hours at most)
    assert "Signed in as sub_a@example.test" in c.get("/").content.decode()
    assert c.post("/logout/")["Location"] == "/login/"
    assert c.get("/")["Location"] == "/login/?next=/"


def test_a_wrong_password_is_refused(portal: Any) -> None:
    from django.test import Client

    r = Client().post("/login/", {"username": "sub_b@example.test", "password": "wrong one"})
    assert r.status_code == 200 and "Enter a correct email address and password" in (
        r.content.decode())


def test_repeated_failures_lock_the_account(portal: Any) -> None:
    from django.test import Client

    from cld.web.accounts.manage import add_user

    add_user("locked@example.test", "recipient", "Recipient", PASSWORD)
    c = Client()
    codes = [c.post("/login/", {"username": "locked@example.test", "password": f"bad {i}"})
             .status_code for i in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    r = c.post("/login/", {"username": "locked@example.test", "password": PASSWORD})
    assert r.status_code == 429 and "Too many failed sign-in attempts" in r.content.decode()
    assert "sessionid" not in c.cookies


def test_posts_need_the_csrf_token(portal: Any) -> None:
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(portal.users["sub_a"])
    r = c.post("/upload/", {"year": "2020/21", "mode": "validate"})
    assert r.status_code == 403
    token = c.get("/upload/").cookies["csrftoken"].value
    r = c.post("/upload/", {"year": "2020/21", "mode": "validate",
                            "csrfmiddlewaretoken": token})
    assert r.status_code == 400  # past CSRF: refused for having no file


def test_cli_errors_for_users_and_orgs(portal: Any) -> None:
    import pytest

    from cld.errors import CldError
    from cld.web.accounts.manage import add_org, add_user

    with pytest.raises(CldError, match="LA code from the register"):
        add_org("Nowhere", "la", la="999")
    with pytest.raises(CldError, match="unknown DSCRO region"):
        add_org("Nowhere", "region", region="Atlantis")
    with pytest.raises(CldError, match="belongs to a la organisation"):
        add_user("x@example.test", "la_submitter", "National", PASSWORD)
    with pytest.raises(CldError, match="too weak"):
        add_user("x@example.test", "la_submitter", "LA A", "short")
    with pytest.raises(CldError, match="already a user"):
        add_user("sub_a@example.test", "la_submitter", "LA A", PASSWORD)


def test_two_factor_sign_in_asks_for_the_apps_code(portal: Any) -> None:
    import base64
    import time
    from urllib.parse import parse_qs, urlparse

    from django.test import Client
    from django_otp.oath import totp

    from cld.web.accounts.manage import add_totp, add_user

    add_user("twofactor@example.test", "la_analyst", "LA A", PASSWORD)
    url = add_totp("twofactor@example.test")
    assert url.startswith("otpauth://totp/")
    secret = parse_qs(urlparse(url).query)["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    code = f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"
    form = {"username": "twofactor@example.test", "password": PASSWORD}

    c = Client()
    r = c.post("/login/", form)  # the password alone is not enough now
    assert r.status_code == 200 and "from your authenticator app" in r.content.decode()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert c.post("/login/", form | {"otp_token": wrong}).status_code == 200
    time.sleep(1)  # django-otp throttles after a failure (1 s, then doubling)
    r = c.post("/login/", form | {"otp_token": code})
    assert r.status_code == 302 and r["Location"] == "/"
    assert c.get("/").status_code == 200
    again = Client().post("/login/", form | {"otp_token": code})  # a code works once
    assert again.status_code == 200


def test_account_changes_are_in_the_audit_trail(portal: Any) -> None:
    import json

    from cld.store.queries import audit_events
    from cld.web.accounts.manage import add_org, add_user

    add_org("Audited LA", "la", la="716")
    add_user("audited@example.test", "la_analyst", "Audited LA", PASSWORD)
    org, user = audit_events(portal.store, 2)
    assert org["action"] == "add organisation" and user["action"] == "add user"
    assert json.loads(org["details"]) == {"organisation": "Audited LA", "kind": "la",
                                          "la": "716", "region": "", "via": "cli"}
    assert json.loads(user["details"]) == {"user": "audited@example.test",
                                           "role": "la_analyst", "organisation": "Audited LA",
                                           "via": "cli"}
