"""Load test: simulated users browsing the portal while a large file validates.

    env -u PYTHONDONTWRITEBYTECODE uv run python scripts/load_portal.py --users 20 --seconds 60

`cld serve` (development server, worker thread) over a fresh store with one LA submitter and
one regional processor. A small synthetic file is submitted first (the page users read);
then a large one (`--rows`) is uploaded and left validating while `--users` threads (half
signed in as the LA's users, half as the region's processors, each its own session) loop
over their pages for `--seconds`: home, the submission's result page (first and a later
page of issues), its HTML report (a download, audited), and the versions page (LA) or the
tracker (processor). Reports requests, errors (any status but 200, or no answer: must be
0), median and 95th percentile latency, and whether the large file finished meanwhile.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from portal_client import Client, add_users, serve, synth

LA_USER, PROC_USER = "load-la@example.test", "load-proc@example.test"


def browse(url: str, email: str, pages: list[tuple[str, str]], ready: threading.Barrier,
           until: list[float], latencies: list[tuple[str, float]], errors: list[str]) -> None:
    client = Client(url)
    try:
        client.login(email)
    except (OSError, RuntimeError) as exc:
        errors.append(f"sign-in: {exc}")
        ready.abort()
        return
    ready.wait()  # every user signed in (sign-in is slow on purpose): then the clock starts
    n = 0
    while time.monotonic() < until[0]:
        label, path = pages[n % len(pages)]
        n += 1
        start = time.perf_counter()
        try:
            status, _, _ = client.get(path)
        except OSError as exc:
            errors.append(f"{path}: {exc}")
            continue
        latencies.append((label, time.perf_counter() - start))
        if status != 200:
            errors.append(f"{path}: HTTP {status}")


def percentiles(times: list[float]) -> str:
    if not times:
        return "no answers"
    times = sorted(times)
    return (f"p50: {statistics.median(times) * 1000:,.0f} ms, "
            f"p95: {times[int(len(times) * 0.95)] * 1000:,.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--rows", type=int, default=200_000,
                    help="Rows of the file validating meanwhile.")
    ap.add_argument("--folder", type=Path, default=None)
    args = ap.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="cld-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    small = synth(folder / "small-5000.csv", 5_000, defects=0.05)
    large = synth(folder / f"large-{args.rows}.csv", args.rows)
    store = folder / "store"
    shutil.rmtree(store, ignore_errors=True)
    add_users(store, {LA_USER: "la_submitter", PROC_USER: "regional_processor"})
    with serve(store, folder / "serve.log") as url:
        uploader = Client(url)
        uploader.login(LA_USER)
        result = uploader.wait(uploader.upload(small, "submit"))  # /submissions/<pk>/
        common = [("home", "/"), ("result", result), ("result page 3", result + "?page=3"),
                  ("HTML report", result + "report.html")]
        la_pages = common + [("versions", "/versions/?year=2020/21")]
        proc_pages = common + [("tracker", "/tracker/?year=2020/21")]
        latencies: list[tuple[str, float]] = []
        errors: list[str] = []
        until = [0.0]
        ready = threading.Barrier(args.users + 1, action=lambda: until.__setitem__(
            0, time.monotonic() + args.seconds))
        threads = [threading.Thread(target=browse, args=(
            url, LA_USER if n % 2 == 0 else PROC_USER, la_pages if n % 2 == 0 else proc_pages,
            ready, until, latencies, errors)) for n in range(args.users)]
        for t in threads:
            t.start()
        status = uploader.upload(large, "validate")
        ready.wait()
        started = time.monotonic()
        load = os.getloadavg()[0]
        for t in threads:
            t.join()
        code, location, _ = uploader.get(status)
        finished = "finished" if code == 302 else "still validating"
        uploader.wait(status)  # it must finish, and well
        took = time.monotonic() - started
    print(f"{args.users} users for {args.seconds:.0f} s while a {args.rows:,}-row file "
          f"validated ({finished} when they stopped; done after {took:.0f} s); "
          f"load average at start {load:.2f}")
    print(f"requests: {len(latencies) + len(errors):,}, errors: {len(errors)}, "
          f"{percentiles([t for _, t in latencies])}")
    for label in dict.fromkeys(k for k, _ in latencies):
        times = [t for k, t in latencies if k == label]
        print(f"  {label:15} {len(times):5,} requests, {percentiles(times)}")
    for e in errors[:10]:
        print("  error:", e)
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
