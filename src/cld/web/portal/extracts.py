"""Extracts for recipient organisations and the benchmark: processors ask for them, a
background task makes them (cld.web.portal.jobs), the recipients (and national analysts, for
the national team's) read and download them. Every download is audited with the user."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cld.errors import CldError
from cld.web import boot
from cld.web.accounts.models import NATIONAL, RECIPIENT, Organisation
from cld.web.accounts.rules import is_processor, own_org, receives
from cld.web.portal.jobs import key_file
from cld.web.portal.models import Extract, Run
from cld.web.portal.views import send_file, years

FILES = {"extract.parquet": "Parquet", "extract.csv": "CSV (spreadsheet-safe)",
         "manifest.json": "manifest (JSON)"}
BENCHMARK_FILES = {"benchmark.csv": "CSV", "benchmark.xlsx": "Excel workbook",
                   "benchmark.html": "web page with charts"}
SHOWN = 200  # benchmark rows on the page (all are in the files)


class NoKey(CldError):
    """The pseudonymisation key file the portal needs is missing or unusable."""


def extracts(request: HttpRequest) -> HttpResponse:
    """A recipient's (or the national team's) extracts; a processor's: every extract."""
    rows = Extract.objects.select_related("organisation", "user").order_by("-pk")
    if not is_processor(request.user):
        rows = rows.filter(organisation=own_org(request.user), state=Extract.DONE)
    return render(request, "portal/extracts/list.html", {
        "rows": rows, "processor": is_processor(request.user)})


def _recipients() -> list[Organisation]:
    return list(Organisation.objects.filter(kind__in=(RECIPIENT, NATIONAL))
                .exclude(profile="").order_by("name"))


def extract_new(request: HttpRequest) -> HttpResponse:
    orgs = _recipients()
    ctx: dict[str, Any] = {"orgs": orgs, "years": years(), "errors": {}, "chosen": {}}
    if request.method != "POST":
        return render(request, "portal/extracts/new.html", ctx)
    org = next((o for o in orgs if str(o.pk) == request.POST.get("org")), None)
    year = request.POST.get("year")
    ctx["chosen"] = {"org": request.POST.get("org"), "year": year}
    if org is None:
        ctx["errors"]["org"] = "Select the recipient organisation"
    if year not in ctx["years"]:
        ctx["errors"]["year"] = "Select the reporting year"
    if ctx["errors"]:
        return render(request, "portal/extracts/new.html", ctx, status=400)
    assert org is not None and year is not None
    _check_key(org.profile)
    store = boot.store()
    folder = Path("portal") / "extracts" / uuid.uuid4().hex
    ex = Extract.objects.create(organisation=org, profile=org.profile,
                                recipient=org.recipient_code, year=year, user=request.user,
                                folder=folder.as_posix())
    from cld.web.portal.jobs import make_extract

    store.path(ex.folder).parent.mkdir(parents=True, exist_ok=True)
    make_extract.enqueue(ex.pk)
    return redirect("extract", ex.pk)


def _check_key(profile: str) -> None:
    """Before queuing: a profile that tokenises needs the key file (a problem page if not)."""
    from cld.privacy.keys import KeyFileError, load_key_file
    from cld.privacy.profiles import load_profile

    if not load_profile(profile).tokenises:
        return
    path = key_file(boot.store())
    try:
        load_key_file(path)
    except KeyFileError as exc:
        raise NoKey(f"The {profile} profile tokenises identifiers, so the extract needs the "
                    f"pseudonymisation key, and {exc}. Create it on the portal's server with "
                    f"`cld keys new --out {path}` (or name another key file in the "
                    "CLD_PSEUDONYMISATION_KEY_FILE setting), then ask again.") from None


def extract(request: HttpRequest, pk: int) -> HttpResponse:
    ex = get_object_or_404(Extract.objects.select_related("organisation", "user"), pk=pk)
    mine = receives(request.user, str(ex.organisation_id))
    return render(request, "portal/extracts/extract.html", {
        "ex": ex, "files": FILES if mine and ex.state == Extract.DONE else {}})


def extract_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    ex = get_object_or_404(Extract, pk=pk, state=Extract.DONE)
    if name not in FILES:
        raise Http404("no such file")
    path = boot.store().path(ex.folder) / name
    if not path.is_file():
        raise Http404("no such file")
    return send_file(request, path, f"{ex.profile}-{ex.recipient}-{ex.year.replace('/', '-')}"
                     f"-{ex.pk}-{name}", year=ex.year, extract=ex.pk, file=name,
                     profile=ex.profile, recipient=ex.recipient)


def benchmarks(request: HttpRequest) -> HttpResponse:
    """The benchmarks made, and a form to ask for one of a year."""
    ctx: dict[str, Any] = {"years": years(), "errors": {},
                           "rows": Run.objects.filter(kind=Run.BENCHMARK).order_by("-pk")}
    if request.method != "POST":
        return render(request, "portal/extracts/benchmarks.html", ctx)
    year = request.POST.get("year")
    if year not in ctx["years"]:
        ctx["errors"]["year"] = "Select the reporting year"
        return render(request, "portal/extracts/benchmarks.html", ctx, status=400)
    run = Run.objects.create(kind=Run.BENCHMARK, year=year, user=request.user,
                             folder=f"portal/benchmarks/{uuid.uuid4().hex}")
    from cld.web.portal.jobs import benchmark as make

    make.enqueue(run.pk)
    return redirect("benchmark", run.pk)


def benchmark(request: HttpRequest, pk: int) -> HttpResponse:
    from cld.privacy.benchmark_files import published

    run = get_object_or_404(Run, pk=pk, kind=Run.BENCHMARK)
    ctx: dict[str, Any] = {"run": run, "files": BENCHMARK_FILES, "rows": [], "series": []}
    if run.state == Run.DONE:
        chosen = request.GET.get("series") or None
        ctx["series"], rows = published(boot.store().path(run.folder), chosen)
        ctx["chosen"] = chosen or (ctx["series"][0] if ctx["series"] else "")
        ctx["rows"], ctx["more"] = rows[:SHOWN], max(len(rows) - SHOWN, 0)
    return render(request, "portal/extracts/benchmark.html", ctx)


def benchmark_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    run = get_object_or_404(Run, pk=pk, kind=Run.BENCHMARK, state=Run.DONE)
    if name not in BENCHMARK_FILES:
        raise Http404("no such file")
    path = boot.store().path(run.folder) / name
    if not path.is_file():
        raise Http404("no such file")
    return send_file(request, path, f"benchmark-{run.year.replace('/', '-')}-{run.pk}-{name}",
                     year=run.year, benchmark=run.pk, file=name)
