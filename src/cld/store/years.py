"""Reporting years of the store and the deadline of each quarter's submission."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from pydantic import BaseModel, Field, field_validator

from cld.dates import Period, Year
from cld.dates import parse_year as _parse_year
from cld.errors import StoreError


def parse_year(text: str) -> Year:
    """cld.dates.parse_year, failing with a StoreError."""
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
        try:
            datetime.strptime(f"{v}/2001", "%d/%m/%Y")
        except ValueError:
            raise ValueError(f"year_end_day {v!r} is not a day of the year as dd/mm, "
                             "e.g. 30/06") from None
        return v

    @field_validator("dates")
    @classmethod
    def _dates(cls, v: dict[str, str]) -> dict[str, str]:
        for key, day in v.items():
            if not re.fullmatch(r"\d{4}/\d{2} Q[1-4]", key):
                raise ValueError(f"deadline {key!r}: name a period like '2020/21 Q2'")
            try:
                datetime.strptime(day, "%d/%m/%Y")
            except ValueError:
                raise ValueError(f"deadline {key!r}: {day!r} is not a date dd/mm/yyyy") \
                    from None
        return v

    def due(self, year: Year, period: Period) -> date:
        fixed = self.dates.get(f"{year.label} {period.name}")
        if fixed:
            return datetime.strptime(fixed, "%d/%m/%Y").date()
        if period.end == year.end:
            return datetime.strptime(f"{self.year_end_day}/{year.end.year}", "%d/%m/%Y").date()
        return period.end + timedelta(weeks=self.weeks_after_period_end)
