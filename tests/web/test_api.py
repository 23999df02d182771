"""The JSON API: an LA's token submits, follows and downloads without a browser; another LA's
token is refused (403), a missing, wrong or revoked one too (401); errors in one JSON shape;
every change and download audited with the token's organisation; the OpenAPI page."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import LA_A, synthetic

ACTOR = "token:LA A/tests"  # the tokens fixture names each organisation's token "tests"


def call(tokens: dict[str, str], org: str | None, method: str, url: str, **kw: Any) -> Any:
    from django.test import Client

    head = {"HTTP_AUTHORIZATION": f"Bearer {tokens[org]}"} if org else {}
    client = Client(enforce_csrf_checks=True)  # a script has no CSRF cookie; it needs none
    return getattr(client, method)(url, **kw, **head)


def send(tokens: dict[str, str], org: str, content: bytes, mode: str, name: str = "x.csv",
         year: str = "2020/21") -> Any:
    f = io.BytesIO(content)
    f.name = name
    return call(tokens, org, "post", "/api/v1/uploads", data={"year": year, "mode": mode,
                                                              "file": f})


def body(r: Any) -> bytes:
    return b"".join(r.streaming_content)


def test_an_las_token_submits_polls_and_fetches_the_report(
        portal: Any, tokens: dict[str, str], tmp_path: Path) -> None:
    from cld.store.audit import verify
    from cld.store.queries import audit_events, submission
    from cld.validation.engine import validate
    from cld.web.portal.tasks import process_upload

    src = synthetic(tmp_path / "next.csv", people=40)  # not the stored version's file
    r = send(tokens, "LA A", src.read_bytes(), "submit")
    assert r.status_code == 202, r.content
    up = r.json()
    assert (up["state"], up["mode"], up["year"], up["file"]) == ("queued", "submit", "2020/21",
                                                                 "x.csv")
    assert up["summary"] is None and "reports" not in up["links"]
    assert up["links"]["self"] == f"/api/v1/uploads/{up['id']}"
    sent = audit_events(portal.store, 1)[0]
    assert (sent["actor"], sent["action"], sent["la_code"]) == (ACTOR, "upload", LA_A)

    assert process_upload.call(up["id"]) == "done"  # what the worker does
    done = call(tokens, "LA A", "get", up["links"]["self"]).json()
    assert done["state"] == "done" and done["outcome"] in ("accepted", "rejected")
    sub = submission(portal.store, done["submission"])
    assert (sub.la_code, sub.submitted_by) == (LA_A, ACTOR)  # the store names the token
    expected = validate(src, la_code=LA_A).summary
    assert done["summary"] == {"rows": expected.rows, "fatal": expected.fatal,
                               "errors": expected.errors, "warnings": expected.warnings}
    assert done["links"]["submission"] == f"/api/v1/submissions/{sub.id}"

    r = call(tokens, "LA A", "get", done["links"]["reports"]["xlsx"])
    assert r.status_code == 200 and body(r).startswith(b"PK\x03\x04")
    assert f'filename="503-2020-21-v{sub.version}-dq.xlsx"' in r["Content-Disposition"]
    last = audit_events(portal.store, 1)[0]
    assert (last["actor"], last["action"], last["la_code"], last["year"]) == (
        ACTOR, "download", LA_A, "2020/21")
    assert json.loads(last["details"])["submission"] == sub.id
    assert json.loads(last["details"])["via"] == "api"
    assert verify(portal.store.alias).ok

    listed = call(tokens, "LA A", "get", "/api/v1/submissions?year=2020/21").json()
    assert [s["id"] for s in listed][-1] == sub.id and portal.submission in [
        s["id"] for s in listed]
    assert call(tokens, "LA B", "get", "/api/v1/submissions?year=2020/21").json() == []


def test_a_check_only_upload_and_its_json_report(portal: Any, tokens: dict[str, str]) -> None:
    from cld.store.queries import audit_events
    from cld.web.portal.tasks import process_upload

    r = send(tokens, "LA A", portal.synthetic.read_bytes(), "validate", name="check.csv")
    pk = r.json()["id"]
    r = call(tokens, "LA A", "get", f"/api/v1/uploads/{pk}/report.json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_ready"
    process_upload.call(pk)
    up = call(tokens, "LA A", "get", f"/api/v1/uploads/{pk}").json()
    assert (up["outcome"], up["submission"]) == ("checked", None)
    r = call(tokens, "LA A", "get", up["links"]["reports"]["json"])
    report = json.loads(body(r))
    assert report["summary"]["errors"] == up["summary"]["errors"] > 0
    last = audit_events(portal.store, 1)[0]
    assert (last["actor"], json.loads(last["details"])["upload"]) == (ACTOR, pk)


def test_another_las_token_sees_nothing_of_la_a(portal: Any, tokens: dict[str, str]) -> None:
    for url in [f"/api/v1/uploads/{portal.upload}",
                f"/api/v1/uploads/{portal.upload}/report.xlsx",
                f"/api/v1/submissions/{portal.submission}",
                f"/api/v1/submissions/{portal.submission}/report.xlsx"]:
        r = call(tokens, "LA B", "get", url)
        assert r.status_code == 403 and r.json() == {"error": {
            "code": "forbidden", "message": "This token's organisation may not do this"}}, url
        assert call(tokens, "LA A", "get", url).status_code == 200, url


def test_only_an_las_token_uploads(portal: Any, tokens: dict[str, str]) -> None:
    from cld.web.portal.models import Upload

    before = Upload.objects.count()
    for org in ("Region A", "National", "Recipient", "Admins"):
        r = send(tokens, org, portal.synthetic.read_bytes(), "validate")
        assert r.status_code == 403, org
    assert Upload.objects.count() == before
    # a region's token reads its LAs' submissions, as its processors do
    assert call(tokens, "Region A", "get",
                f"/api/v1/submissions/{portal.submission}").status_code == 200
    assert call(tokens, "Region B", "get",
                f"/api/v1/submissions/{portal.submission}").status_code == 403


def test_missing_wrong_and_revoked_tokens_get_401(portal: Any, tokens: dict[str, str]) -> None:
    from cld.web.api.tokens import new_token, revoke

    url = f"/api/v1/submissions/{portal.submission}"
    token = new_token("LA A", "to revoke", by="pytest")[1]
    prefix, secret = token.rsplit("_", 1)[0], token.rsplit("_", 1)[1]
    wrong = prefix + "_" + ("A" if secret[0] != "A" else "B") + secret[1:]
    assert call({"t": token}, "t", "get", url).status_code == 200
    revoke("LA A", "to revoke")
    for t in [None, token, wrong, "cld_nothing_here", tokens["LA A"].upper(), "é"]:
        r = call({"t": t}, "t" if t else None, "get", url)
        assert r.status_code == 401, t
        assert r.json()["error"]["code"] == "unauthorised"
        assert r["WWW-Authenticate"].startswith("Bearer")
    r = call({}, None, "get", url, HTTP_AUTHORIZATION=f"Basic {tokens['LA A']}")
    assert r.status_code == 401


def test_an_api_route_without_a_rule_is_refused_in_json(portal: Any) -> None:
    from django.test import RequestFactory

    from cld.web.portal.access import AccessMiddleware

    request = RequestFactory().get("/api/v1/something-new")
    request.user = portal.users["admin"]
    request.resolver_match = type("M", (), {"url_name": "api_something_new"})()
    response = AccessMiddleware(lambda r: None).process_view(request, None, (), {})
    assert response is not None and response.status_code == 403
    assert json.loads(response.content)["error"]["code"] == "forbidden"


def test_only_the_hash_of_a_token_is_kept(portal: Any, tokens: dict[str, str]) -> None:
    from django.db import connection

    from cld.web.api.models import ApiToken

    _, prefix, secret = tokens["LA B"].split("_", 2)
    assert len(secret) == 43  # 32 random bytes, URL-safe base64
    row = ApiToken.objects.get(prefix=prefix)
    assert row.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert (row.organisation.name, row.name, row.created_by) == ("LA B", "tests", "pytest")
    assert row.last_used is not None  # LA B's token was used above
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM cld_api_apitoken")
        assert secret not in repr(cur.fetchall())
    assert not row.user.has_usable_password()  # its user cannot sign in to the pages


@pytest.mark.parametrize(("url", "status", "code"), [
    ("/api/v1/uploads/999999", 404, "not_found"),
    ("/api/v1/submissions/999999/report.xlsx", 404, "not_found"),
    ("/api/v1/submissions/{sub}/report.exe", 404, "not_found"),
    ("/api/v1/submissions?year=1999/00", 400, "invalid_year"),
])
def test_errors_have_one_shape(portal: Any, tokens: dict[str, str], url: str, status: int,
                               code: str) -> None:
    r = call(tokens, "LA A", "get", url.format(sub=portal.submission))
    assert r.status_code == status and r["Content-Type"] == "application/json"
    assert set(r.json()) == {"error"} and r.json()["error"]["code"] == code
    assert r.json()["error"]["message"]


@pytest.mark.parametrize(("data", "code", "says"), [
    ({"mode": "submit"}, "invalid_year", "reporting year"),
    ({"year": "2020/21", "mode": "delete"}, "invalid_mode", "validate only or submit"),
    ({"year": "2020/21", "mode": "validate"}, "invalid_file", "Select a CSV or XLSX file"),
])
def test_an_upload_is_checked_as_on_the_page(portal: Any, tokens: dict[str, str],
                                              data: dict[str, str], code: str,
                                              says: str) -> None:
    from cld.web.portal.models import Upload

    before = Upload.objects.count()
    r = call(tokens, "LA A", "post", "/api/v1/uploads", data=data)
    assert r.status_code == 400 and r.json()["error"]["code"] == code
    assert says in r.json()["error"]["message"]
    assert Upload.objects.count() == before


def test_a_file_that_is_not_a_submission_is_refused(portal: Any,
                                                    tokens: dict[str, str]) -> None:
    r = send(tokens, "LA A", b"%PDF-1.7\n" + b"x" * 200, "validate", name="a.csv")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_file"
    assert "not a CSV" in r.json()["error"]["message"]


def test_a_failure_is_json_without_a_traceback(portal: Any, tokens: dict[str, str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from cld.web.portal import views

    def broken(*args: Any) -> Any:
        raise RuntimeError("a secret detail")

    monkeypatch.setattr(views, "submission_report", broken)
    r = call(tokens, "LA A", "get", f"/api/v1/submissions/{portal.submission}/report.csv")
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal"
    assert "secret" not in r.content.decode() and "Traceback" not in r.content.decode()


def test_the_openapi_description_and_page(portal: Any) -> None:
    from django.test import Client

    c = Client()
    schema = c.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/v1/uploads", "/api/v1/uploads/{pk}", "/api/v1/uploads/{pk}/report.{fmt}",
        "/api/v1/submissions", "/api/v1/submissions/{pk}",
        "/api/v1/submissions/{pk}/report.{fmt}"}
    post = schema["paths"]["/api/v1/uploads"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert post["security"] == [{"Token": []}]
    r = c.get("/api/v1/docs")
    page = r.content.decode()
    assert r.status_code == 200 and "default-src 'self'" in r["Content-Security-Policy"]
    for attrs in re.findall(r"<script([^>]*)>", page):  # the base page's scripts only
        assert "src=\"/static/" in attrs or "nonce=" in attrs, attrs
    heads = re.findall(r'<strong class="govuk-tag">(\w+)</strong> <code>([^<]+)</code>', page)
    assert sorted(heads) == sorted((m.upper(), path) for path, ops in schema["paths"].items()
                                   for m in ops)
    assert "<code>year</code></th>\n    <td class=\"govuk-table__cell\">query</td>" in page
    assert '<td class="govuk-table__cell">string (binary)</td>' in page  # the upload's file
    assert 'href="/api/v1/openapi.json"' in page


def test_token_commands(portal: Any) -> None:
    from typer.testing import CliRunner

    from cld.cli import app
    from cld.store.queries import audit_events
    from cld.web.api.tokens import authenticate

    runner = CliRunner()
    where = portal.cli_store()  # the portal's database too (else the store's SQLite)
    r = runner.invoke(app, ["tokens", "new", "--org", "LA B", "--name", "export",
                            "--by", "admin-person", *where])
    assert r.exit_code == 0, r.output
    text = r.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"cld_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", text)
    assert authenticate(f"Bearer {text}").get_username() == "token:LA B/export"
    assert audit_events(portal.store, 1)[0]["action"] == "add api token"
    r = runner.invoke(app, ["tokens", "new", "--org", "LA B", "--name", "export", *where])
    assert r.exit_code != 0 and "already has a token called 'export'" in r.output
    listed = runner.invoke(app, ["tokens", "list", "--format", "json", *where]).stdout
    row = next(t for t in json.loads(listed) if t["name"] == "export")
    assert (row["organisation"], row["created_by"], row["revoked"]) == ("LA B", "admin-person",
                                                                         None)
    assert row["prefix"] == text[:17] and text[17:] not in listed  # never the secret again
    r = runner.invoke(app, ["tokens", "revoke", "--org", "LA B", "--name", "export",
                            *where])
    assert r.exit_code == 0, r.output
    assert authenticate(f"Bearer {text}") is None
    listed = runner.invoke(app, ["tokens", "list", "--format", "json", *where]).stdout
    assert next(t for t in json.loads(listed) if t["name"] == "export")["revoked"]
