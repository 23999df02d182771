from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import ibis
import pytest

from cld.engines import connect
from cld.privacy.tokens import pads, tokenise

KEY = bytes(range(32))
# 943 476 5919 passes modulus 11 (9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 % 11 = 2;
# 11 - 2 = 9); 943 476 5918 does not.
VALID = "9434765919"


def _hmac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _tok(values: Sequence[str | None], kind: str, key: bytes = KEY,
         la: list[str] | None = None) -> list[str | None]:
    t = ibis.memtable({"la_code": la or ["503"] * len(values), "v": values},
                      schema={"la_code": "string", "v": "string"})
    got = tokenise(connect(), t, {"tok": (kind, "v")}, key)
    return [r["tok"] for r in got.to_pylist()]


def test_sql_hmac_equals_python_hmac() -> None:
    values = ["P1", "P0000001", "x" * 200, "naïve"]
    got = _tok(values, "person")
    assert got == [_hmac(KEY, f"person:503\x1f{v}") for v in values]
    long_key = b"k" * 100  # longer than a block: hashed first, as RFC 2104 says
    assert _tok(["P1"], "person", long_key) == [_hmac(long_key, "person:503\x1fP1")]


def test_pads_are_rfc2104() -> None:
    ipad, opad = pads(b"\x01")
    assert ipad[:2] == b"\x37\x36" and opad[:2] == b"\x5d\x5c" and len(ipad) == 64


def test_nhs_numbers_normalised_and_invalid_ones_null() -> None:
    got = _tok([VALID, "943 476 5919", " 943 476 5919 ", "9434765918", "1111111111",
                "123", None, "94347659190"], "nhs")
    expected = _hmac(KEY, f"nhs:{VALID}")
    assert got[:3] == [expected] * 3
    assert got[3:] == [None] * 5


def test_person_ids_of_two_las_differ_and_tokens_are_stable() -> None:
    got = _tok(["P1", "P1", "P1"], "person", la=["503", "503", "318"])
    assert got[0] == got[1] != got[2]


def test_unlinkable_without_the_key() -> None:
    a = _tok([VALID, "P1"], "nhs")[0]
    b = _tok([VALID], "nhs", key=b"another key")[0]
    assert a != b
    assert a != hashlib.sha256(VALID.encode()).hexdigest()
    assert a != hashlib.sha256(f"nhs:{VALID}".encode()).hexdigest()


def test_unknown_kind() -> None:
    with pytest.raises(ValueError):
        _tok(["x"], "name")
