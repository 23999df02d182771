"""The tracker: every LA in the register, its latest submission per quarter, lateness."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cld.dates import local_day
from cld.store.core import Store
from cld.store.years import parse_year


@dataclass
class PeriodState:
    period: str  # Q1..Q4
    due: str  # dd/mm/yyyy
    state: str  # accepted / rejected / not submitted / not due
    late: bool  # no accepted version by the deadline
    version: int | None = None
    errors: int | None = None
    received: str | None = None
    covered_by: int | None = None  # a later accepted version (cumulative: it holds this too)

    @property
    def text(self) -> str:
        if self.version is None:
            text = "late: not submitted" if self.late else f"due {self.due}"
            return text + (f"; covered by v{self.covered_by}" if self.covered_by else "")
        errs = f", {self.errors:,} errors" if self.state == "accepted" else ""
        return f"v{self.version} {self.state}{errs}" + (" (late)" if self.late else "")


@dataclass
class LaStatus:
    la_code: str
    la_name: str
    dscro_region: str
    latest: str  # summary of the latest submission of the year
    periods: list[PeriodState] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["periods"] = [asdict(p) | {"text": p.text} for p in self.periods]
        return d

    def as_row(self) -> dict[str, Any]:
        row = {"la_code": self.la_code, "la_name": self.la_name,
               "dscro_region": self.dscro_region, "latest": self.latest}
        row.update({p.period: p.text for p in self.periods})
        return row


def tracker(store: Store, year: str, today: date | None = None) -> list[LaStatus]:
    """One row per LA in the register (submitted or not) for `year`."""
    from cld.store.models import LocalAuthority, Submission

    y = parse_year(year)
    today = today or local_day(datetime.now(UTC))
    deadlines = store.settings.deadlines
    subs: dict[str, list[Any]] = {}
    for s in (Submission.objects.using(store.alias).filter(year__label=y.label)
              .order_by("la_id", "version")):
        subs.setdefault(s.la_id, []).append(s)
    out = []
    from cld.spec.register import register_for

    codes = set(register_for(y.label)) | set(subs)  # the year's LAs, and any that submitted
    for la in LocalAuthority.objects.using(store.alias).filter(code__in=codes).order_by("code"):
        mine = subs.get(la.code, [])
        periods = []
        for p in y.quarters():
            due = deadlines.due(y, p)
            inside = [s for s in mine if s.stated_end and y.quarter_of(s.stated_end) == p.name]
            ok = [s for s in inside if s.status == "accepted"]
            if inside:
                # shown: the latest version; late: no accepted version by the deadline
                s = inside[-1]
                first_ok = local_day(ok[0].received_at) if ok else None
                late = first_ok > due if first_ok else today > due
                periods.append(PeriodState(p.name, f"{due:%d/%m/%Y}", s.status, late,
                                           s.version, s.errors,
                                           f"{local_day(s.received_at):%d/%m/%Y}"))
            else:
                state = "not submitted" if today >= p.end else "not due"
                later = [s for s in mine if s.status == "accepted" and s.stated_end
                         and s.stated_end > p.end]
                periods.append(PeriodState(p.name, f"{due:%d/%m/%Y}", state, today > due,
                                           covered_by=later[0].version if later else None))
        if mine:
            last = mine[-1]
            latest = (f"v{last.version} {last.status} {local_day(last.received_at):%d/%m/%Y}"
                      + (f" (to {last.stated_end:%d/%m/%Y})" if last.stated_end else ""))
        else:
            latest = "not submitted"
        out.append(LaStatus(la.code, la.name, la.dscro, latest, periods))
    return out
