"""The processors' pages: an LA's year, locking and reopening a year, the audit trail and its
verification, data quality side by side. The session's store is shared: whatever a test
changes (a lock, a tampered event) it puts back."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from tests.web.conftest import LA_A, LA_B

YEAR = "2020/21"


def signed_in(portal: Any, who: str, csrf: bool = False) -> Any:
    from django.test import Client

    c = Client(enforce_csrf_checks=csrf)
    c.force_login(portal.users[who])
    return c


def last_event(portal: Any) -> dict[str, Any]:
    from cld.store.queries import audit_events

    return audit_events(portal.store, 1)[0]


def submit_as_sub_a(portal: Any) -> Any:
    from cld.web.portal.models import Upload
    from cld.web.portal.tasks import process_upload

    f = io.BytesIO(portal.synthetic.read_bytes())
    f.name = "again.csv"
    r = signed_in(portal, "sub_a").post("/upload/", {"year": YEAR, "mode": "submit", "file": f})
    assert r.status_code == 302
    up = Upload.objects.latest("pk")
    process_upload.call(up.pk)
    up.refresh_from_db()
    return up


def run_the_lock() -> None:
    """What the portal's worker does with the queued lock."""
    from django_tasks_db.models import DBTaskResult

    from cld.web.boot import worker

    queued = DBTaskResult.objects.ready().filter(
        task_path="cld.web.portal.processing.lock_task")
    assert queued.count() == 1
    worker().run_task(queued.get())


def lock_form(c: Any, action: str, reason: str, confirm: bool = True) -> Any:
    data = {"year": YEAR, "action": action, "reason": reason}
    if confirm:
        data["confirm"] = "yes"
    return c.post("/years/lock/", data)


def test_lock_refuses_a_submission_then_reopen_lets_it_in(portal: Any) -> None:
    from cld.store import reopen_year
    from cld.store.queries import year_lock

    first = submit_as_sub_a(portal)  # this file as LA A's latest version (or already so)
    assert first.outcome in ("accepted", "duplicate") and first.submission_id
    c = signed_in(portal, "proc_a")
    page = c.get(f"/years/lock/?year={YEAR}").content.decode()
    assert "Open</strong> for submissions" in page and "every LA in England" in page
    try:
        r = lock_form(c, "lock", "year end for annual reporting")
        assert r.status_code == 302 and r["Location"] == f"/years/lock/?year={YEAR}"
        page = c.get(r["Location"]).content.decode()  # queued: the page waits for it
        assert f"Locking {YEAR}: building" in page and 'http-equiv="refresh"' in page
        assert "<textarea" not in page and not year_lock(portal.store, YEAR).locked
        again = lock_form(c, "lock", "twice")
        assert again.status_code == 400 and "still running" in again.content.decode()
        run_the_lock()
        event = last_event(portal)
        assert (event["actor"], event["action"], event["year"]) == (
            "proc_a@example.test", "lock", YEAR)
        assert json.loads(event["details"])["reason"] == "year end for annual reporting"
        page = c.get(r["Location"]).content.decode()
        assert f"{YEAR} is locked: no LA can submit for it" in page
        assert "govuk-notification-banner--success" in page and "Locked</strong>" in page
        assert "govuk-notification-banner" not in c.get(r["Location"]).content.decode()  # once

        up = submit_as_sub_a(portal)
        assert (up.state, up.outcome, up.submission_id) == ("done", "refused", None)
        assert "is locked for annual reporting" in up.message
        assert last_event(portal)["action"] == "refuse"

        r = lock_form(c, "reopen", "a late correction from the LA")
        assert r.status_code == 302
        assert f"{YEAR} is reopened" in c.get(r["Location"]).content.decode()
        event = last_event(portal)
        assert (event["actor"], event["action"]) == ("proc_a@example.test", "reopen")
        assert json.loads(event["details"])["reason"] == "a late correction from the LA"
    finally:
        if year_lock(portal.store, YEAR).locked:
            reopen_year(portal.store, YEAR, "test clean-up", by="test")
    up = submit_as_sub_a(portal)  # taken in again: the same file as the latest version
    assert (up.state, up.outcome, up.submission_id) == ("done", "duplicate",
                                                        first.submission_id)


def test_a_reason_and_a_confirmation_are_required(portal: Any) -> None:
    from cld.store.queries import audit_events, year_lock

    c = signed_in(portal, "national")
    before = len(audit_events(portal.store, 10_000))
    for reason, confirm, says, field in [
            ("  ", True, f"Enter why you are locking {YEAR}", "reason"),
            ("year end", False, f"Confirm that you want to lock {YEAR} for every LA", "confirm"),
            ("for 943 476 5919", True, "must not hold an NHS number", "reason")]:
        r = lock_form(c, "lock", reason, confirm)
        page = r.content.decode()
        assert r.status_code == 400, says
        start = page.index('class="govuk-error-summary"')
        summary = page[start:page.index("</ul>", start)]
        assert f'<a href="#{field}">' in summary and says in summary
        assert "943 476 5919" not in page.replace('">for 943 476 5919</textarea>', "")
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.ready().filter(  # no lock was queued
        task_path="cld.web.portal.processing.lock_task").exists()
    r = lock_form(c, "reopen", "not locked")  # the page was stale: the year is open
    assert r.status_code == 400 and "reopened meanwhile" in r.content.decode()
    assert not year_lock(portal.store, YEAR).locked
    assert len(audit_events(portal.store, 10_000)) == before
    # CSRF: a post without the token is refused
    r = signed_in(portal, "proc_a", csrf=True).post("/years/lock/", {
        "year": YEAR, "action": "lock", "reason": "x", "confirm": "yes"})
    assert r.status_code == 403 and not year_lock(portal.store, YEAR).locked


def test_a_lock_that_fails_in_the_background_says_why(portal: Any) -> None:
    from cld.store import lock_year, reopen_year
    from cld.store.queries import year_lock

    c = signed_in(portal, "proc_b")
    try:
        assert lock_form(c, "lock", "year end").status_code == 302
        lock_year(portal.store, YEAR, by="someone else")  # meanwhile
        run_the_lock()
        page = c.get(f"/years/lock/?year={YEAR}").content.decode()
        start = page.index('class="govuk-error-summary"')
        assert f"{YEAR} is already locked" in page[start:page.index("</ul>", start)]
        assert "govuk-notification-banner" not in page and 'id="locking"' not in page
    finally:
        if year_lock(portal.store, YEAR).locked:
            reopen_year(portal.store, YEAR, "test clean-up", by="test")


def _audit_las(page: str) -> list[str]:
    table = page[page.index('id="events"'):page.index("</table>")]
    table = table[table.index("<tbody"):]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)
    return [re.findall(r'<td class="govuk-table__cell">([^<]*)</td>', r)[3] for r in rows]


def test_the_audit_trail_shows_the_region_and_verifies(portal: Any) -> None:
    from django.db import connections

    portal.store.record("sub_b@example.test", "download", la_code=LA_B, year=YEAR,
                        format="csv", via="test")
    a_page = signed_in(portal, "proc_a").get("/audit/").content.decode()
    seen_a = _audit_las(a_page)
    assert LA_A in seen_a and LA_B not in seen_a
    assert set(seen_a) <= {LA_A, ""}
    assert _audit_las(signed_in(portal, "proc_b").get("/audit/").content.decode())[0] == LA_B
    seen_all = _audit_las(signed_in(portal, "admin").get("/audit/").content.decode())
    assert seen_all[0] == LA_B and LA_A in seen_all
    assert '"bound"' not in a_page and "bound:" not in a_page  # row digests are not shown

    c = signed_in(portal, "proc_a")
    page = c.post("/audit/").content.decode()
    assert 'id="verify-ok"' in page and "chain correctly" in page
    alias = portal.store.alias
    with connections[alias].cursor() as cur:
        cur.execute("SELECT actor FROM store_auditevent WHERE seq = 2")
        actor = cur.fetchone()[0]
        cur.execute("UPDATE store_auditevent SET actor = 'mallory' WHERE seq = 2")
    try:
        page = c.post("/audit/").content.decode()
    finally:
        with connections[alias].cursor() as cur:
            cur.execute("UPDATE store_auditevent SET actor = %s WHERE seq = 2", [actor])
    problems = page[page.index('id="verify-problems"'):page.index("</ul>",
                                                                  page.index("verify-problems"))]
    assert "event 2" in problems and "its content was changed" in problems
    assert 'id="verify-ok"' not in page
    assert 'id="verify-ok"' in c.post("/audit/").content.decode()  # put back


def test_the_audit_trail_is_paged(portal: Any) -> None:
    from cld.store.queries import audit_page
    from cld.web.portal.processing import AUDIT_PAGE

    c = signed_in(portal, "national")
    for n in range(AUDIT_PAGE + 1 - audit_page(portal.store, None, 0, 0)[0]):
        portal.store.record("national@example.test", "download", la_code=LA_A, year=YEAR,
                            format="csv", n=n)
    total = audit_page(portal.store, None, 0, 0)[0]
    first = c.get("/audit/").content.decode()
    last = c.get(f"/audit/?page={(total + AUDIT_PAGE - 1) // AUDIT_PAGE}").content.decode()
    assert f"Events 1 to {AUDIT_PAGE} of {total:,}" in first and 'rel="next"' in first
    assert re.search(r'numeric">1</td><td class="govuk-table__cell">', last)  # the first
    assert 'rel="next"' not in last


def test_an_las_page_for_processors(portal: Any) -> None:
    from cld.store.queries import submission

    sub = submission(portal.store, portal.submission)
    page = signed_in(portal, "proc_a").get(f"/las/{LA_A}/?year={YEAR}").content.decode()
    assert f"{LA_A} Lincolnshire: versions for {YEAR}" in page
    assert f'href="/submissions/{portal.submission}/"' in page
    assert f'numeric">{sub.errors:,}</td>' in page and f'numeric">{sub.warnings:,}</td>' in page
    assert 'id="changes"' in page and "Open</strong> for submissions" in page
    assert signed_in(portal, "national").get("/las/999/").status_code == 404
    own = signed_in(portal, "ana_a").get(f"/versions/?year={YEAR}").content.decode()
    same = re.compile(r'<h1.*</main>', re.S)  # the LA's users see the very same page
    tracing = (f'\n  <li><a class="govuk-link" href="/las/{LA_A}/tracing/">Trace the NHS '
               'numbers</a></li>')
    assert same.search(own)[0] == same.search(page)[0].replace(tracing, "")  # but tracing
    tracker = signed_in(portal, "proc_a").get(f"/tracker/?year={YEAR}").content.decode()
    row = tracker[tracker.index(f'href="/las/{LA_A}/?year={YEAR}"'):]
    row = row[:row.index("</tr>")]
    # Q1-Q3 of 2020/21 were due long before the one version arrived: late
    assert "Late</strong>" in row


def test_quality_side_by_side(portal: Any) -> None:
    from cld.store.queries import stored_result

    stats = stored_result(portal.store, portal.submission).result.field_stats
    f = next(s for s in stats if s.invalid and s.filled < s.rows)
    page = signed_in(portal, "proc_a").get(f"/quality/?year={YEAR}&field={f.column}")
    text = page.content.decode()
    table = text[text.index('id="quality"'):text.index("</table>")]
    cells = [f"{f.rows:,}", f"{f.filled:,}", f"{f.filled / f.rows:.1%}", f"{f.invalid:,}",
             f"{(f.filled - f.invalid) / f.filled:.1%}"]
    row = "".join(f'<td class="govuk-table__cell govuk-table__cell--numeric">{v}</td>'
                  for v in ["1", *cells])
    # LA A alone has data: its figures, its region's (GEM) and England's are the same
    assert re.sub(r">\s+<", "><", table).count(row) == 3
    assert ">GEM<" in table and ">England<" in table and f"{LA_A} Lincolnshire" in table
    chart = text[text.index('id="chart"'):text.index("</figure>")]
    assert '<svg role="img"' in chart and f"<title>Completeness and validity of {f.column}" \
        in chart and "<desc>" in chart
    other = signed_in(portal, "proc_b").get(f"/quality/?year={YEAR}").content.decode()
    assert "Lincolnshire" not in other and ">GEM<" not in other and ">England<" in other


def test_event_details_as_text() -> None:
    from cld.web.portal.processing import _shown

    details = {"bound": [{"row": "x"}], "file": "q4.csv", "sha256": "ab" * 32, "reason": "",
               "files": {"a.csv": "1" * 64, "b.csv": "2" * 64}, "done": [{"file": "c"}],
               "submissions": list(range(12)), "same_as": None}
    shown = _shown({"seq": 1, "at": "2021-01-02T03:04:05.123456+00:00", "actor": "x",
                    "action": "a", "la_code": "", "year": "", "details": json.dumps(details),
                    "hash": "0"})
    assert shown["at"] == "2021-01-02 03:04:05"
    assert shown["text"] == ("file: q4.csv; sha256: abababababab…; files: a.csv, b.csv; "
                             "done: 1 items; submissions: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 …")


def test_an_las_page_links_to_what_the_user_may_open(portal: Any) -> None:
    """Links follow the access rules: the region's processor may trace and read the LA's
    data; the LA's users read their data; national analysts neither (identifiers)."""
    data, trace = f'href="/las/{LA_A}/data/?year=2020/21"', f'href="/las/{LA_A}/tracing/"'
    pages = {who: signed_in(portal, who).get(f"/las/{LA_A}/?year=2020/21").content.decode()
             for who in ("proc_a", "national")}
    pages["sub_a"] = signed_in(portal, "sub_a").get("/versions/?year=2020/21").content.decode()
    assert data in pages["proc_a"] and trace in pages["proc_a"]
    assert data in pages["sub_a"] and trace not in pages["sub_a"]
    assert "la-links" not in pages["national"]
