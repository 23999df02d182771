"""Metadata of the store: LAs, reporting years, submissions (versions), snapshots, audit.

Files (the upload byte-for-byte, its normalised events as Parquet, its validation result) live
in the data directory; these rows say what they are and which of them counts.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class LocalAuthority(models.Model):
    code = models.CharField(max_length=9, primary_key=True)  # CASSR code (e.g. 503) or GSS
    name = models.CharField(max_length=120)
    dscro = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]


class ReportingYear(models.Model):
    label = models.CharField(max_length=7, unique=True)  # 2020/21
    start = models.DateField()  # 1 April
    end = models.DateField()  # 31 March
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["start"]


class Submission(models.Model):
    """One upload for one LA and year: a version, accepted or rejected. Never changed."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"

    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="submissions")
    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT,
                             related_name="submissions")
    version = models.PositiveIntegerField()  # 1, 2, ... per LA and year, in order received
    status = models.CharField(max_length=10, choices=[(ACCEPTED, "accepted"),
                                                      (REJECTED, "rejected")])
    received_at = models.DateTimeField()  # when the version was committed (as-of uses it)
    submitted_by = models.CharField(max_length=120)
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    spec_version = models.CharField(max_length=20)
    requested_period_end = models.DateField(null=True)  # --period-end, when given
    stated_start = models.DateField(null=True)
    stated_end = models.DateField(null=True)
    derived_start = models.DateField(null=True)
    derived_end = models.DateField(null=True)
    period_note = models.TextField(blank=True)
    rejection_reason = models.TextField(blank=True)
    rows = models.BigIntegerField(default=0)
    people = models.BigIntegerField(null=True)
    fatal = models.IntegerField(default=0)
    errors = models.IntegerField(default=0)
    warnings = models.IntegerField(default=0)
    keys_from_reference = models.BigIntegerField(default=0)
    keys_derived = models.BigIntegerField(default=0)
    supersedes = models.ForeignKey("self", null=True, on_delete=models.PROTECT,
                                   related_name="superseded_by")
    folder = models.CharField(max_length=255)  # relative to the data directory
    events_sha256 = models.CharField(max_length=64, blank=True)
    result_sha256 = models.CharField(max_length=64, blank=True)
    issues_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["la_id", "year_id", "version"]
        constraints = [models.UniqueConstraint(fields=["la", "year", "version"],
                                               name="one_version_number")]

    @property
    def label(self) -> str:
        return f"{self.la_id} {self.year.label} v{self.version}"


class YearSnapshot(models.Model):
    """The consolidated dataset of a year frozen at lock-down (one per lock; reopen is audited)."""

    year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="snapshots")
    number = models.PositiveIntegerField()
    locked_at = models.DateTimeField()
    locked_by = models.CharField(max_length=120)
    path = models.CharField(max_length=255)  # relative to the data directory
    sha256 = models.CharField(max_length=64)
    rows = models.BigIntegerField()
    manifest = models.TextField()  # JSON: the submissions that counted
    reopened_at = models.DateTimeField(null=True)
    reopened_by = models.CharField(max_length=120, blank=True)
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["year_id", "number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"],
                                               name="one_snapshot_number")]


class AuditEvent(models.Model):
    """Append-only, hash-chained: hash = sha256(prev_hash + this event's canonical text)."""

    seq = models.BigIntegerField(unique=True)
    at = models.CharField(max_length=40)  # ISO 8601 UTC, as hashed
    actor = models.CharField(max_length=120)
    action = models.CharField(max_length=20)
    la_code = models.CharField(max_length=9, blank=True)
    year = models.CharField(max_length=7, blank=True)
    details = models.TextField()  # canonical JSON, as hashed
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit events are append-only")


class Trace(models.Model):
    """One NHS number trace of a submission version, stored beside it (the version itself is
    never changed). Its results (one row per person) and review list are Parquet files in
    `folder`; the LA's numbers are never overwritten, the traced ones sit beside them."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="traces")
    number = models.PositiveIntegerField()  # 1, 2, ... per submission
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=120)
    source = models.CharField(max_length=20)  # "register" (local copy) or "mesh" (PDS MESH)
    register = models.CharField(max_length=255)  # what was traced against (a file name)
    register_sha256 = models.CharField(max_length=64)
    config_version = models.CharField(max_length=40, blank=True)
    rows = models.BigIntegerField(default=0)  # people traced
    counts = models.TextField()  # canonical JSON: people per action
    folder = models.CharField(max_length=255)  # relative to the data directory
    results_sha256 = models.CharField(max_length=64)
    review_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["submission_id", "number"]
        constraints = [models.UniqueConstraint(fields=["submission", "number"],
                                               name="one_trace_number")]
