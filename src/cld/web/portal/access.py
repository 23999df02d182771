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


@dataclass(frozen=True)
class Rule:
    allow: Predicate | None  # None: public
    la: Callable[[dict[str, Any]], str] | None = None  # the LA the page is about


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
    "la": Rule(sees_la, lambda kw: str(kw["la"])),
    "year_lock": Rule(is_processor | is_national),
    "audit": Rule(is_processor | is_national | is_admin),
    "quality": Rule(is_processor | is_national),
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
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if rule.la is None:
            ok = rule.allow.test(request.user)
        else:
            ok = rule.allow.test(request.user, rule.la(kwargs))
        return None if ok else forbidden(request)


    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        from cld.errors import CldError

        if isinstance(exc, CldError):
            return render(request, "portal/problem.html", {"message": str(exc)}, status=409)
        return None


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/forbidden.html", status=403)
