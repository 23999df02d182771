"""The shapes tracing passes around: requests (what the LA sent, one row per person and
submission), the register (a PDS-like local copy), and results (what tracing found).

Every module of tracing (matching, MESH files, storage, feedback) reads and writes these
columns; the names and their order are the contract.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

import pyarrow as pa


class MatchType(IntEnum):
    """PDS's MATCHED_ALGORITHM_INDICATOR values used here (2, simple trace, is not done)."""

    NONE = 0
    CROSS_CHECK = 1
    ALPHANUMERIC = 3
    ALGORITHMIC = 4


class Action(StrEnum):
    """What tracing did to the LA's NHS number."""

    CONFIRMED = "confirmed"  # the LA's number is the person's current number
    CORRECTED = "corrected"  # the LA sent a number; the person's is another (superseded, mistyped)
    ADDED = "added"  # the LA sent none (or a sentinel or invalid one); one was found
    UNCONFIRMED = "unconfirmed"  # the LA sent a number that could not be confirmed; kept
    NOT_TRACED = "not traced"  # no number sent and none found
    AMBIGUOUS = "ambiguous"  # two or more candidates within the margin: listed for review


# One row per person (LA person id) per submission version.
REQUEST_SCHEMA = pa.schema([
    ("la_code", pa.string()),
    ("submission_id", pa.int64()),
    ("person_id", pa.string()),
    ("nhs_number", pa.string()),  # as sent: may be null, a sentinel or fail modulus 11
    ("first_name", pa.string()),
    ("last_name", pa.string()),
    ("gender", pa.string()),  # v4.2 canonical value (Male, Female, ...)
    ("date_of_birth", pa.date32()),
    ("postcode", pa.string()),
    ("gp_practice_code", pa.string()),
])

RESULT_SCHEMA = pa.schema([
    ("la_code", pa.string()),
    ("submission_id", pa.int64()),
    ("person_id", pa.string()),
    ("nhs_number_sent", pa.string()),
    ("traced_nhs_number", pa.string()),  # null unless traced; never a sentinel
    ("match_type", pa.int8()),  # MatchType
    ("match_weight", pa.float64()),  # Splink match weight (algorithmic only)
    ("match_probability", pa.float64()),  # 1.0 for deterministic matches, null if none
    ("gp_practice_code", pa.string()),  # from the register, for the traced person
    ("action", pa.string()),  # Action
    ("reason", pa.string()),  # a short plain note: "superseded number replaced", ...
    ("candidates", pa.int32()),  # register records within the margin (0 = none)
])
