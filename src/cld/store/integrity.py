"""Check stored files against the checksums recorded when they were stored."""

from __future__ import annotations

from cld.store.core import Store, default_actor
from cld.store.files import STORED_FILES, original_name, sha256_file


def verify_files(store: Store) -> list[str]:
    """Problems found (missing or changed files); empty when all is well."""
    import json

    from cld.store.models import AuditEvent, Submission, Trace, YearSnapshot
    from cld.store.traces import TRACE_FILES

    problems: list[str] = []

    def check(path_rel: str, expected: str, what: str) -> None:
        path = store.path(path_rel)
        if not path.exists():
            problems.append(f"{what}: {path_rel} is missing")
        elif expected and sha256_file(path) != expected:
            problems.append(f"{what}: {path_rel} does not match its recorded checksum")

    for s in Submission.objects.using(store.alias).select_related("year").order_by("pk"):
        what = f"submission {s.pk} ({s.label})"
        check(f"{s.folder}/{original_name(s.filename)}", s.sha256, what)
        for field, name in STORED_FILES.items():
            if getattr(s, field):  # rejected files have no events; unreadable, no issues
                check(f"{s.folder}/{name}", getattr(s, field), what)
    for snap in YearSnapshot.objects.using(store.alias).select_related("year"):
        check(snap.path, snap.sha256, f"snapshot {snap.number} of {snap.year.label}")
    for t in Trace.objects.using(store.alias).order_by("pk"):
        for field, name in TRACE_FILES.items():
            if getattr(t, field):
                check(f"{t.folder}/{name}", getattr(t, field),
                      f"trace {t.number} of submission {t.submission_id}")
    for ev in AuditEvent.objects.using(store.alias).filter(action="mesh-request"):
        d = json.loads(ev.details)  # the mapping back from a PDS MESH request, kept here
        check(d["mapping"], d["mapping_sha256"], f"MESH request {d['token']} (event {ev.seq})")
    return problems


def verify_audit_links(store: Store) -> list[str]:
    """Every stored version, snapshot and trace has its audit event (none removed)."""
    import json

    from cld.store.models import AuditEvent, Submission, Trace, YearSnapshot

    subs: set[int] = set()
    locks: set[tuple[str, int]] = set()
    traces: set[tuple[int, int]] = set()
    for ev in AuditEvent.objects.using(store.alias).filter(action__in=["submit", "reject",
                                                                        "lock", "trace"]):
        d = json.loads(ev.details)
        if ev.action == "lock":
            locks.add((ev.year, int(d.get("snapshot", 0))))
        elif ev.action == "trace":
            traces.add((int(d.get("submission", 0)), int(d.get("trace", 0))))
        else:
            subs.add(int(d.get("submission", 0)))
    problems = [f"submission {pk} has no audit event"
                for pk in Submission.objects.using(store.alias).values_list("pk", flat=True)
                if pk not in subs]
    problems += [f"snapshot {n} of {label} has no audit event"
                 for label, n in YearSnapshot.objects.using(store.alias)
                 .values_list("year__label", "number") if (label, n) not in locks]
    problems += [f"trace {n} of submission {sub} has no audit event"
                 for sub, n in Trace.objects.using(store.alias)
                 .values_list("submission_id", "number") if (sub, n) not in traces]
    return problems


def verify_store(store: Store, files: bool = True) -> tuple[int, list[str]]:
    """(audit events, problems): the hash chain, its recorded head, the links between
    versions/snapshots and their audit events, each submission/snapshot/year row against
    the audit event that bound it, and (with `files`) every stored file."""
    from cld.store.audit import check_head, verify
    from cld.store.binding import verify_rows

    v = verify(store.alias)
    problems = v.problems + check_head(store.alias, store.root / "audit.head")
    problems += verify_audit_links(store)
    problems += verify_rows(store.alias)
    if files:
        problems += verify_files(store)
    return v.events, problems


def bind_unbound(store: Store, by: str | None = None) -> int:
    """Record the rows no event binds, as they are now, in one audited 'bind' event (for a
    store made before rows were bound). Returns how many rows were bound."""
    from cld.store import audit
    from cld.store.binding import unbound_rows

    by = by or default_actor()
    with store.write_lock():
        rows = [row for _, row in unbound_rows(store.alias)]
        if rows:
            audit.append(store.alias, by, "bind", bind=rows,
                         note="rows recorded as found: changes before this event are not "
                              "detectable")
    return len(rows)
