"""The LA journey in a real browser (Playwright driving Debian chromium) against `cld serve`:
sign in, upload a synthetic file with defects, wait for the check, read it, download the XLSX
report, submit, see the tracker as the region's processor, open the LA's page and lock the
year. Every page passes axe-core (no serious or critical violation) and the browser reports
no CSP violation.

With CLD_SCREENSHOTS=<folder> (scripts/screenshots.sh) each step is also saved there as a
full-page PNG, 1000 px wide, for the user guides (docs/guides/)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import LA_A, PASSWORD, REGION_A, register, synthetic

CHROMIUM = shutil.which("chromium")
AXE = Path(__file__).parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("chromium is not installed: .ci/run installs it", pytrace=False)
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (CI has it)"),
              # `cld serve` runs on SQLite: the in-process portal (for the URL configuration)
              # need not run on PostgreSQL too
              pytest.mark.parametrize("portal", ["sqlite"], indirect=True)]
CLD = [sys.executable, "-m", "cld"]
SHOTS = os.environ.get("CLD_SCREENSHOTS")
#: browser contexts: 1000 px wide when the steps are photographed
CONTEXT: dict[str, Any] = {"viewport": {"width": 1000, "height": 700}} if SHOTS else {}


def shot(c: Checked, name: str, full: bool = True) -> None:
    """Save the page (or its first screenful) as `name`.png in CLD_SCREENSHOTS (when set)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        c.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full)


def cld(*args: str, stdin: str = "") -> str:
    done = subprocess.run([*CLD, *args], input=stdin, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = str(tmp_path_factory.mktemp("served") / "store")
    register(Path(store))  # for tracing; and the pseudonymisation key beside the store
    Path(store + "-keys").mkdir()
    cld("keys", "new", "--out", store + "-keys/pseudonymisation.key")
    cld("orgs", "add", "Lincolnshire", "--kind", "la", "--la", LA_A, "--store", store)
    cld("orgs", "add", "GEM DSCRO", "--kind", "region", "--region", REGION_A, "--store", store)
    cld("orgs", "add", "ADASS", "--kind", "recipient", "--profile", "sector", "--recipient",
        "ADASS", "--store", store)
    cld("orgs", "add", "Admins", "--kind", "admin", "--store", store)
    for email, role, org in [("la@example.test", "la_submitter", "Lincolnshire"),
                             ("dscro@example.test", "regional_processor", "GEM DSCRO"),
                             ("adass@example.test", "recipient", "ADASS"),
                             ("admin@example.test", "administrator", "Admins")]:
        said = cld("users", "add", "--email", email, "--role", role, "--org", org,
                   "--store", store, stdin=f"{PASSWORD}\n{PASSWORD}\n")
        assert f"added user {email}" in said
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = Path(store).parent / "serve.log"
    proc = subprocess.Popen([*CLD, "serve", "--store", store, "--port", str(port)],
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/login/", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, log.read_text()
                time.sleep(0.5)
        said = log.read_text().splitlines()[0]
        assert said.startswith(f"The portal is at {url}/ (store {store})"), said
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(portal: Any) -> Iterator[Any]:
    """Chromium. The in-process portal (for its URL configuration) is set up first: the ORM
    refuses to run in a thread where Playwright's event loop runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


class Checked:
    """A page whose every load is checked with axe-core, and whose console is watched."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.csp: list[str] = []
        self.axe = AXE.read_text(encoding="utf-8")
        page.on("console", lambda m: self.csp.append(m.text)
                if "Content Security Policy" in m.text else None)

    def accessible(self) -> None:
        self.page.evaluate(self.axe)  # by the driver, not as a page script: CSP stays strict
        bad = self.page.evaluate("""async () => (await axe.run()).violations
            .filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
        assert bad == [], f"{self.page.url}: {bad}"

    def goto(self, url: str) -> None:
        self.page.goto(url)
        self.accessible()


def sign_in(c: Checked, url: str, email: str, who: str = "") -> None:
    c.goto(url + "/login/")
    c.page.fill("#id_username", email)
    c.page.fill("#id_password", PASSWORD)
    if who == "la":
        shot(c, "sign-in")
    c.page.click("button:has-text('Sign in')")
    c.page.wait_for_url(url + "/")
    c.accessible()
    if who:
        shot(c, f"{who}-home")


def upload(c: Checked, url: str, file: Path, mode: str) -> None:
    from playwright.sync_api import TimeoutError as NotShown

    c.goto(url + "/upload/")
    c.page.select_option("#year", "2020/21")
    c.page.check(f"input[name=mode][value={mode}]")
    c.page.set_input_files("input[type=file][name=file]", str(file))
    shot(c, f"upload-{mode}")
    c.page.click("button:has-text('Upload')")
    if SHOTS and mode == "validate":  # the status page, unless the check is done first
        try:
            c.page.wait_for_url(f"{url}/uploads/*/", timeout=10_000)
            shot(c, "upload-status")
        except NotShown:
            pass
    where = "checks" if mode == "validate" else "submissions"
    c.page.wait_for_url(f"{url}/{where}/*/", timeout=90_000)
    c.accessible()
    shot(c, "check-result" if mode == "validate" else "submission-result")


def test_la_journey_in_chromium(server: str, browser: Any, tmp_path: Path) -> None:
    from cld.validation.engine import validate

    AXE.exists() or pytest.fail("axe-core is missing: run scripts/build-frontend.sh")
    file = synthetic(tmp_path / "q4-with-defects.csv")
    errors = validate(file, la_code=LA_A).summary.errors
    assert errors and errors > 0
    ctx = browser.new_context(accept_downloads=True, **CONTEXT)
    c = Checked(ctx.new_page())
    sign_in(c, server, "la@example.test", "la")

    upload(c, server, file, "validate")  # check only
    assert c.page.inner_text("#errors") == f"{errors:,}"
    assert "Checked only: nothing was stored." in c.page.inner_text("#outcome")
    assert c.page.locator("#rules tbody tr").count() > 0
    with c.page.expect_download() as dl:
        c.page.click("text=Excel workbook (XLSX)")
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    assert saved.suffix == ".xlsx" and "xl/workbook.xml" in zipfile.ZipFile(saved).namelist()
    if SHOTS:  # one field's problems
        c.page.click("#fields a >> nth=0")
        c.page.wait_for_url("**/?field=*")
        shot(c, "check-one-field")

    upload(c, server, file, "submit")  # the next version (the first)
    assert "version 1 (accepted)" in c.page.inner_text("h1")
    submission = c.page.url
    assert c.page.inner_text("#errors") == f"{errors:,}"
    c.goto(server + "/versions/?year=2020/21")
    shot(c, "versions")
    assert c.page.locator("#versions tbody tr").count() == 1
    assert "q4-with-defects.csv" in c.page.inner_text("#versions")  # stored under its name
    c.goto(server + f"/las/{LA_A}/data/?year=2020/21")  # its data: not traced yet
    assert "has not been traced yet" in c.page.inner_text("main")
    shot(c, "la-data")
    c.goto(server + "/figures/?year=2020/21")  # its figures, derived in the background
    c.page.click("button:has-text('Produce the figures')")
    c.page.wait_for_selector("#figures", timeout=240_000)
    c.accessible()
    assert c.page.locator("#figures tbody tr").count() > 5
    assert "SYNTHETIC" in c.page.inner_text("#synthetic")
    shot(c, "la-figures", full=False)  # a long table
    c.page.click("button:has-text('Sign out')")
    c.page.wait_for_url(server + "/login/")

    sign_in(c, server, "dscro@example.test", "processor")
    c.goto(server + "/tracker/?year=2020/21")
    shot(c, "tracker")
    row = c.page.locator("#tracker tr", has_text="503 Lincolnshire").inner_text()
    assert "v1 accepted" in row
    assert c.page.locator("#tracker tbody tr").count() > 1  # the rest of the region, too
    if SHOTS:
        c.goto(submission)
        shot(c, "processor-submission")
        c.goto(server + "/tracker/?year=2020/21")
    c.page.click("#tracker a:has-text('503 Lincolnshire')")  # the LA's page, then lock
    c.page.wait_for_url(f"{server}/las/{LA_A}/?year=2020/21")
    c.accessible()
    shot(c, "processor-la-page")
    assert c.page.locator("#versions tbody tr").count() == 1
    c.goto(server + "/years/lock/?year=2020/21")
    c.page.fill("#reason", "year end for annual reporting")
    c.page.check("#confirm")
    c.page.click("button:has-text('Lock 2020/21')")  # queued: the page refreshes until done
    c.page.wait_for_selector("#banner", timeout=90_000)
    c.accessible()
    assert "2020/21 is locked" in c.page.inner_text("#banner")
    shot(c, "processor-lock")
    assert "Locked" in c.page.inner_text("#lock-state")
    assert c.csp == []
    ctx.close()


def test_recipient_journey_in_chromium(server: str, browser: Any, tmp_path: Path) -> None:
    """The processor traces LA A's submission (made by the LA journey), makes ADASS's
    extract and the benchmark; ADASS's user downloads the extract's CSV."""
    ctx = browser.new_context(accept_downloads=True, **CONTEXT)
    c = Checked(ctx.new_page())
    sign_in(c, server, "dscro@example.test")
    c.page.click(f"a[href='/las/{LA_A}/tracing/']")
    c.accessible()
    c.page.select_option("#year", "2020/21")
    c.page.click("button:has-text('Trace')")
    c.page.wait_for_selector("#counts", timeout=90_000)  # the page refreshes until done
    c.accessible()
    assert c.page.locator("#counts tbody tr").count() == 7  # six outcomes and the total
    shot(c, "processor-tracing")
    c.goto(server + "/extracts/new/")
    c.page.check("#org")
    c.page.select_option("#year", "2020/21")
    c.page.click("button:has-text('Make the extract')")
    c.page.wait_for_selector("#rows", timeout=90_000)
    c.accessible()
    extract = c.page.url
    assert c.page.locator("#files").count() == 0  # the processor downloads nothing
    shot(c, "processor-extract")
    c.goto(server + "/benchmark/")
    c.page.select_option("#year", "2020/21")
    c.page.click("button:has-text('Make the benchmark')")
    c.page.wait_for_selector("#files", timeout=120_000)
    c.accessible()
    shot(c, "benchmark")
    c.page.click("button:has-text('Sign out')")
    c.page.wait_for_url(server + "/login/")

    sign_in(c, server, "adass@example.test")
    c.page.click("a:has-text('extracts')")
    c.accessible()
    c.page.click("#extracts a")
    c.page.wait_for_url(extract)
    c.accessible()
    shot(c, "recipient-extract")
    with c.page.expect_download() as dl:
        c.page.click("a:has-text('extract.csv')")
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    assert saved.name.startswith("sector-ADASS-2020-21-")
    header = saved.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "person_id_token" in header and "nhs_number" not in header
    assert c.csp == []
    ctx.close()


def test_every_page_is_accessible(server: str, browser: Any, portal: Any) -> None:
    """Every page of the URL configuration (downloads aside), as the LA's user and as the
    processor, whether it shows them the page or refuses it: axe-core finds no serious or
    critical violation. Runs after the journeys, which made upload 1, submission 1, trace 1,
    extract 1 and benchmark 1."""
    from django.urls import reverse

    from cld.web.portal.access import ROUTES
    from tests.web.test_permissions import QUERY, url_names

    samples = {"pk": 1, "la": LA_A, "user_id": 1}  # user 1: la@
    pages = [reverse("api:openapi-view")]  # the API's page; its other routes answer JSON
    for name, pattern in url_names().items():
        keys = set(pattern.pattern.converters)
        if "fmt" in keys or "name" in keys or ROUTES[name].api:
            continue  # a file, not a page
        pages.append(reverse(name, kwargs={k: samples[k] for k in keys}) + QUERY.get(name, ""))
    assert len(pages) >= 8
    for email in ("la@example.test", "dscro@example.test", "admin@example.test"):
        ctx = browser.new_context(**CONTEXT)
        c = Checked(ctx.new_page())
        sign_in(c, server, email)
        for path in pages:
            c.goto(server + path)
        c.page.goto(server + "/upload/")
        if email == "la@example.test":  # the form's error state, sent by XHR twice
            c.page.evaluate("window.stayed = 'the same page'")
            for _ in range(2):
                with c.page.expect_response(lambda r: r.request.method == "POST") as sent:
                    c.page.click("button:has-text('Upload')")
                assert sent.value.status == 400
                c.page.wait_for_function("document.querySelector('main').isConnected")
                summary = c.page.inner_text(".govuk-error-summary")
                assert "Select a CSV or XLSX file" in summary
                assert c.page.evaluate("window.stayed") == "the same page"  # not reloaded
                c.accessible()
            shot(c, "upload-error")
        elif email == "admin@example.test":  # the administration forms' error states
            c.goto(server + "/admin/users/")
            shot(c, "admin-users")
            for path in ("/admin/users/add/", "/admin/orgs/add/"):
                c.goto(server + path)
                c.page.click("button:has-text('Add the')")
                c.page.wait_for_selector(".govuk-error-summary")
                c.accessible()
        else:  # the processor's forms: a lock without a reason, the chain verified
            c.goto(server + "/years/lock/?year=2020/21")
            c.page.click("button:has-text('Reopen 2020/21')")
            c.page.wait_for_selector(".govuk-error-summary")
            c.accessible()
            c.goto(server + "/audit/")
            c.page.click("button:has-text('Verify the chain')")
            c.page.wait_for_selector("#verify-ok")
            c.accessible()
            c.goto(server + "/quality/?year=2020/21")  # with data: the table and the chart
            assert c.page.locator("#chart svg title").count() == 1
            shot(c, "processor-quality")
        assert c.csp == []
        ctx.close()

