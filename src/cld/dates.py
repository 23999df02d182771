"""Dates: dd/mm/yyyy text, financial years (2020/21 = 1 April 2020 to 31 March 2021) and their
quarters, and days in England. The one place where dates change form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")  # days (deadlines, "as of" dates) are English days


def parse_ddmmyyyy(text: str) -> date:
    """Parse a date typed as dd/mm/yyyy. Raises ValueError with a plain message."""
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"'{text}' is not a date in dd/mm/yyyy") from None


def ddmmyyyy(day: date | None, missing: str = "") -> str:
    """A date as dd/mm/yyyy (`missing` for None)."""
    return day.strftime("%d/%m/%Y") if day else missing


def local_day(moment: datetime) -> date:
    """The day in England of a UTC moment."""
    return moment.astimezone(LONDON).date()


def end_of_day(day: date) -> datetime:
    """The last microsecond of `day` in England, as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time(), LONDON) - timedelta(microseconds=1)


@dataclass(frozen=True)
class Period:
    name: str  # Q1..Q4
    start: date
    end: date


@dataclass(frozen=True)
class Year:
    label: str  # 2020/21
    start: date
    end: date

    @property
    def slug(self) -> str:  # for folder and file names
        return self.label.replace("/", "-")

    def quarters(self) -> list[Period]:
        """Q1..Q4, each cumulative from 1 April to its quarter end."""
        ends = [date(self.start.year, 6, 30), date(self.start.year, 9, 30),
                date(self.start.year, 12, 31), self.end]
        return [Period(f"Q{n}", self.start, end) for n, end in enumerate(ends, start=1)]

    def quarter_of(self, day: date) -> str | None:
        """The quarter whose three months hold `day` (None outside the year)."""
        if not self.start <= day <= self.end:
            return None
        return f"Q{(day.month - 4) % 12 // 3 + 1}"


def parse_year(text: str) -> Year:
    """'2020/21' (or '2020/2021') -> Year. Raises ValueError with a plain message."""
    m = re.fullmatch(r"\s*(\d{4})\s*/\s*(\d{2}|\d{4})\s*", text or "")
    if not m:
        raise ValueError(f"{text!r} is not a financial year like 2020/21")
    first = int(m.group(1))
    if int(m.group(2)) != (first + 1) % (100 if len(m.group(2)) == 2 else 10_000):
        raise ValueError(f"{text!r} is not a financial year like 2020/21 (the second year "
                         "must follow the first)")
    if not 2000 <= first <= 2099:
        raise ValueError(f"{text!r} is outside 2000/01 to 2099/00")
    return Year(f"{first}/{(first + 1) % 100:02d}", date(first, 4, 1), date(first + 1, 3, 31))
