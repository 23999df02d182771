"""Reporting years (2020/21 = 1 April 2020 to 31 March 2021), quarters and deadlines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel, Field, field_validator

from cld.store.files import StoreError


@dataclass(frozen=True)
class Year:
    label: str  # 2020/21
    start: date
    end: date

    @property
    def slug(self) -> str:  # for folder names
        return self.label.replace("/", "-")

    def quarters(self) -> list[Period]:
        ends = [date(self.start.year, 6, 30), date(self.start.year, 9, 30),
                date(self.start.year, 12, 31), self.end]
        return [Period(f"Q{n}", self.start, end) for n, end in enumerate(ends, start=1)]

    def quarter_of(self, day: date) -> str | None:
        """The quarter whose three months hold `day` (None outside the year)."""
        if not self.start <= day <= self.end:
            return None
        return f"Q{(day.month - 4) % 12 // 3 + 1}"


@dataclass(frozen=True)
class Period:
    name: str  # Q1..Q4
    start: date
    end: date


def parse_year(text: str) -> Year:
    m = re.fullmatch(r"\s*(\d{4})\s*/\s*(\d{2}|\d{4})\s*", text or "")
    if not m:
        raise StoreError(f"year {text!r} is not a financial year like 2020/21")
    first = int(m.group(1))
    second = int(m.group(2))
    if second != (first + 1) % (100 if len(m.group(2)) == 2 else 10_000):
        raise StoreError(f"year {text!r} is not a financial year like 2020/21 "
                         f"(the second year must follow the first)")
    if not 2000 <= first <= 2099:
        raise StoreError(f"year {text!r} is outside 2000/01 to 2099/00")
    return Year(f"{first}/{(first + 1) % 100:02d}", date(first, 4, 1), date(first + 1, 3, 31))


class Deadlines(BaseModel):
    """When a period's submission is due (configurable in store.yaml under `deadlines:`).

    Default: 6 weeks after the quarter end for Q1-Q3 (the guidance's "4-6 weeks after the
    reporting period"); Q4 by 30 June (the year-end window, after SALT). `dates` fixes a
    period's deadline outright, e.g. {"2020/21 Q2": "13/11/2020"}.
    """

    weeks_after_period_end: int = Field(default=6, ge=0, le=52)
    year_end_day: str = "30/06"
    dates: dict[str, str] = Field(default_factory=dict)

    @field_validator("year_end_day")
    @classmethod
    def _day_month(cls, v: str) -> str:
        if not re.fullmatch(r"\d{2}/\d{2}", v):
            raise ValueError("year_end_day must be dd/mm, e.g. 30/06")
        return v

    def due(self, year: Year, period: Period) -> date:
        fixed = self.dates.get(f"{year.label} {period.name}")
        if fixed:
            d, m, y = (int(x) for x in fixed.split("/"))
            return date(y, m, d)
        if period.end == year.end:
            d, m = (int(x) for x in self.year_end_day.split("/"))
            return date(year.end.year, m, d)
        return period.end + timedelta(weeks=self.weeks_after_period_end)
