"""An LA's own data: the trace feedback (counts; CSV and XLSX), its consolidated dataset
(Parquet and CSV) and its derived figures beside the other LAs' under disclosure control.

Files are written by the engine into a temporary folder, sent and removed; every download is
audited with the user. The figures are derived by a background task (all LAs at once, for the
benchmark) and kept in the store folder per year and data version, one JSON file per LA.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_tasks import task

from cld.errors import CldError
from cld.web import boot
from cld.web.accounts.rules import own_la
from cld.web.portal.views import _year, send_file, years

FEEDBACK_FORMATS = {"csv": "CSV", "xlsx": "Excel workbook (XLSX)"}
DATASET_FORMATS = {"parquet": "Parquet (for analysis tools)", "csv": "CSV"}
STATE = "state.json"


def _page_url(name: str, la: str | None, year: str) -> str:
    return f"{reverse(name, args=[la] if la else [])}?year={year}"


def la_data(request: HttpRequest, la: str) -> HttpResponse:
    from cld.privacy.feedback import trace_summary

    year = _year(request)
    summary, reason = None, ""
    try:
        summary = trace_summary(boot.store(), la, year)
    except CldError as exc:
        reason = str(exc)
    return render(request, "portal/la_data/data.html", {
        "la": la, "year": year, "years": years(), "s": summary, "reason": reason,
        "feedback_formats": FEEDBACK_FORMATS, "dataset_formats": DATASET_FORMATS})


def _send(request: HttpRequest, folder: Path, path: Path, la: str, year: str, what: str,
          fmt: str) -> FileResponse:
    """The file written into `folder` as a download (views.send_file), audited."""
    return send_file(request, path, path.name, temp=folder, la_code=la, year=year,
                     format=fmt, file=path.name, what=what)


def la_feedback_file(request: HttpRequest, la: str, fmt: str) -> HttpResponse:
    from cld.privacy.feedback import trace_summary, write_feedback

    if fmt not in FEEDBACK_FORMATS:
        raise Http404("no such format")
    year = _year(request)
    store = boot.store()
    if trace_summary(store, la, year).trace is None:  # not traced: the page says so
        return redirect(_page_url("la_data", la, year))
    folder = Path(tempfile.mkdtemp(prefix="cld-feedback-"))
    try:
        written = write_feedback(store, la, year, folder, by=request.user.get_username())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    path = next(w.path for w in written if w.path.suffix == f".{fmt}")
    return _send(request, folder, path, la, year, "trace feedback", fmt)


def la_dataset_file(request: HttpRequest, la: str, fmt: str) -> FileResponse:
    from cld.store import export_dataset
    from cld.store.years import parse_year

    if fmt not in DATASET_FORMATS:
        raise Http404("no such format")
    year = _year(request)
    folder = Path(tempfile.mkdtemp(prefix="cld-dataset-"))
    out = folder / f"cld-dataset-{la}-{parse_year(year).slug}.{fmt}"
    try:
        export_dataset(boot.store(), year, out, la=la, fmt=fmt,
                       by=request.user.get_username())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _send(request, folder, out, la, year, "consolidated dataset", fmt)


# --- figures -------------------------------------------------------------------------------


def figures_folder(store: Any, year: str, version: str) -> Path:
    from cld.store.years import parse_year

    return Path(store.path(f"portal/figures/{parse_year(year).slug}/{version}"))


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(data, default=str), encoding="utf-8")
    part.replace(path)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def population() -> Any:
    """The population for rates: CLD_POPULATION when set, else the synthetic one shipped."""
    from cld.derive.population import SYNTHETIC
    from cld.derive.run import read_population

    return read_population(getattr(settings, "CLD_POPULATION", None) or SYNTHETIC)


@task()
def produce_figures(year: str, asked: str, by: str) -> str:
    """Derive the year (all LAs), benchmark it under the default rule and keep each LA's view
    under the data version it was derived from."""
    from cld.derive.load import DEFAULT, load_profile
    from cld.derive.run import derive_year
    from cld.privacy.benchmark import benchmark, la_figures
    from cld.privacy.disclosure import load_rule
    from cld.store.dataset import data_version

    store = boot.store()
    version = data_version(store, year)
    folder = figures_folder(store, year, version)
    if version != asked:  # the data changed since the request: the page asks again
        (figures_folder(store, year, asked) / STATE).unlink(missing_ok=True)

    def step(name: str, done: int, total: int) -> None:
        _write_json(folder / STATE, {"state": "running", "step": f"{done} of {total}: {name}"})

    _write_json(folder / STATE, {"state": "running", "step": "reading the data"})
    try:
        profile = load_profile(DEFAULT)
        run = derive_year(store, year, profile, population=population(), progress=step)
        rule = load_rule()
        report = benchmark(run, rule)
        about = {"year": run.year, "version": version, "profile": run.profile.label,
                 "source": run.source, "rule": f"{rule.name}: {rule.title}",
                 "shown_as": rule.shown_as, "synthetic": report.synthetic_population,
                 "population": report.about["Population"], "made": report.about["Made"],
                 "notes": report.notes}
        for la in run.las:
            _write_json(folder / f"{la}.json", {
                **about, "la": la, "figures": [asdict(f) for f in la_figures(run, report, la)]})
        store.record(by, "figures", year=run.year or year, profile=run.profile.label,
                     rule=rule.name, source=run.source, las=run.las, via="portal",
                     submissions=[s["id"] for s in run.submissions])
    except CldError as exc:
        _write_json(folder / STATE, {"state": "failed", "message": str(exc)})
        return "failed"
    except Exception:
        _write_json(folder / STATE, {"state": "failed",
                                     "message": "the figures could not be produced (see the log)"})
        raise
    _write_json(folder / STATE, {"state": "done"})
    return "done"


def figures(request: HttpRequest) -> HttpResponse:
    from cld.store.dataset import data_version

    la = own_la(request.user)
    assert la is not None  # the access rule admits LA users only
    year = _year(request)
    store = boot.store()
    ctx: dict[str, Any] = {"la": la, "year": year, "years": years()}
    try:
        version = data_version(store, year)
    except CldError as exc:
        return render(request, "portal/la_data/figures.html", {**ctx, "reason": str(exc)})
    folder = figures_folder(store, year, version)
    state = _read_json(folder / STATE) or {}
    if request.method == "POST" and state.get("state") not in ("queued", "running"):
        _write_json(folder / STATE, {"state": "queued"})
        produce_figures.enqueue(year, version, request.user.get_username())
        return redirect(_page_url("figures", None, year))
    return render(request, "portal/la_data/figures.html", {
        **ctx, "state": state, "made": _read_json(folder / f"{la}.json")})
