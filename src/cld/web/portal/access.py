"""Deny by default: every route must have a rule here, or nobody may open it.

A rule is a `rules` predicate and, for pages about one LA's data, how to find that LA from the
URL (the predicate then gets the LA code). The permission matrix test requests every route as
every role, from this table and the URL configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from rules import Predicate

from cld.web.accounts.rules import (
    is_admin,
    is_la_user,
    is_national,
    is_processor,
    is_recipient,
    receives,
    sees_la,
    signed_in,
)


def _upload_la(kw: dict[str, Any]) -> str:
    from cld.web.portal.models import Upload

    up = Upload.objects.filter(pk=kw["pk"]).first()
    if up is None:
        raise Http404("no such upload")
    return up.la_code


def _submission_la(kw: dict[str, Any]) -> str:
    from cld.errors import StoreError
    from cld.store.queries import submission
    from cld.web import boot

    try:
        return submission(boot.store(), kw["pk"]).la_code
    except StoreError:
        raise Http404("no such submission") from None


def _extract_org(kw: dict[str, Any]) -> str:
    """The extract's recipient organisation (its pk, for `receives`)."""
    from cld.web.portal.models import Extract

    ex = Extract.objects.filter(pk=kw["pk"]).values("organisation_id").first()
    if ex is None:
        raise Http404("no such extract")
    return str(ex["organisation_id"])


def _trace_la(kw: dict[str, Any]) -> str:
    from cld.web.portal.models import Run

    run = Run.objects.filter(pk=kw["pk"], kind=Run.TRACE).first()
    if run is None:
        raise Http404("no such trace")
    return run.la_code


def _la(kw: dict[str, Any]) -> str:
    return str(kw["la"])


@dataclass(frozen=True)
class Rule:
    allow: Predicate | None  # None: public
    la: Callable[[dict[str, Any]], str] | None = None  # the LA the page is about
    api: bool = False  # signed in by an API token (cld.web.api), refused with JSON


def Api(allow: Predicate | None, la: Callable[[dict[str, Any]], str] | None = None) -> Rule:
    """The rule of an API route: the token's user must pass `allow`, as on the pages."""
    return Rule(allow, la, api=True)


PUBLIC = Rule(None)
ROUTES: dict[str, Rule] = {
    "login": PUBLIC,
    "logout": Rule(signed_in),
    "home": Rule(signed_in),
    "upload": Rule(is_la_user),
    "upload_status": Rule(is_la_user & sees_la, _upload_la),
    "check": Rule(is_la_user & sees_la, _upload_la),
    "check_report": Rule(is_la_user & sees_la, _upload_la),
    "versions": Rule(is_la_user),
    "submission": Rule(sees_la, _submission_la),
    "submission_report": Rule(sees_la, _submission_la),
    "tracker": Rule(is_processor | is_national),
    # the API (cld.web.api.routes): signed in by a token, refused in JSON
    "api-root": Api(None), "openapi-json": Api(None), "openapi-view": Api(None),
    "api_uploads": Api(is_la_user),
    "api_upload": Api(is_la_user & sees_la, _upload_la),
    "api_upload_report": Api(is_la_user & sees_la, _upload_la),
    "api_submissions": Api(is_la_user),
    "api_submission": Api(sees_la, _submission_la),
    "api_submission_report": Api(sees_la, _submission_la),
    "tracing": Rule(is_processor & sees_la, lambda kw: kw["la"]),
    "trace_run": Rule(is_processor & sees_la, _trace_la),
    "extracts": Rule(is_recipient | is_national | is_processor),
    "extract_new": Rule(is_processor),
    "extract": Rule(is_processor | receives, _extract_org),
    "extract_file": Rule(receives, _extract_org),
    "benchmarks": Rule(is_national | is_processor),
    "benchmark": Rule(is_national | is_processor),
    "benchmark_file": Rule(is_national | is_processor),
    "la": Rule(sees_la, lambda kw: str(kw["la"])),
    "year_lock": Rule(is_processor | is_national),
    "audit": Rule(is_processor | is_national | is_admin),
    "quality": Rule(is_processor | is_national),
    "admin_users": Rule(is_admin),
    "admin_user_add": Rule(is_admin),
    "admin_user_active": Rule(is_admin),
    "admin_user_unlock": Rule(is_admin),
    "admin_orgs": Rule(is_admin),
    "admin_org_add": Rule(is_admin),
    # an LA's identifiable data: its own users and its region's processor (not national)
    "la_data": Rule((is_la_user | is_processor) & sees_la, _la),
    "la_feedback_file": Rule((is_la_user | is_processor) & sees_la, _la),
    "la_dataset_file": Rule((is_la_user | is_processor) & sees_la, _la),
    "figures": Rule(is_la_user),  # the user's own LA
}


class AccessMiddleware:
    """Applies ROUTES before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any,
                     kwargs: dict[str, Any]) -> HttpResponse | None:
        match = request.resolver_match
        rule = ROUTES.get(match.url_name or "") if match else None
        if rule is None:
            return forbidden(request)
        if rule.allow is None:
            return None
        if rule.api:
            from cld.web.api.tokens import authenticate

            request.user = authenticate(request.headers.get("Authorization", ""))
            if request.user is None:
                from cld.web.api.errors import unauthorised

                return unauthorised()
        elif not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            ok = _passes(request.user, rule, kwargs)
        except Http404:
            if not rule.api:
                raise
            from cld.web.api.errors import not_found

            return not_found()
        return None if ok else forbidden(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        from cld.errors import CldError

        if isinstance(exc, CldError):
            return render(request, "portal/problem.html", {"message": str(exc)}, status=409)
        return None


def may_open(user: Any, name: str, **kwargs: Any) -> bool:
    """Whether `user` passes the rule of route `name` with these URL values (for links)."""
    return _passes(user, ROUTES[name], kwargs)


def _passes(user: Any, rule: Rule, kwargs: dict[str, Any]) -> bool:
    if rule.allow is None:
        return True
    return bool(rule.allow.test(user, rule.la(kwargs)) if rule.la else rule.allow.test(user))


def forbidden(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        from cld.web.api.errors import forbidden as refused

        return refused()
    return render(request, "portal/forbidden.html", status=403)
