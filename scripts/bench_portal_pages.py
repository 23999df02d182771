"""Benchmark the server-side time of the portal's heavier pages.

    env -u PYTHONDONTWRITEBYTECODE uv run python scripts/bench_portal_pages.py --people 42000

In one process: the portal configured over a fresh store, one LA submitter and one regional
processor (cld.web.accounts.manage), and one submission made from a synthetic file with half
its rows given a defect (`--defects 0.5`: ~100k issues from 42,000 people, ~200k rows). Each
page is requested with Django's test client, 2 warm-up requests then the median of
`--repeat` (20): the sign-in page (the baseline: a form, no data), the tracker, the result
page (first page, a page deep in the issues, one field's issues), the LA's versions page.
Target: < 300 ms each.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

PASSWORD = "bench-portal-password-not-secret"


def timed(client: Any, path: str, repeat: int) -> float:
    """Median seconds of `repeat` GETs of `path` (after 2 warm-up GETs); each must be 200."""
    times = []
    for n in range(repeat + 2):
        start = time.perf_counter()
        resp = client.get(path)
        seconds = time.perf_counter() - start
        if resp.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {resp.status_code}")
        if n >= 2:
            times.append(seconds)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=42_000)
    ap.add_argument("--defects", type=float, default=0.5)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--folder", type=Path, default=None)
    ap.add_argument("--profile", metavar="PATH", default=None,
                    help="Also profile 5 requests of this page with cProfile.")
    args = ap.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="cld-bench-pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder / "store", ignore_errors=True)

    from cld.web.boot import configure

    store = configure(folder / "store", hosts=["testserver"])
    from django.test import Client

    from cld.store import submit
    from cld.synth import generate, write_submission
    from cld.web.accounts.manage import add_org, add_user

    add_org("Bench LA", "la", la="503")
    add_org("Bench region", "region", region="GEM")
    la_user = add_user("la@example.test", "la_submitter", "Bench LA", PASSWORD)
    proc_user = add_user("proc@example.test", "regional_processor", "Bench region", PASSWORD)
    file = folder / "many-issues.csv"
    made = generate("503", date(2020, 4, 1), date(2021, 3, 31), people=args.people, seed=11,
                    defects=args.defects)
    write_submission(made, file)
    start = time.perf_counter()
    sub = submit(store, file, "503", "2020/21", by="la@example.test").submission
    assert sub is not None
    print(f"submission of {file.stat().st_size / 1e6:,.0f} MB stored in "
          f"{time.perf_counter() - start:.1f} s", flush=True)

    from cld.store.queries import stored_result

    result = stored_result(store, sub.pk).result
    issues = result.issues.num_rows
    column = result.issues["column"][0].as_py()
    print(f"submission {sub.pk}: {result.summary.rows:,} rows, {issues:,} issues")

    anonymous, la, proc = Client(), Client(), Client()
    la.force_login(la_user)
    proc.force_login(proc_user)
    last = max(1, (issues + 49) // 50)
    pages = [
        ("sign-in page (baseline)", anonymous, "/login/"),
        ("home", la, "/"),
        ("tracker (processor)", proc, "/tracker/?year=2020/21"),
        ("result, first page", la, f"/submissions/{sub.pk}/"),
        (f"result, page {last // 2:,} of {last:,}", la,
         f"/submissions/{sub.pk}/?page={last // 2}"),
        (f"result, one field ({column})", la, f"/submissions/{sub.pk}/?field={column}"),
        ("result, as the processor", proc, f"/submissions/{sub.pk}/"),
        ("versions (LA)", la, "/versions/?year=2020/21"),
    ]
    base = 0.0
    print(f"{'page':45} {'median':>9} {'x baseline':>11}")
    for label, client, path in pages:
        seconds = timed(client, path, args.repeat)
        base = base or seconds
        print(f"{label:45} {seconds * 1000:7.1f} ms {seconds / base:10.1f}x", flush=True)
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for _ in range(5):
            la.get(args.profile)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
