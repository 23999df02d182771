"""A throwaway PostgreSQL server for the tests (real, not mocked).

Uses $CLD_TEST_POSTGRES (a server URL, e.g. postgresql://user@127.0.0.1:5432/postgres) when
set; otherwise starts a private cluster with the machine's initdb/pg_ctl (Debian package
`postgresql`; run as the `postgres` user when the tests run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PgUnavailable(RuntimeError):
    pass


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise PgUnavailable(f"{name} not found: install PostgreSQL (apt-get install "
                            "postgresql), or set CLD_TEST_POSTGRES to a server URL")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self) -> None:
        self.url = os.environ.get("CLD_TEST_POSTGRES", "")
        self.folder: Path | None = None
        self._as: list[str] = []

    def start(self) -> None:
        if self.url:
            return
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        self.folder = Path(tempfile.mkdtemp(prefix="cld-pg-"))
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.folder, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        data, port = self.folder / "data", _free_port()
        self._run([initdb, "-D", str(data), "-A", "trust", "-U", "cld", "-E", "UTF8",
                   "--no-sync"])
        opts = (f"-p {port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c max_connections=50")
        self._run([pg_ctl, "-D", str(data), "-o", opts, "-l", str(self.folder / "log"),
                   "-w", "-t", "60", "start"])
        self.url = f"postgresql://cld@127.0.0.1:{port}/postgres"

    def _run(self, cmd: list[str]) -> None:
        r = subprocess.run(self._as + cmd, capture_output=True, text=True, check=False)
        if r.returncode:
            raise PgUnavailable(f"{' '.join(cmd[:1])} failed: {r.stderr.strip()[-500:]}")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        if self.folder is None:
            return
        self._run([_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w",
                   "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)
