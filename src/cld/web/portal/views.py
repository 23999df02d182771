"""The pages. Views parse the request, call the store / engine / renderers, and render."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cld.dates import local_day
from cld.web import boot
from cld.web.accounts.rules import is_admin, is_submitter, las_seen, own_la, role
from cld.web.portal.models import Upload
from cld.web.portal.uploads import UploadRefused, receive

FORMATS = {"xlsx": "Excel workbook", "html": "web page", "csv": "CSV", "json": "JSON"}
PAGE = 50  # issues per page


def years(today: datetime | None = None) -> list[str]:
    """Reporting years offered: from 2020/21 to the current one, newest first."""
    d = local_day(today or datetime.now(UTC))
    last = d.year if d.month >= 4 else d.year - 1
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(last, 2019, -1)]


class LoginForm(AuthenticationForm):
    """User name and password, then the authenticator's code for users who have one."""

    otp_token = forms.CharField(required=False, max_length=8)
    device: Any = None

    def clean(self) -> dict[str, Any]:
        from django_otp import devices_for_user, match_token

        data = super().clean()
        user = self.get_user()
        if user is not None and any(devices_for_user(user, confirmed=True)):
            token = (data.get("otp_token") or "").strip()
            self.device = match_token(user, token) if token else None
            if self.device is None:
                raise forms.ValidationError("Enter the current code from your authenticator "
                                            "app", code="otp")
        return data


class Login(auth_views.LoginView):
    template_name = "portal/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def form_valid(self, form: Any) -> HttpResponse:
        from django_otp import login as otp_login

        response = super().form_valid(form)
        if form.device is not None:
            otp_login(self.request, form.device)
        return response


def logout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        from django.contrib.auth import logout as end

        end(request)
        return redirect("login")
    return render(request, "portal/logout.html")


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "portal/home.html", {
        "role": role(user), "org": getattr(getattr(user, "membership", None), "organisation",
                                           None),
        "la_user": own_la(user) is not None, "own_la": own_la(user),
        "submitter": is_submitter(user),
        "tracker": las_seen(user) != frozenset(),
        "extracts": role(user) in ("recipient", "national_analyst", "regional_processor"),
        "processor": role(user) == "regional_processor",
        "benchmark": role(user) in ("national_analyst", "regional_processor"),
        "las": sorted(las_seen(user) or ()) if role(user) == "regional_processor" else [],
        "admin": is_admin(user)})


def upload(request: HttpRequest) -> HttpResponse:
    la = own_la(request.user)
    assert la is not None  # the access rule admits LA users only
    modes = ["validate"] + (["submit"] if is_submitter(request.user) else [])
    ctx: dict[str, Any] = {"years": years(), "modes": modes, "errors": {}}
    if request.method != "POST":
        return render(request, "portal/upload.html", ctx)
    try:
        up = receive(request, la, ctx["years"], modes)
    except UploadRefused as exc:
        ctx["errors"] = {exc.field: str(exc)}
        return render(request, "portal/upload.html", ctx, status=400)
    return redirect("upload_status", up.pk)


def upload_status(request: HttpRequest, pk: int) -> HttpResponse:
    from cld.web.portal.recovery import recover_uploads

    # one a dead worker left is given up
    recover_uploads(boot.store().root, Upload.objects.filter(pk=pk))
    up = get_object_or_404(Upload, pk=pk)
    if up.state == Upload.DONE and up.submission_id:
        return redirect("submission", up.submission_id)
    if up.state == Upload.DONE and up.outcome == "checked":
        return redirect("check", up.pk)
    return render(request, "portal/status.html", {"up": up})


def _page(request: HttpRequest, issues: Any) -> tuple[Any, list[dict[str, Any]], str]:
    """One page of the issues (in row order), of one field's issues when asked. `issues`: a
    table, or the stored issues.parquet (only the page's row groups are read)."""
    from cld.store.results import issues_page

    field = request.GET.get("field", "")
    total, _ = issues_page(issues, 0, 0, field)
    page = Paginator(range(total), PAGE).get_page(request.GET.get("page"))
    rows = issues_page(issues, page.start_index() - 1, PAGE, field)[1].to_pylist()
    return page, rows, field


def _result_page(request: HttpRequest, result: Any, reason: str, ctx: dict[str, Any],
                 issues: Path | None = None) -> HttpResponse:
    """The result page; `issues`: where the issues are kept, when `result` was loaded
    without them (issues=False)."""
    if result is None:
        return render(request, "portal/result.html", {**ctx, "result": None, "reason": reason})
    page, rows, field = _page(request, result.issues if issues is None else issues)
    fields = [f for f in result.field_stats
              if f.invalid or (f.requirement == "mandatory" and f.filled < f.rows)]
    return render(request, "portal/result.html", {
        **ctx, "result": result, "s": result.summary, "reason": reason, "page": page,
        "rows": rows, "field": field, "formats": FORMATS, "fields": fields,
        "more": urlencode({"field": field}) if field else "",
        "rules": sorted(result.rule_counts, key=lambda r: -r.count)})


def check(request: HttpRequest, pk: int) -> HttpResponse:
    from cld.store.results import load_result, rejection_reason

    up = get_object_or_404(Upload, pk=pk, mode=Upload.VALIDATE, state=Upload.DONE)
    folder = boot.store().path(up.folder)
    return _result_page(request, load_result(folder, issues=False), rejection_reason(folder), {
        "title": f"Check of {up.filename}", "up": up, "report_url": "check_report",
        "key": up.pk}, folder / "issues.parquet")


def submission(request: HttpRequest, pk: int) -> HttpResponse:
    from cld.store.queries import stored_result
    from cld.store.queries import submission as info

    store = boot.store()
    sub = info(store, pk)
    sr = stored_result(store, pk, issues=False)
    return _result_page(request, sr.result, sr.reason, {
        "title": f"{sub.la_code} {sub.year} version {sub.version} ({sub.status})",
        "sub": sub, "report_url": "submission_report", "key": pk}, sr.folder / "issues.parquet")


def _download(request: HttpRequest, result: Any, fmt: str, stem: str, la: str, year: str,
              **what: Any) -> FileResponse:
    from cld.reports import write_report

    if fmt not in FORMATS or result is None:
        raise Http404("no such report")
    folder = Path(tempfile.mkdtemp(prefix="cld-report-"))
    path = folder / f"{stem}-dq.{fmt}"
    try:
        write_report(result, fmt, path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return send_file(request, path, path.name, temp=folder, la_code=la, year=year,
                     format=fmt, **what)


def send_file(request: HttpRequest, path: Path, filename: str, temp: Path | None = None,
              **audit: Any) -> FileResponse:
    """`path` as a download named `filename`, recorded in the audit trail with the user and
    how (portal or api); `temp`, a folder made for this download, is removed (the open handle
    keeps the bytes until the response is sent)."""
    via = "api" if request.path.startswith("/api/") else "portal"
    boot.store().record(request.user.get_username(), "download", via=via, **audit)
    fh = path.open("rb")
    if temp is not None:
        shutil.rmtree(temp, ignore_errors=True)
    return FileResponse(fh, as_attachment=True, filename=filename)


def check_report(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    from cld.store.results import load_result

    up = get_object_or_404(Upload, pk=pk, mode=Upload.VALIDATE, state=Upload.DONE)
    result = load_result(boot.store().path(up.folder))
    stem = f"{up.la_code}-{up.year.replace('/', '-')}-check-{up.pk}"
    return _download(request, result, fmt, stem, up.la_code, up.year, upload=up.pk,
                     file=up.filename)


def submission_report(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    from cld.store.queries import stored_result
    from cld.store.queries import submission as info

    store = boot.store()
    sub = info(store, pk)
    sr = stored_result(store, pk)
    return _download(request, sr.result, fmt, sr.name, sub.la_code, sub.year, submission=pk)


def versions(request: HttpRequest) -> HttpResponse:
    la = own_la(request.user)
    assert la is not None  # the access rule admits LA users only
    return la_versions(request, la, _year(request))


def la_versions(request: HttpRequest, la: str, year: str) -> HttpResponse:
    """One LA's versions of a year, newest first, how its events changed between them, and
    whether the year is locked: the LA's own page (versions) and the processors'
    (processing.la_page)."""
    from cld.spec.register import all_las
    from cld.store.queries import list_submissions, version_changes, year_lock

    store = boot.store()
    subs = list_submissions(store, year, la)
    from cld.web.portal.access import may_open

    known = all_las().get(la)
    changes = version_changes(store, la, year)
    links = [(name, text) for name, text in (("la_data", "Dataset and trace feedback"),
                                             ("tracing", "Trace the NHS numbers"))
             if may_open(request.user, name, la=la)]
    return render(request, "portal/versions.html", {"year": year, "years": years(),
                                                    "subs": subs[::-1], "la": la,
                                                    "la_name": known.name if known else "",
                                                    "changes": changes, "links": links,
                                                    "lock": year_lock(store, year)})


def tracker(request: HttpRequest) -> HttpResponse:
    from cld.store import tracker as track

    year = _year(request)
    seen = las_seen(request.user)
    rows = [r for r in track(boot.store(), year) if seen is None or r.la_code in seen]
    return render(request, "portal/tracker.html", {"year": year, "years": years(),
                                                   "rows": rows})


def _year(request: HttpRequest) -> str:
    year = request.GET.get("year") or years()[0]
    if year not in years():
        raise Http404("no such year")
    return year

