"""What a synthesis produces (shared by the generator, the defect injector and the writers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import polars as pl

EPOCH = date(1970, 1, 1)


@dataclass
class SynthResult:
    rows: pl.DataFrame  # one String column per spec item, in template order; "" for blank
    manifest: list[dict[str, Any]] = field(default_factory=list)
    # Facts about each row used to place defects (numpy arrays in row order).
    meta: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    period: tuple[date, date] | None = None


def days(d: date) -> int:
    """Days since EPOCH (how the generator counts dates)."""
    return (d - EPOCH).days
