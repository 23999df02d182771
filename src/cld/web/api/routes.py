"""The endpoints under /api/v1/ (django-ninja). Each route's access rule is in
cld.web.portal.access.ROUTES, applied before the endpoint runs (a token signs in there); the
endpoints parse, call the same functions as the pages, and answer in JSON."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import NinjaAPI, Path, Query, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer

from cld.errors import CldError
from cld.web import boot
from cld.web.accounts.rules import is_submitter, own_la
from cld.web.api.docs import Docs
from cld.web.api.errors import error
from cld.web.portal import views
from cld.web.portal.models import Upload
from cld.web.portal.uploads import UploadRefused, receive

log = logging.getLogger(__name__)


class Token(HttpBearer):
    """For the OpenAPI description: the access middleware has already checked the token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return request.user if request.user.is_authenticated else None


api = NinjaAPI(title="Client Level Data portal API", version="1", urls_namespace="api",
               auth=Token(), docs=Docs(), docs_url="/docs", openapi_url="/openapi.json",
               description="Submit a file, follow its validation and fetch the reports. "
                           "Send an organisation's token (`cld tokens new`) as "
                           "`Authorization: Bearer <token>`.")


class ErrorBody(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorBody


class Counts(Schema):
    rows: int
    fatal: int | None
    errors: int | None
    warnings: int | None


class UploadOut(Schema):
    id: int
    year: str
    mode: str
    file: str
    state: str  # queued, running, done, failed
    step: str
    outcome: str  # checked, unreadable, accepted, rejected... once done
    message: str
    submission: int | None
    summary: Counts | None
    links: dict[str, Any]


class SubmissionOut(Schema):
    id: int
    la_code: str
    year: str
    version: int
    status: str
    received_at: str
    submitted_by: str
    file: str
    size: int
    sha256: str
    rows: int
    rejection_reason: str
    summary: Counts | None = None
    links: dict[str, Any]


REFUSED = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
UploadId = Annotated[int, Path(description="The upload's id (POST /uploads answers it)")]
SubmissionId = Annotated[int, Path(description="The stored version's id")]
Format = Annotated[str, Path(description="xlsx, html, csv or json")]
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file", "year", "mode"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "CSV or XLSX"},
        "year": {"type": "string", "description": "The reporting year, e.g. 2024/25"},
        "mode": {"type": "string", "enum": ["validate", "submit"],
                 "description": "validate: check only; submit: store as the next version"}}}}}}}


def _counts(result: Any) -> dict[str, Any] | None:
    if result is None:
        return None
    s = result.summary
    return {"rows": s.rows, "fatal": s.fatal, "errors": s.errors, "warnings": s.warnings}


def _reports(name: str, pk: int) -> dict[str, str]:
    return {fmt: reverse(name, kwargs={"pk": pk, "fmt": fmt}) for fmt in views.FORMATS}


def _upload(up: Upload) -> dict[str, Any]:
    from cld.store.results import load_result

    links: dict[str, Any] = {"self": reverse("api:api_upload", kwargs={"pk": up.pk}),
                             "page": reverse("upload_status", args=[up.pk])}
    result = None
    if up.state == Upload.DONE and up.submission_id:
        sub = _submission(up.submission_id, summary=True)
        result, links["submission"] = sub["summary"], sub["links"]["self"]
    elif up.state == Upload.DONE and up.outcome == "checked":
        result = _counts(load_result(boot.store().path(up.folder)))
    if result is not None:
        links["reports"] = _reports("api:api_upload_report", up.pk)
    return {"id": up.pk, "year": up.year, "mode": up.mode, "file": up.filename,
            "state": up.state, "step": up.step, "outcome": up.outcome, "message": up.message,
            "submission": up.submission_id, "summary": result, "links": links}


def _submission(pk: int, *, summary: bool, info: Any = None) -> dict[str, Any]:
    from cld.store.queries import stored_result, submission

    out = (info or submission(boot.store(), pk)).as_dict()
    out["links"] = {"self": reverse("api:api_submission", kwargs={"pk": pk}),
                    "page": reverse("submission", args=[pk]),
                    "reports": _reports("api:api_submission_report", pk)}
    if summary:
        out["summary"] = _counts(stored_result(boot.store(), pk).result)
    return out


@api.post("/uploads", url_name="api_uploads", summary="Send a file", openapi_extra=UPLOAD_BODY,
          response={202: UploadOut, 400: ErrorOut, **REFUSED})
def create_upload(request: HttpRequest) -> Any:
    """Send a file to validate, or to submit as the next version (an LA's token)."""
    la = own_la(request.user)
    assert la is not None  # the access rule admits LA tokens only
    modes = ["validate"] + (["submit"] if is_submitter(request.user) else [])
    try:
        up = receive(request, la, views.years(), modes)
    except UploadRefused as exc:
        return error(400, f"invalid_{exc.field}", str(exc))
    boot.store().record(request.user.get_username(), "upload", la_code=la, year=up.year,
                        mode=up.mode, upload=up.pk, file=up.filename, via="api")
    return Status(202, _upload(up))


@api.get("/uploads/{int:pk}", url_name="api_upload", summary="An upload's state",
         response={200: UploadOut, **REFUSED})
def get_upload(request: HttpRequest, pk: UploadId) -> Any:
    """An upload's state (queued, running, done, failed), its current step and, once done,
    what was found and where its reports are."""
    from cld.web.portal.recovery import recover_uploads

    recover_uploads(boot.store().root, Upload.objects.filter(pk=pk))  # a dead worker's
    return _upload(get_object_or_404(Upload, pk=pk))


@api.get("/uploads/{int:pk}/report.{fmt}", url_name="api_upload_report",
         summary="An upload's report",
         response={200: None, 409: ErrorOut, **REFUSED})
def get_upload_report(request: HttpRequest, pk: UploadId, fmt: Format) -> Any:
    """The upload's data-quality report: xlsx, html, csv or json (the submission's, when it
    was submitted)."""
    up = get_object_or_404(Upload, pk=pk)
    if up.state != Upload.DONE:
        return error(409, "not_ready", f"The upload is {up.state}: ask again when it is done")
    if up.submission_id:
        return views.submission_report(request, up.submission_id, fmt)
    return views.check_report(request, pk, fmt)


@api.get("/submissions", url_name="api_submissions", summary="The LA's versions",
         response={200: list[SubmissionOut], 400: ErrorOut, **REFUSED})
def list_submissions(request: HttpRequest, year: Annotated[str | None, Query(
        description="The reporting year, e.g. 2024/25 (default: the current one)")] = None
                     ) -> Any:
    """The token's LA's versions for a reporting year (default: the current one)."""
    from cld.store.queries import list_submissions as subs

    year = year or views.years()[0]
    if year not in views.years():
        return error(400, "invalid_year", f"No reporting year {year!r}: give it as 2024/25")
    la = own_la(request.user)
    assert la is not None  # the access rule admits LA tokens only
    return [_submission(s.id, summary=False, info=s) for s in subs(boot.store(), year, la)]


@api.get("/submissions/{int:pk}", url_name="api_submission", summary="One version",
         response={200: SubmissionOut, **REFUSED})
def get_submission(request: HttpRequest, pk: SubmissionId) -> Any:
    """One stored version: its status, checksums and counts of problems."""
    return _submission(pk, summary=True)


@api.get("/submissions/{int:pk}/report.{fmt}", url_name="api_submission_report",
         summary="A version's report",
         response={200: None, **REFUSED})
def get_submission_report(request: HttpRequest, pk: SubmissionId, fmt: Format) -> Any:
    """A stored version's data-quality report: xlsx, html, csv or json."""
    return views.submission_report(request, pk, fmt)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(404, "not_found", "There is no such object or report")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    where = ", ".join(".".join(str(x) for x in e.get("loc", ())) for e in exc.errors)
    return error(400, "invalid", f"Check the request's parameters ({where})")


@api.exception_handler(HttpError)
def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 401:
        from cld.web.api.errors import unauthorised

        return unauthorised()
    return error(exc.status_code, "refused", str(exc))


@api.exception_handler(CldError)
def _problem(request: HttpRequest, exc: CldError) -> HttpResponse:
    return error(409, "problem", str(exc))


@api.exception_handler(Exception)
def _failed(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.error("API %s %s failed: %s", request.method, request.path, type(exc).__name__)
    return error(500, "internal", "Something went wrong; it has been logged")
