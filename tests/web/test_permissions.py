"""The permission matrix, generated from the URL configuration: every route requested as every
role (and another LA's user, and nobody signed in); only the allowed ones succeed.

A route with no rule (cld.web.portal.access.ROUTES) or no row in ALLOWED below fails here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.web.conftest import USERS

SIGNED_IN = frozenset(USERS)
A_USERS = frozenset({"sub_a", "ana_a"})
LA_USERS = A_USERS | {"sub_b"}
A_DATA = A_USERS | {"proc_a", "national"}  # LA A's own users, its region's processor
#: route name -> who may open it (by hand, from the issue's roles); "anonymous" for the public
ALLOWED: dict[str, frozenset[str]] = {
    "login": SIGNED_IN | {"anonymous"},
    "logout": SIGNED_IN,
    "home": SIGNED_IN,
    "upload": LA_USERS,
    "upload_status": A_USERS,
    "check": A_USERS,
    "check_report": A_USERS,
    "versions": LA_USERS,
    "submission": A_DATA,
    "submission_report": A_DATA,
    "tracker": frozenset({"proc_a", "proc_b", "national"}),
    # the API: "who" stands for a token of who's organisation (an LA's token submits)
    "api-root": SIGNED_IN | {"anonymous"},
    "openapi-json": SIGNED_IN | {"anonymous"},
    "openapi-view": SIGNED_IN | {"anonymous"},
    "api_uploads": LA_USERS,
    "api_upload": A_USERS,
    "api_upload_report": A_USERS,
    "api_submissions": LA_USERS,
    "api_submission": A_DATA,
    "api_submission_report": A_DATA,
    "tracing": frozenset({"proc_a"}),  # LA A's: its region's processor only
    "trace_run": frozenset({"proc_a"}),
    "extracts": frozenset({"proc_a", "proc_b", "national", "recipient", "recipient_b"}),
    "extract_new": frozenset({"proc_a", "proc_b"}),
    "extract": frozenset({"proc_a", "proc_b", "recipient"}),  # Recipient's extract
    "extract_file": frozenset({"recipient"}),
    "benchmarks": frozenset({"proc_a", "proc_b", "national"}),
    "benchmark": frozenset({"proc_a", "proc_b", "national"}),
    "benchmark_file": frozenset({"proc_a", "proc_b", "national"}),
    "la": A_DATA,
    "year_lock": frozenset({"proc_a", "proc_b", "national"}),
    "audit": frozenset({"proc_a", "proc_b", "national", "admin"}),
    "quality": frozenset({"proc_a", "proc_b", "national"}),
    "admin_users": frozenset({"admin"}),
    "admin_user_add": frozenset({"admin"}),
    "admin_user_active": frozenset({"admin"}),  # GET: back to the list (changes are POSTs)
    "admin_user_unlock": frozenset({"admin"}),
    "admin_orgs": frozenset({"admin"}),
    "admin_org_add": frozenset({"admin"}),
    "la_data": A_USERS | {"proc_a"},  # identifiable: not national analysts
    "la_feedback_file": A_USERS | {"proc_a"},
    "la_dataset_file": A_USERS | {"proc_a"},
    "figures": LA_USERS,  # each LA user's own LA
}
#: a route's query string where its page needs one (the year LA A submitted)
QUERY = {"la_data": "?year=2020/21", "la_feedback_file": "?year=2020/21",
         "la_dataset_file": "?year=2020/21"}


def url_names() -> dict[str, Any]:
    """Every named route of the URL configuration, nested ones included."""
    from django.urls import URLPattern, URLResolver, get_resolver

    out: dict[str, Any] = {}

    def walk(patterns: list[Any]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                assert p.name, f"route {p.pattern} has no name, so it can have no rule"
                out[p.name] = p
    walk(get_resolver().url_patterns)
    return out


def sample_url(name: str, pattern: Any, portal: Any) -> str:
    """The route with LA A's objects filled in (the upload, or the stored submission)."""
    from django.urls import reverse

    from cld.web.portal.access import ROUTES

    kwargs: dict[str, Any] = {}
    pks = {"extract": portal.extract, "trace": portal.trace, "bench": portal.bench}
    files = {"extract_file": "extract.csv", "benchmark_file": "benchmark.csv"}
    for key in pattern.pattern.converters:
        if key == "pk" and name.startswith(("extract", "trace", "bench")):
            kwargs[key] = pks[name.split("_")[0].removesuffix("mark")]
        elif key == "pk":
            kwargs[key] = portal.submission if "submission" in name else portal.upload
        elif key == "fmt":
            kwargs[key] = "csv" if name == "la_dataset_file" else "xlsx"
        elif key == "la":
            kwargs[key] = "503"
        elif key == "name":
            kwargs[key] = files[name]
        elif key == "user_id":
            kwargs[key] = portal.users["sub_b"].pk
        else:
            raise AssertionError(f"route {name}: no sample value for <{key}>")
    url = reverse(("api:" if ROUTES[name].api else "") + name, kwargs=kwargs)
    return url + QUERY.get(name, "")


def test_every_route_has_a_rule_and_an_expectation(portal: Any) -> None:
    from cld.web.portal.access import ROUTES

    names = set(url_names())
    assert names - set(ROUTES) == set(), "routes without an access rule (denied to all)"
    assert set(ROUTES) - names == set(), "rules for routes that do not exist"
    assert names == set(ALLOWED)


def test_a_route_without_a_rule_is_denied_to_everyone(portal: Any) -> None:
    from django.test import Client, RequestFactory

    from cld.web.portal.access import AccessMiddleware

    request = RequestFactory().get("/x/")
    request.user = portal.users["admin"]
    request.resolver_match = type("M", (), {"url_name": "a_new_route"})()
    response = AccessMiddleware(lambda r: None).process_view(request, None, (), {})
    assert response is not None and response.status_code == 403
    assert Client().get("/no/such/page/").status_code == 404


@pytest.mark.parametrize("who", sorted(SIGNED_IN | {"anonymous"}))
def test_permission_matrix(portal: Any, tokens: dict[str, str], who: str) -> None:
    """Pages as who, signed in; API routes with a token of who's organisation (none for
    the anonymous): refused with 401 or 403 in JSON, a POST-only route posted empty."""
    from django.test import Client

    from cld.web.portal.access import ROUTES

    c = Client()
    if who != "anonymous":
        c.force_login(portal.users[who])
    token = {} if who == "anonymous" else {
        "HTTP_AUTHORIZATION": f"Bearer {tokens[USERS[who][1]]}"}
    for name, pattern in url_names().items():
        url = sample_url(name, pattern, portal)
        api = ROUTES[name].api
        r = c.get(url, **(token if api else {}))
        if api and r.status_code == 405:
            r = c.post(url, **token)
        where = f"{who} {r.request['REQUEST_METHOD']} {url} ({name}) -> {r.status_code}"
        if who in ALLOWED[name]:
            assert r.status_code in ((200, 302, 400, 404) if name == "api-root" or
                                     r.request["REQUEST_METHOD"] == "POST" else (200, 302)), where
            assert not r.get("Location", "").startswith("/login/"), where
            if r.status_code == 400:  # the empty POST: refused by the endpoint, not the rule
                assert r.json()["error"]["code"] == "invalid_year", where
        elif api:
            code = 401 if who == "anonymous" else 403
            assert r.status_code == code, where
            assert r.json()["error"]["code"] == {401: "unauthorised", 403: "forbidden"}[code]
        elif who == "anonymous":
            nxt = quote(url, safe="/")
            assert r.status_code == 302 and r["Location"] == f"/login/?next={nxt}", where
        else:
            assert r.status_code == 403, where


def test_the_api_ignores_a_signed_in_session(portal: Any) -> None:
    from django.test import Client

    c = Client()
    c.force_login(portal.users["sub_a"])
    r = c.get(f"/api/v1/uploads/{portal.upload}")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorised"


def test_tracker_shows_only_the_processors_region(portal: Any) -> None:
    from django.test import Client

    from cld.web.accounts.rules import region_las

    seen = {}
    for who in ("proc_a", "proc_b", "national"):
        c = Client()
        c.force_login(portal.users[who])
        seen[who] = c.get("/tracker/?year=2020/21").content.decode()
    assert ">503 Lincolnshire<" in seen["proc_a"] and "716 Barking" not in seen["proc_a"]
    assert "503 Lincolnshire" not in seen["proc_b"] and ">716 Barking" in seen["proc_b"]
    assert "503 Lincolnshire" in seen["national"] and "716 Barking" in seen["national"]
    assert seen["proc_a"].count('<th scope="row"') == len(region_las("GEM"))


def test_versions_show_only_the_users_own_la(portal: Any) -> None:
    from django.test import Client

    pages = {}
    for who in ("sub_a", "sub_b"):
        c = Client()
        c.force_login(portal.users[who])
        pages[who] = c.get("/versions/?year=2020/21").content.decode()
    assert f'href="/submissions/{portal.submission}/"' in pages["sub_a"]
    # the history of its events by version: one accepted version, every event new in it
    from cld.store.queries import submission

    n = submission(portal.store, portal.submission).rows
    cells = "".join(f'<td class="govuk-table__cell">{v}</td>' for v in [1, n, n, 0, 0, 0, 0, 0])
    assert cells in pages["sub_a"]  # version 1, n rows, all new, none returned/changed/...
    assert "/submissions/" not in pages["sub_b"]
    assert "Nothing submitted for 2020/21 yet" in pages["sub_b"]
