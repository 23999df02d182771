"""Check stored files against the checksums recorded when they were stored."""

from __future__ import annotations

from cld.store.core import Store
from cld.store.files import original_name, sha256_file


def verify_files(store: Store) -> list[str]:
    """Problems found (missing or changed files); empty when all is well."""
    from cld.store.models import Submission, YearSnapshot

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
        check(f"{s.folder}/result.json", s.result_sha256, what)
        if s.events_sha256:
            check(f"{s.folder}/events.parquet", s.events_sha256, what)
    for snap in YearSnapshot.objects.using(store.alias).select_related("year"):
        check(snap.path, snap.sha256, f"snapshot {snap.number} of {snap.year.label}")
    return problems
