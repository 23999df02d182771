"""File handling of the store: checksummed copies, locks, and plain-English OS errors."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from cld.checksums import sha256_file as sha256_file

CHUNK = 1 << 20


def os_message(exc: OSError, doing: str) -> str:
    """A clear message for disk-full, permission and similar errors."""
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        why = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        why = "permission denied"
    elif exc.errno == errno.EROFS:
        why = "the file system is read-only"
    elif exc.errno == errno.ENOENT:
        why = "no such file or folder"
    else:
        why = exc.strerror or str(exc)
    return f"cannot {doing}: {why}{where}. Nothing was stored or changed."


# The files a stored submission may hold beside its upload, by the field of their checksum.
STORED_FILES = {"result_sha256": "result.json", "issues_sha256": "issues.parquet",
                "events_sha256": "events.parquet"}


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type when it has none)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def engine_message(exc: Exception, doing: str) -> str:
    """A clear message for a DuckDB failure while writing (e.g. disk full)."""
    return f"cannot {doing}: {first_line(exc)}. Nothing was stored or changed."


def write_error(exc: Exception, doing: str) -> str:
    """A clear message for a failed write: an OS error or the engine's."""
    return os_message(exc, doing) if isinstance(exc, OSError) else engine_message(exc, doing)


def original_name(filename: str) -> str:
    """The stored name of an upload: original.csv / original.xlsx (else original.dat)."""
    ext = Path(filename).suffix.lower()
    return f"original{ext if ext in {'.csv', '.xlsx'} else '.dat'}"


def copy_with_sha256(src: Path, dest: Path) -> tuple[str, int]:
    """Copy `src` to a new file `dest` byte for byte, fsynced; return (sha256, size)."""
    h = hashlib.sha256()
    size = 0
    with src.open("rb") as fin, dest.open("xb") as fout:
        while chunk := fin.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
            fout.write(chunk)
        _sync(fout)
    return h.hexdigest(), size


def _sync(f: BinaryIO) -> None:
    f.flush()
    os.fsync(f.fileno())


def fsync_tree(folder: Path) -> None:
    """Flush every file in `folder` and the folder itself to disk."""
    for p in folder.iterdir():
        if p.is_file():
            with p.open("rb") as f:
                os.fsync(f.fileno())
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_read_only(folder: Path) -> None:
    for p in folder.iterdir():
        if p.is_file():
            p.chmod(0o444)


@contextmanager
def exclusive(path: Path, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on `path` (created if missing). Yields False when `wait` is
    False and another process holds it."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:  # a reader without write permission can still take the lock
        fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
