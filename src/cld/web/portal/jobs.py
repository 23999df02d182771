"""The background tasks of tracing, extracts and the benchmark: each calls the same engine
functions as `cld trace`, `cld extract` and `cld benchmark`, with the portal user as `by`
(the engine records the audit event), and keeps only counts, row numbers or file names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django_tasks import task

from cld.errors import CldError
from cld.web import boot
from cld.web.portal.models import Extract, Run


def key_file(store: Any) -> Path:
    """The pseudonymisation key file: settings' CLD_PSEUDONYMISATION_KEY_FILE, else
    `<store folder>-keys/pseudonymisation.key` (beside the store: keys are never in it)."""
    given = getattr(settings, "CLD_PSEUDONYMISATION_KEY_FILE", None)
    root = Path(store.root)
    return Path(given) if given else root.with_name(root.name + "-keys") / "pseudonymisation.key"


@contextmanager
def _running(job: Extract | Run) -> Iterator[None]:
    """queued -> running -> done, or failed with the error's message (never a traceback)."""
    job.state = job.RUNNING
    job.save(update_fields=["state"])
    try:
        yield
        job.state = job.DONE
    except CldError as exc:
        job.state, job.message = job.FAILED, str(exc)
    except Exception:
        job.state, job.message = job.FAILED, "it could not be done (see the log)"
        raise
    finally:
        job.save()


@task()
def make_extract(extract_id: int) -> str:
    from cld.privacy.extract import make_extract as make
    from cld.privacy.keys import load_key_file
    from cld.privacy.profiles import load_profile

    ex = Extract.objects.select_related("user").get(pk=extract_id)
    store = boot.store()
    with _running(ex):
        keys = load_key_file(key_file(store)) if load_profile(ex.profile).tokenises else None
        made = make(store, ex.profile, ex.recipient, ex.year, store.path(ex.folder),
                    keys=keys, by=ex.user.get_username())
        ex.rows = made.rows
    return ex.state


@task()
def trace(run_id: int) -> str:
    from cld.privacy.traceflow import register_path, trace_submission

    run = Run.objects.select_related("user").get(pk=run_id, kind=Run.TRACE)
    store = boot.store()
    with _running(run):
        outcome = trace_submission(store, run.la_code, run.year, register_path(store, None),
                                   by=run.user.get_username())
        run.result = {"counts": outcome.counts, "trace": outcome.trace.number,
                      "version": outcome.trace.submission.version}
    return run.state


@task()
def benchmark(run_id: int) -> str:
    from cld.derive.load import load_profile
    from cld.derive.run import derive_year
    from cld.privacy.benchmark import benchmark as make
    from cld.privacy.benchmark import record_benchmark, write_benchmark
    from cld.privacy.disclosure import load_rule

    run = Run.objects.select_related("user").get(pk=run_id, kind=Run.BENCHMARK)
    store = boot.store()
    with _running(run):
        derived = derive_year(store, run.year, load_profile("dhsc-2024"))
        report = make(derived, load_rule(None))
        files = write_benchmark(report, store.path(run.folder))
        record_benchmark(store, derived, report, files, by=run.user.get_username())
        run.result = {"rule": report.rule.name, "notes": report.notes,
                      "synthetic": report.synthetic_population,
                      "files": [f.name for f in files]}
    return run.state


