"""Reporting years of the store and the deadline of each quarter's submission."""

from __future__ import annotations

import re
from datetime import date, timedelta

from pydantic import BaseModel, Field, field_validator

from cld.store.files import StoreError
from cld.years import Period, Year
from cld.years import parse_year as _parse_year


def parse_year(text: str) -> Year:
    """cld.years.parse_year, failing with a StoreError."""
    try:
        return _parse_year(text)
    except ValueError as exc:
        raise StoreError(f"year {exc}") from None


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
