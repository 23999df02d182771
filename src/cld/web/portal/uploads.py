"""Receiving a file: streamed to disk, its size capped while it streams, its name and type
checked before anything is queued."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler

from cld.errors import CldError

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cld.web.portal.models import Upload

SUFFIXES = (".csv", ".xlsx")
_SAFE = re.compile(r"[^A-Za-z0-9 ._()-]")


class UploadRefused(CldError):
    """A file the portal will not take (too big, not a CSV or XLSX, a bad name), or a form
    without a year or mode it offers; `field` names the form field at fault."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.field = field


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Streams the file to a temporary file; stops once it exceeds CLD_MAX_UPLOAD bytes."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.CLD_MAX_UPLOAD:
            self.request.cld_too_large = True  # type: ignore[union-attr]
            self.file.close()
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


def too_large(content_length: int | None) -> bool:
    """Known too large before reading (the form's other fields need a few kB at most)."""
    return content_length is not None and content_length > settings.CLD_MAX_UPLOAD + 65536


def display_name(name: str) -> str:
    """The file's name to show and keep: no directories, only plain characters."""
    base = re.split(r"[\\/]", name)[-1]
    clean = _SAFE.sub("_", base).strip(" .")
    if not clean.lower().endswith(SUFFIXES):
        raise UploadRefused(f"{clean or 'the file'}: only CSV (.csv) or Excel (.xlsx) files "
                            "can be uploaded")
    stem, dot, suffix = clean.rpartition(".")
    return stem[:200 - len(dot + suffix)] + dot + suffix  # shortened, keeping its suffix


def accept(tmp_path: Path, name: str, root: Path) -> tuple[str, Path]:
    """Check the file's content is CSV text or an XLSX workbook, then move it into a new
    folder under the store's portal/uploads. Returns (display name, folder)."""
    from cld.ingest.sniff import kind, read_head

    clean = display_name(name)
    folder = root / "portal" / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    dest = folder / clean  # the store records the name it is submitted under
    shutil.move(str(tmp_path), dest)
    try:
        kind(dest, read_head(dest, clean), clean)
    except CldError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise UploadRefused(str(exc)) from None
    return clean, folder


def receive(request: HttpRequest, la: str, years: list[str], modes: list[str]) -> Upload:
    """The posted file (`file`), `year` and `mode` checked, the file kept and its processing
    queued (the upload page and the API both call this). Raises UploadRefused."""
    from cld.web import boot
    from cld.web.portal.models import Upload
    from cld.web.portal.tasks import process_upload

    length = request.META.get("CONTENT_LENGTH")
    if too_large(int(length) if length and length.isdigit() else None):
        raise UploadRefused(too_big())
    files = request.FILES  # reads the body: streamed to disk, capped by the handler
    if getattr(request, "cld_too_large", False):
        raise UploadRefused(too_big())
    year, mode, f = request.POST.get("year"), request.POST.get("mode"), files.get("file")
    if year not in years:
        raise UploadRefused("Select the reporting year", "year")
    if mode not in modes:
        raise UploadRefused("Select whether to validate only or submit", "mode")
    if f is None:
        raise UploadRefused("Select a CSV or XLSX file")
    if not f.size:
        raise UploadRefused("The selected file is empty")
    store = boot.store()
    name, folder = accept(Path(f.temporary_file_path()), f.name or "", store.root)
    up = Upload.objects.create(user=request.user, la_code=la, year=year, mode=mode,
                               filename=name, folder=folder.relative_to(store.root).as_posix(),
                               size=f.size)
    up.task_id = str(process_upload.enqueue(up.pk).id)
    up.save(update_fields=["task_id"])
    return up


def too_big() -> str:
    return f"The file must be smaller than {settings.CLD_MAX_UPLOAD // (1024 * 1024):,} MB"
