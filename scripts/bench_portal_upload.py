"""Benchmark a submission through the portal against the same submission by the CLI.

    env -u PYTHONDONTWRITEBYTECODE uv run python scripts/bench_portal_upload.py --rows 1000000

One synthetic file (`cld synth`, 1% defects). Baseline: `cld submit FILE --la 503 --year
2020/21` into a fresh store (a fresh process: wall time). Portal: a fresh store with one LA
submitter (`cld users add`), `cld serve` (the development server with its worker thread) on
a free localhost port; signed in, the file POSTed to /upload/ with the CSRF token (streamed),
the status page polled every 0.25 s until it redirects to the stored submission. Timed from
the first byte of the POST to that redirect. Prints web/CLI per run and the median (target
<= 1.2); runs alternate, so load from other work falls on both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from portal_client import LA, PY, Client, add_users, serve, synth

EMAIL = "bench-la@example.test"


def by_cli(file: Path, store: Path) -> float:
    start = time.perf_counter()
    subprocess.run([PY, "-m", "cld", "submit", str(file), "--la", LA, "--year", "2020/21",
                    "--store", str(store)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def by_portal(file: Path, store: Path) -> float:
    add_users(store, {EMAIL: "la_submitter"})
    with serve(store, store.parent / f"{store.name}.log") as url:
        client = Client(url)
        client.login(EMAIL)
        start = time.perf_counter()
        status = client.upload(file, "submit")
        result = client.wait(status)
        seconds = time.perf_counter() - start
        code, _, body = client.get(result)
        if code != 200 or b"(accepted)" not in body:
            raise RuntimeError(f"the submission page says HTTP {code}, not accepted")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--folder", type=Path, default=None,
                    help="Keep the synthetic file here (default: a temporary folder).")
    args = ap.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="cld-bench-portal-"))
    folder.mkdir(parents=True, exist_ok=True)
    file = synth(folder / f"submission-{args.rows}.csv", args.rows)
    print(f"file: {file} ({file.stat().st_size / 1e6:,.0f} MB); "
          f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    ratios = []
    for n in range(args.repeat):
        stores = [folder / f"store-cli-{n}", folder / f"store-web-{n}"]
        for s in stores:
            shutil.rmtree(s, ignore_errors=True)
        cli = by_cli(file, stores[0])
        print(f"run {n + 1}: cld submit {cli:.2f} s", flush=True)
        web = by_portal(file, stores[1])
        ratios.append(web / cli)
        print(f"run {n + 1}: portal {web:.2f} s, "
              f"web/CLI {web / cli:.2f}x (load average {os.getloadavg()[0]:.2f})",
              flush=True)
        for s in stores:
            shutil.rmtree(s, ignore_errors=True)
    ratios.sort()
    print(f"median web/CLI: {ratios[len(ratios) // 2]:.2f}x (target <= 1.2)")


if __name__ == "__main__":
    main()
