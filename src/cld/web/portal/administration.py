"""The administrators' pages: users and organisations, as `cld users` and `cld orgs` manage
them (cld.web.accounts.manage checks and audits each change, with the administrator's name)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cld.web.accounts import manage
from cld.web.accounts import models as m

NOTE = "cld_admin_note"  # the session key of the last change's confirmation


def users(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/administration/users.html", {
        "rows": manage.user_rows(), "note": request.session.pop(NOTE, "")})


def user_add(request: HttpRequest) -> HttpResponse:
    form = {k: request.POST.get(k, "").strip() for k in ("email", "organisation", "role")}
    ctx: dict[str, Any] = {"form": form, "errors": {}, "roles": list(m.ROLES),
                           "orgs": m.Organisation.objects.order_by("name")}
    if request.method == "POST":
        try:
            manage.add_user(form["email"], form["role"], form["organisation"],
                            request.POST.get("password", ""), by=_me(request))
        except manage.AccountError as exc:
            ctx["errors"] = {exc.field or "email": _sentence(str(exc))}
        else:
            return _done(request, "admin_users", f"Added the user {form['email']}")
    return render(request, "portal/administration/user_add.html", ctx,
                  status=400 if ctx["errors"] else 200)


def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("admin_users")
    email = _email(user_id)
    active = request.POST.get("active") == "yes"
    manage.set_active(email, active, by=_me(request))  # a CldError shows the problem page
    return _done(request, "admin_users",
                 f"{'Reactivated' if active else 'Deactivated'} the user {email}")


def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("admin_users")
    email = _email(user_id)
    manage.unlock(email, by=_me(request))
    return _done(request, "admin_users", f"Cleared the failed sign-ins of {email}")


def orgs(request: HttpRequest) -> HttpResponse:
    from django.db.models import Count

    return render(request, "portal/administration/orgs.html", {
        "orgs": m.Organisation.objects.annotate(users=Count("members")).order_by("name"),
        "kinds": dict(m.KINDS), "note": request.session.pop(NOTE, "")})


def org_add(request: HttpRequest) -> HttpResponse:
    form = {k: request.POST.get(k, "").strip()
            for k in ("name", "kind", "la", "region", "profile", "recipient")}
    ctx: dict[str, Any] = {"form": form, "errors": {}, "kinds": m.KINDS,
                           "regions": manage.regions(),
                           "profiles": manage.recipient_profiles()}
    if request.method == "POST":
        try:
            if not form["name"]:
                raise manage.AccountError("enter the organisation's name", "name")
            manage.add_org(form["name"], form["kind"], la=form["la"] or None,
                           region=form["region"] or None, profile=form["profile"] or None,
                           recipient=form["recipient"] or None, by=_me(request))
        except manage.AccountError as exc:
            ctx["errors"] = {exc.field or "name": _sentence(str(exc))}
        else:
            return _done(request, "admin_orgs", f"Added the organisation {form['name']}")
    return render(request, "portal/administration/org_add.html", ctx,
                  status=400 if ctx["errors"] else 200)


def _me(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _email(user_id: int) -> str:
    from django.contrib.auth import get_user_model

    return str(get_object_or_404(get_user_model(), pk=user_id).get_username())


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _done(request: HttpRequest, to: str, note: str) -> HttpResponse:
    request.session[NOTE] = note
    return redirect(to)
