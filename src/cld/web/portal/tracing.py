"""Tracing an LA's counting submission from the portal (a regional processor, for the LAs of
their region): against the register store.yaml names, as `cld trace` does, in the
background. The page shows people per outcome only, never an identifier."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cld.errors import CldError
from cld.web import boot
from cld.web.portal.models import Run
from cld.web.portal.views import _year, years


class NoRegister(CldError):
    """The store names no register to trace against."""


def tracing(request: HttpRequest, la: str) -> HttpResponse:
    from cld.privacy.traceflow import TraceError, register_path

    store = boot.store()
    try:
        register_path(store, None)
    except TraceError:
        raise NoRegister("No register to trace against is configured. Set `tracing: register: "
                         f"PATH` in {store.root / 'store.yaml'} (the local register copy, CSV "
                         "or Parquet; a relative path is from the store folder), then restart "
                         "the portal and its worker.") from None
    ctx: dict[str, Any] = {"la": la, "years": years(), "errors": {},
                           "runs": Run.objects.filter(kind=Run.TRACE, la_code=la)
                           .order_by("-pk")}
    if request.method != "POST":
        return render(request, "portal/extracts/tracing.html", {**ctx, "year": _year(request)})
    year = request.POST.get("year")
    if year not in years():
        ctx["errors"]["year"] = "Select the reporting year"
        return render(request, "portal/extracts/tracing.html", {**ctx, "year": ""}, status=400)
    run = Run.objects.create(kind=Run.TRACE, la_code=la, year=year, user=request.user)
    from cld.web.portal.jobs import trace

    trace.enqueue(run.pk)
    return redirect("trace_run", run.pk)


def trace_run(request: HttpRequest, pk: int) -> HttpResponse:
    from cld.privacy.schema import Action

    run = get_object_or_404(Run, pk=pk, kind=Run.TRACE)
    counts: dict[str, Any] = run.result.get("counts", {})
    return render(request, "portal/extracts/trace.html", {
        "run": run, "counts": [(a.value, counts.get(a.value, 0)) for a in Action],
        "total": sum(counts.values())})
