"""An upload: a file an LA user sent, waiting for, in or through background validation."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Upload(models.Model):
    VALIDATE, SUBMIT = "validate", "submit"
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    la_code = models.CharField(max_length=9)
    year = models.CharField(max_length=7)
    mode = models.CharField(max_length=8, choices=[(VALIDATE, "validate only"),
                                                   (SUBMIT, "submit")])
    filename = models.CharField(max_length=255)  # as sent (directories removed)
    folder = models.CharField(max_length=255)  # relative to the store folder
    size = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)  # when the worker took it
    task_id = models.CharField(max_length=64, blank=True)  # its django-tasks result
    state = models.CharField(max_length=8, default=QUEUED)
    step = models.CharField(max_length=200, blank=True)  # progress, as the engine reports it
    message = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, blank=True)  # submit: accepted, rejected...
    submission_id = models.BigIntegerField(null=True)  # the store's, when submitted


class Extract(models.Model):
    """A recipient organisation's extract (cld.privacy.extract), made in the background."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="extracts")
    profile = models.CharField(max_length=40)  # as the organisation's was when made
    recipient = models.CharField(max_length=20)
    year = models.CharField(max_length=7)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    folder = models.CharField(max_length=255)  # relative to the store folder
    state = models.CharField(max_length=8, default=QUEUED)
    rows = models.BigIntegerField(null=True)
    message = models.TextField(blank=True)


class Run(models.Model):
    """A trace of an LA's submission or a benchmark of a year, run in the background; its
    result is counts (JSON) or files in `folder`, never identifiers."""

    TRACE, BENCHMARK = "trace", "benchmark"
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

    kind = models.CharField(max_length=10, choices=[(TRACE, "trace"), (BENCHMARK, "benchmark")])
    la_code = models.CharField(max_length=9, blank=True)  # a trace's LA
    year = models.CharField(max_length=7)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=8, default=QUEUED)
    message = models.TextField(blank=True)
    result = models.JSONField(default=dict)  # trace: people per action
    folder = models.CharField(max_length=255, blank=True)  # benchmark: its files
