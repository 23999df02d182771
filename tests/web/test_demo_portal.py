"""`cld demo` leaves a portal to try: its store, a user of each role (the password in a
0600 file), the pseudonymisation key beside the store and the register for tracing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# In a fresh process (Django is configured once per process): sign in as each demo user.
SIGN_IN = """
import json, sys
from pathlib import Path
from cld.web.boot import configure
configure(Path(sys.argv[1]) / "store", hosts=["testserver"])
from django.test import Client
lines = (Path(sys.argv[1]) / "demo-accounts.txt").read_text().splitlines()
password = lines[0].rsplit(" ", 1)[1]
seen = {}
for line in lines[1:]:
    email, role, org = line.split("\\t")
    c = Client()
    ok = c.post("/login/", {"username": email, "password": password}).status_code == 302
    home = c.get("/").content.decode()
    tracker = c.get("/tracker/?year=2020/21").status_code
    seen[email] = [role, ok, org in home, tracker]
print("SEEN:" + json.dumps(seen))
"""


@pytest.mark.slow
def test_the_demo_leaves_a_portal_to_try(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "cld", "demo", "--folder", str(tmp_path),
                           "--people", "200"], capture_output=True, text=True, env=env,
                          timeout=1200, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    sheet = tmp_path / "demo-accounts.txt"
    assert sheet.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "store-keys" / "pseudonymisation.key").stat().st_mode & 0o777 == 0o600
    password = sheet.read_text().splitlines()[0].rsplit(" ", 1)[1]
    assert password in done.stdout and f"cld serve --store {tmp_path / 'store'}" in done.stdout
    run = subprocess.run([sys.executable, "-c", SIGN_IN, str(tmp_path)], capture_output=True,
                         text=True, timeout=600, check=False, cwd=tmp_path)
    line = next(x for x in run.stdout.splitlines() if x.startswith("SEEN:"))
    seen = json.loads(line.removeprefix("SEEN:"))
    roles = sorted(r for r, *_ in seen.values())
    assert roles == sorted(["la_submitter", "la_analyst"] * 2 + ["regional_processor"] * 2
                           + ["national_analyst", "recipient", "administrator"])
    assert all(ok and named for _, ok, named, _ in seen.values())  # signed in, own org shown
    tracker = {r: code for r, _, _, code in seen.values()}
    assert tracker["regional_processor"] == tracker["national_analyst"] == 200
    assert tracker["la_submitter"] == tracker["recipient"] == 403
