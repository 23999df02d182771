"""Shared by the portal benchmarks (bench_portal_upload.py, load_portal.py): a store with
users made by `cld orgs add` / `cld users add` (cld.web.accounts.manage), `cld serve` on a
free localhost port, and a signed-in HTTP client (cookies, CSRF token, streamed upload)."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path

PY = sys.executable
PASSWORD = "bench-portal-password-not-secret"
LA, REGION = "503", "GEM"


def cld(*args: str, stdin: str = "") -> str:
    done = subprocess.run([PY, "-m", "cld", *args], input=stdin, capture_output=True,
                          text=True, timeout=3600)
    if done.returncode != 0:
        sys.exit(f"cld {' '.join(args[:3])} failed: {done.stderr[-2000:]}")
    return done.stdout


def synth(path: Path, rows: int, defects: float = 0.01) -> Path:
    """A synthetic LA 503 file of about `rows` rows (about 4.7 events a person)."""
    if not path.exists():
        people = max(1, rows * 10 // 47)
        cld("synth", "--la", LA, "--year", "2020/21", "--people", str(people),
            "--defects", str(defects), "-o", str(path))
    return path


def add_users(store: Path, users: dict[str, str]) -> None:
    """Organisations for LA 503 and its region, and users {email: role} in them."""
    cld("orgs", "add", "Bench LA", "--kind", "la", "--la", LA, "--store", str(store))
    cld("orgs", "add", "Bench region", "--kind", "region", "--region", REGION,
        "--store", str(store))
    for email, role in users.items():
        org = "Bench region" if role == "regional_processor" else "Bench LA"
        cld("users", "add", "--email", email, "--role", role, "--org", org,
            "--store", str(store), stdin=f"{PASSWORD}\n{PASSWORD}\n")


@contextmanager
def serve(store: Path, log: Path) -> Iterator[str]:
    """`cld serve` (the development server and its worker thread) on a free port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([PY, "-m", "cld", "serve", "--store", str(store),
                             "--port", str(port)], stdout=log.open("w"),
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            if proc.poll() is not None:
                sys.exit("cld serve stopped: " + log.read_text()[-2000:])
            try:
                Client(url).get("/login/")
                break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)


class Client:
    """One browser session: keeps the cookies, sends the CSRF token with each POST."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}

    def _conn(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=600)

    def _headers(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _keep(self, resp: http.client.HTTPResponse) -> None:
        for header in resp.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def get(self, path: str) -> tuple[int, str, bytes]:
        """(status, Location header, body) of a GET; redirects are not followed."""
        conn = self._conn()
        try:
            conn.request("GET", path, headers=self._headers())
            resp = conn.getresponse()
            body = resp.read()
            self._keep(resp)
            return resp.status, resp.getheader("Location", ""), body
        finally:
            conn.close()

    def token(self, path: str) -> str:
        status, _, body = self.get(path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not found:
            raise RuntimeError(f"no form at {path} (HTTP {status})")
        return found.group(1).decode()

    def login(self, email: str, password: str = PASSWORD) -> None:
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token("/login/"),
                                       "username": email, "password": password})
        conn = self._conn()
        try:
            conn.request("POST", "/login/", body=form, headers={
                **self._headers(), "Content-Type": "application/x-www-form-urlencoded"})
            resp = conn.getresponse()
            resp.read()
            self._keep(resp)
            if resp.status != 302:
                raise RuntimeError(f"{email} could not sign in (HTTP {resp.status})")
        finally:
            conn.close()

    def upload(self, file: Path, mode: str = "submit", year: str = "2020/21") -> str:
        """POST the file as the upload form does (streamed); returns the status page path."""
        boundary = "cld-bench-boundary-7d3f1c"
        fields = {"csrfmiddlewaretoken": self.token("/upload/"), "year": year, "mode": mode}
        head = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n"
                        f"\r\n{v}\r\n".encode() for k, v in fields.items())
        head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                 f"filename=\"{file.name}\"\r\nContent-Type: text/csv\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        conn = self._conn()
        try:
            conn.putrequest("POST", "/upload/")
            for k, v in {**self._headers(),
                         "Content-Type": f"multipart/form-data; boundary={boundary}",
                         "Content-Length": str(len(head) + file.stat().st_size + len(tail)),
                         }.items():
                conn.putheader(k, v)
            conn.endheaders()
            conn.send(head)
            with file.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    conn.send(chunk)
            conn.send(tail)
            resp = conn.getresponse()
            resp.read()
            location = resp.getheader("Location", "")
            if resp.status != 302 or "/uploads/" not in location:
                raise RuntimeError(f"the upload was refused (HTTP {resp.status})")
            return urllib.parse.urlsplit(location).path
        finally:
            conn.close()

    def wait(self, status_path: str, every: float = 0.25, limit: float = 7200) -> str:
        """Poll the status page until it redirects to the result; returns the result path."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            status, location, body = self.get(status_path)
            if status == 302:
                return urllib.parse.urlsplit(location).path
            if status != 200 or b"could not be checked" in body:
                raise RuntimeError(f"the upload failed (HTTP {status})")
            time.sleep(every)
        raise RuntimeError("the upload did not finish in time")
