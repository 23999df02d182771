"""Synthetic identifiers and names: never a real person's data.

- NHS numbers from the 900 range (kept for test systems, never issued to patients) with a valid
  modulus 11 check digit, distinct per person, never one repeated digit.
- Names from Faker's en_GB pools.
- Postcodes: real-looking outward codes (postcode areas and districts) with random inward
  codes, in the UK format.
- GP practice codes: a letter and five digits; CQC location ids: `1-` and 9-10 digits.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl

NHS_PREFIX = 900
# Postcode areas in England (first letter [A-PR-UWYZ], second [A-HK-Y]).
AREAS = ("B", "BA", "BB", "BD", "BH", "BL", "BN", "BS", "CA", "CB", "CH", "CM", "CO", "CT",
         "CV", "CW", "DE", "DH", "DL", "DN", "DT", "DY", "EX", "GL", "GU", "HD", "HG", "HP",
         "HU", "HX", "IP", "LA", "LE", "LN", "LS", "LU", "M", "ME", "MK", "NE", "NG", "NN",
         "NR", "OL", "OX", "PE", "PL", "PO", "PR", "RG", "S", "SK", "SN", "SO", "SP", "SR",
         "ST", "SY", "TA", "TF", "TN", "TQ", "TR", "TS", "WA", "WF", "WN", "WR", "WV", "YO")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward code


def nhs_check_digit(nine: str) -> int | None:
    """The modulus 11 check digit of nine digits, or None when the nine have no valid one."""
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return None if check == 10 else 0 if check == 11 else check


def nhs_valid(number: str) -> bool:
    return (len(number) == 10 and number.isdigit()
            and nhs_check_digit(number[:9]) == int(number[9]))


def nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` distinct valid NHS numbers (int64) in the 900 test range, in random order."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    take = min(10**6, int(n * 1.15) + 64)
    while True:
        tail = rng.choice(10**6, size=take, replace=False).astype(np.int64)
        nine = NHS_PREFIX * 10**6 + tail
        digits = (nine[:, None] // 10 ** np.arange(8, -1, -1)) % 10
        check = 11 - (digits * np.arange(10, 1, -1)).sum(axis=1) % 11
        check = np.where(check == 11, 0, check)
        full = nine * 10 + check
        good = full[(check != 10) & (full != 9_999_999_999)]
        if len(good) >= n:
            break
        if take == 10**6:
            raise ValueError(f"at most {len(good):,} people can have distinct synthetic NHS "
                             "numbers")
        take = min(10**6, take * 2)
    return good[:n]


def wrong_check_digit(number: str, rng: np.random.Generator) -> str:
    """The same nine digits with a check digit that fails modulus 11."""
    right = int(number[9])
    wrong = (right + int(rng.integers(1, 10))) % 10
    return number[:9] + str(wrong)


def outward_codes(la_code: str, k: int = 14) -> list[str]:
    """Outward codes for an LA: a few districts of two postcode areas, fixed per LA code."""
    r = np.random.default_rng(int(la_code) if la_code.isdigit() else 0)
    areas = r.choice(len(AREAS), size=2, replace=False)
    out = []
    for a in areas:
        for d in sorted(r.choice(np.arange(1, 30), size=k // 2, replace=False)):
            out.append(f"{AREAS[a]}{d}")
    return out


def postcodes(rng: np.random.Generator, outward: list[str], n: int) -> pl.Series:
    """Format-valid postcodes: a district's outward code and a random inward code."""
    letters = np.array(list(INWARD_LETTERS))
    o = pl.Series(outward).gather(rng.integers(0, len(outward), n))
    d = pl.Series(rng.integers(0, 10, n)).cast(pl.String)
    a = pl.Series(letters[rng.integers(0, len(letters), n)])
    b = pl.Series(letters[rng.integers(0, len(letters), n)])
    return pl.DataFrame({"o": o, "d": d, "a": a, "b": b}).select(
        pl.concat_str("o", pl.lit(" "), "d", "a", "b"))["o"]


def distinct_codes(rng: np.random.Generator, n: int, width: int, lo: int = 0) -> np.ndarray:
    """`n` distinct random integers of `width` digits (no leading zero when lo is given)."""
    hi = 10**width
    picked: set[int] = set()
    out: list[int] = []
    while len(out) < n:
        for x in rng.integers(lo, hi, n).tolist():
            if x not in picked:
                picked.add(x)
                out.append(x)
                if len(out) == n:
                    break
    return np.array(out, dtype=np.int64)


def cqc_ids(rng: np.random.Generator, n: int) -> list[str]:
    """CQC location ids, `1-` and 9 or 10 digits, distinct."""
    nine = distinct_codes(rng, n, 9, lo=10**8)
    ten = rng.random(n) < 0.3
    return [f"1-{x}{int(rng.integers(0, 10))}" if t else f"1-{x}"
            for x, t in zip(nine.tolist(), ten.tolist(), strict=True)]


@lru_cache(maxsize=8)
def name_pools(seed: int) -> NamePools:
    return NamePools(seed)


class NamePools:
    """Distinct Faker en_GB first names (by gender), surnames and place words."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.female = sorted({fake.first_name_female() for _ in range(1500)})
        self.male = sorted({fake.first_name_male() for _ in range(1500)})
        self.last = sorted({fake.last_name() for _ in range(3000)})
        self.streets = sorted({fake.street_name() for _ in range(400)})
        for pool in (self.female, self.male, self.last, self.streets):
            for s in pool:
                s.encode("cp1252")  # the generated files must be writable as cp1252
