from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from cld.privacy.keys import (
    ENV_VAR,
    KeyFileError,
    hkdf_sha256,
    key_id,
    load_key_file,
    load_keys,
    new_key_file,
)


def test_hkdf_rfc5869_case_1() -> None:
    okm = hkdf_sha256(b"\x0b" * 22, bytes(range(13)), bytes(range(0xF0, 0xFA)), 42)
    assert okm.hex() == ("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                         "34007208d5b887185865")


def test_new_key_file_is_owner_only_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "k"
    new_key_file(path, date(2026, 1, 1))
    assert os.stat(path).st_mode & 0o777 == 0o600
    ring = load_key_file(path)
    assert len(ring.keys) == 1 and len(ring.active.secret) == 32


def test_rotation_keeps_old_key_findable(tmp_path: Path) -> None:
    path = tmp_path / "k"
    new_key_file(path, date(2026, 1, 1))
    old = load_key_file(path).active
    old_id = key_id(old.domain_key("icb:QSYN1"))
    new_key_file(path, date(2026, 6, 1))
    ring = load_key_file(path)
    assert ring.active.created == date(2026, 6, 1)
    assert ring.active.secret != old.secret
    assert ring.find("icb:QSYN1", old_id) == old
    assert key_id(ring.active.domain_key("icb:QSYN1")) != old_id


def test_domain_keys_differ_and_key_id_is_short() -> None:
    ring = load_keys(None, {ENV_VAR: "ab" * 32})
    a, b = ring.active.domain_key("a"), ring.active.domain_key("b")
    assert a != b and len(a) == 32
    kid = key_id(a)
    assert len(kid) == 16 and kid not in a.hex()


def test_too_open_key_file_refused_without_showing_it(tmp_path: Path) -> None:
    path = tmp_path / "k"
    new_key_file(path, date(2026, 1, 1))
    secret = path.read_text().split()[-1]
    path.chmod(0o644)
    with pytest.raises(KeyFileError) as e:
        load_key_file(path)
    assert str(path) in str(e.value) and "0644" in str(e.value)
    assert secret not in str(e.value)


def test_missing_and_malformed_keys(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="does not exist"):
        load_key_file(tmp_path / "none")
    with pytest.raises(KeyFileError, match=ENV_VAR):
        load_keys(None, {})
    with pytest.raises(KeyFileError, match="64 hex"):
        load_keys(None, {ENV_VAR: "short"})
    bad = tmp_path / "bad"
    bad.write_text("2026-01-01 nothex\n")
    bad.chmod(0o600)
    with pytest.raises(KeyFileError, match="line 1") as e:
        load_key_file(bad)
    assert "nothex" not in str(e.value)


def test_unreadable_key_file(tmp_path: Path) -> None:
    path = tmp_path / "k"
    new_key_file(path, date(2026, 1, 1))
    path.chmod(0o000)
    if os.access(path, os.R_OK):  # running as root: permissions do not stop reading
        path.write_bytes(b"\xff\xfe")
        path.chmod(0o600)
    with pytest.raises(KeyFileError, match="cannot be read"):
        load_key_file(path)
