"""The processors' pages: one LA's year, locking and reopening a year, the audit trail, data
quality side by side. Regional processors see their region's LAs, national analysts all."""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_tasks import TaskResultStatus, task

from cld.errors import CldError, StoreError
from cld.web import boot
from cld.web.accounts import models as m
from cld.web.accounts.rules import las_seen, role
from cld.web.portal.views import _year, la_versions, years

AUDIT_PAGE = 50  # events per page
BANNER = "cld_banner"  # the session key of a one-time success message
LOCKING = "cld_locking"  # the session key of a lock running in the background: [id, year]


def la_page(request: HttpRequest, la: str) -> HttpResponse:
    from cld.spec.register import all_las

    if la not in all_las():
        raise Http404("no such LA")
    return la_versions(request, la, _year(request))


@task()
def lock_task(year: str, reason: str, by: str) -> str:
    """Lock `year` (its snapshot is built here, in the background): "" or why it was not."""
    from cld.store import lock_year

    try:
        lock_year(boot.store(), year, by=by, reason=reason)
    except CldError as exc:
        return str(exc)
    return ""


def _locking(request: HttpRequest) -> tuple[str, dict[str, str]]:
    """The year this session's lock is still running for (or ""), and its error when it
    failed; when it is done, the banner is set."""
    from django_tasks.exceptions import TaskResultDoesNotExist

    pending = request.session.get(LOCKING)
    if not pending:
        return "", {}
    try:
        result = lock_task.get_result(pending[0])
    except TaskResultDoesNotExist:
        del request.session[LOCKING]
        return "", {}
    if not result.is_finished:
        return pending[1], {}
    del request.session[LOCKING]
    why = result.return_value if result.status == TaskResultStatus.SUCCESSFUL else \
        "the year could not be locked (see the log)"
    if why:
        return "", {"reason": why[:1].upper() + why[1:]}
    request.session[BANNER] = (f"{pending[1]} is locked: no LA can submit for it until it is "
                               "reopened")
    return "", {}


def lock(request: HttpRequest) -> HttpResponse:
    """Lock a year (no LA may submit for it) or reopen it: a reason, a confirmation. Locking
    runs in the background (the page refreshes until it is done)."""
    from cld.store.queries import year_lock

    store = boot.store()
    if request.method != "POST":
        year = _year(request)
        locking, failed = _locking(request)
        return render(request, "portal/processing/lock.html", {
            "year": year, "years": years(), "lock": year_lock(store, year), "errors": failed,
            "reason": "", "banner": request.session.pop(BANNER, None), "locking": locking})
    year = request.POST.get("year", "")
    if year not in years():
        raise Http404("no such year")
    state = year_lock(store, year)
    reason = request.POST.get("reason", "").strip()
    errors: dict[str, str] = {}
    doing = "reopen" if state.locked else "lock"
    if request.POST.get("action") != doing:
        errors["reason"] = f"The year was {'locked' if state.locked else 'reopened'} " \
                           "meanwhile: check its state and try again"
    elif not reason:
        errors["reason"] = f"Enter why you are {doing}ing {year}"
    elif request.POST.get("confirm") != "yes":
        errors["confirm"] = f"Confirm that you want to {doing} {year} for every LA"
    if not errors:
        errors = _change(store, doing, year, reason, request)
    if errors:
        return render(request, "portal/processing/lock.html", {
            "year": year, "years": years(), "lock": state, "errors": errors,
            "reason": reason, "banner": None, "locking": ""}, status=400)
    if doing == "reopen":
        request.session[BANNER] = f"{year} is reopened: LAs can submit for it again"
    return redirect(f"{request.path}?year={year}")


def _change(store: Any, doing: str, year: str, reason: str, request: HttpRequest
            ) -> dict[str, str]:
    """Reopen the year now, or queue its lock; a refusal as the form's error."""
    from cld.store import reopen_year
    from cld.store.dataset import check_reason

    by = request.user.get_username()
    try:
        if doing == "lock":
            if _locking(request)[0]:
                raise StoreError("the lock you asked for is still running")
            check_reason(reason)  # refused now rather than in the background
            request.session[LOCKING] = [lock_task.enqueue(year, reason, by).id, year]
        else:
            reopen_year(store, year, reason, by=by)
    except StoreError as exc:
        return {"reason": str(exc)[:1].upper() + str(exc)[1:]}
    return {}


def _audit_scope(user: Any) -> frozenset[str] | None:
    """The LAs whose events the user sees (None: all)."""
    if role(user) in (m.NATIONAL_ANALYST, m.ADMINISTRATOR):
        return None
    return las_seen(user)


def audit(request: HttpRequest) -> HttpResponse:
    """The latest events first, paged; POST: verify the chain (and the rows it binds)."""
    from cld.store.queries import audit_page

    store = boot.store()
    checked = None
    if request.method == "POST":
        from cld.store.integrity import verify_store

        n, problems = verify_store(store, files=False)
        checked = {"events": n, "problems": problems}
    scope = _audit_scope(request.user)
    total = audit_page(store, scope, 0, 0)[0]
    page = Paginator(range(total), AUDIT_PAGE).get_page(request.GET.get("page"))
    events = audit_page(store, scope, max(page.start_index() - 1, 0), AUDIT_PAGE)[1]
    return render(request, "portal/processing/audit.html", {
        "page": page, "events": [_shown(e) for e in events], "checked": checked,
        "everything": scope is None})


def _shown(event: dict[str, Any]) -> dict[str, Any]:
    """An event for the page: its details as short text, without the row digests."""
    try:
        details = json.loads(event["details"])
    except ValueError:
        details = {}
    parts = []
    for key, value in details.items():
        if key == "bound" or value in ("", None, []):
            continue
        parts.append(f"{key.replace('_', ' ')}: {_short(key, value)}")
    return {**event, "at": event["at"][:19].replace("T", " "), "text": "; ".join(parts)}


def _short(key: str, value: Any) -> str:
    if key.endswith("sha256") and isinstance(value, str):
        return value[:12] + "…"
    if isinstance(value, dict):  # e.g. files by name: the names
        value = list(value)
    if isinstance(value, list):
        if any(isinstance(v, dict | list) for v in value):
            return f"{len(value):,} items"
        return ", ".join(map(str, value[:10])) + (" …" if len(value) > 10 else "")
    return str(value)


def quality(request: HttpRequest) -> HttpResponse:
    """Completeness and validity of one field: each LA seen, its region, England."""
    from cld.reports.charts import quality_svg
    from cld.store.quality import compare, latest_stats

    year = _year(request)
    cmp = compare(latest_stats(boot.store(), year), request.GET.get("field", ""),
                  las_seen(request.user), year)
    return render(request, "portal/processing/quality.html", {
        "year": year, "years": years(), "cmp": cmp,
        "chart": quality_svg(cmp.rows, cmp.field) if cmp.rows else None})
