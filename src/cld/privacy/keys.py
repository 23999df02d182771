"""Pseudonymisation keys, held outside the store.

A master secret comes from a key file (owner-only permissions, e.g. mode 0600) or from the
environment variable CLD_PSEUDONYMISATION_KEY (64 hex digits). A key file holds one or more
dated keys, one a line: `YYYY-MM-DD <64 hex digits>` (`#` starts a comment); the latest
date is the active key, used for new extracts; the older ones stay so that earlier extracts
can still be checked against their `key_id`.

Each recipient domain gets its own key, derived from the master secret with HKDF-SHA256
(RFC 5869) and the domain's label: two recipients' tokens cannot be joined. Only a `key_id`
(a short one-way fingerprint of the domain key) is ever written anywhere; never the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cld.errors import CldError

ENV_VAR = "CLD_PSEUDONYMISATION_KEY"
SALT = b"cld-pseudonymisation-v1"
_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+([0-9a-fA-F]{64})$")


class KeyFileError(CldError):
    """A key that is missing, unreadable, too open or malformed (never shows the key)."""


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869 HKDF with SHA-256: extract, then expand to `length` bytes."""
    prk = hmac.new(salt or b"\0" * 32, ikm, hashlib.sha256).digest()
    okm, block = b"", b""
    for n in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([n]), hashlib.sha256).digest()
        okm += block
    return okm[:length]


def key_id(key: bytes) -> str:
    """A short, one-way fingerprint of a key (16 hex digits), safe to record."""
    return hmac.new(key, b"cld-key-id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class MasterKey:
    created: date | None  # None for a key from the environment
    secret: bytes

    def domain_key(self, domain: str) -> bytes:
        return hkdf_sha256(self.secret, SALT, b"cld-domain:" + domain.encode("utf-8"))

    def __repr__(self) -> str:  # never the secret
        return f"MasterKey(created={self.created}, id={key_id(self.secret)})"


@dataclass(frozen=True)
class KeyRing:
    """The master keys, oldest first; the last is the active one."""

    keys: tuple[MasterKey, ...]
    source: str  # the key file's path or the environment variable's name

    @property
    def active(self) -> MasterKey:
        return self.keys[-1]

    def find(self, domain: str, kid: str) -> MasterKey | None:
        """The key whose domain key has fingerprint `kid` (to check an old extract)."""
        return next((k for k in self.keys if key_id(k.domain_key(domain)) == kid), None)


def _parse(text: str, source: str) -> KeyRing:
    keys: list[MasterKey] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _LINE.match(line)
        if not m:
            raise KeyFileError(f"{source} line {n}: expected `YYYY-MM-DD` and 64 hex digits",
                               hint="make a key file with `cld keys new`")
        try:
            created = date.fromisoformat(m.group(1))
        except ValueError:
            raise KeyFileError(f"{source} line {n}: the date is not a real date") from None
        keys.append(MasterKey(created, bytes.fromhex(m.group(2))))
    if not keys:
        raise KeyFileError(f"{source} holds no key")
    keys.sort(key=lambda k: k.created or date.min)
    if len({k.created for k in keys}) != len(keys):
        raise KeyFileError(f"{source}: two keys have the same date")
    return KeyRing(tuple(keys), source)


def load_key_file(path: Path) -> KeyRing:
    """The keys of `path`; refused unless only its owner may read it (no group/other bits)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise KeyFileError(f"key file {path} does not exist") from None
    except OSError as exc:
        raise KeyFileError(f"key file {path} cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise KeyFileError(f"key file {path} is not a file")
    if st.st_mode & 0o077:
        raise KeyFileError(f"key file {path} may be read by others (mode "
                           f"{stat.S_IMODE(st.st_mode):04o})",
                           hint=f"chmod 600 {path}")
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not plain text"
        raise KeyFileError(f"key file {path} cannot be read ({reason})") from None
    return _parse(text, str(path))


def load_keys(path: Path | None = None, env: dict[str, str] | None = None) -> KeyRing:
    """The key file `path` if given, else the environment variable; an error if neither."""
    if path is not None:
        return load_key_file(path)
    value = (os.environ if env is None else env).get(ENV_VAR, "").strip()
    if not value:
        raise KeyFileError("no pseudonymisation key: none given and "
                           f"{ENV_VAR} is not set",
                           hint="make one with `cld keys new --out FILE`")
    if not re.fullmatch(r"[0-9a-fA-F]{64}", value):
        raise KeyFileError(f"{ENV_VAR} must hold 64 hex digits")
    return KeyRing((MasterKey(None, bytes.fromhex(value)),), ENV_VAR)


def new_key_file(path: Path, today: date | None = None) -> date:
    """Write a key file with one fresh key (mode 0600), or add a newer key to an existing
    one (rotation: the new key becomes the active one; the old stay for checking)."""
    day = today or date.today()
    lines = ""
    if path.exists():
        ring = load_key_file(path)
        if any(k.created == day for k in ring.keys):
            raise KeyFileError(f"key file {path} already has a key dated {day.isoformat()}")
        lines = path.read_text(encoding="ascii")
        if lines and not lines.endswith("\n"):
            lines += "\n"
    else:
        lines = "# CLD pseudonymisation keys: keep secret, never in the store\n"
    lines += f"{day.isoformat()} {secrets.token_hex(32)}\n"
    tmp = path.with_name(path.name + ".part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(lines)
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise KeyFileError(f"cannot write key file {path} ({exc.strerror})") from None
    return day
