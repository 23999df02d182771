"""Data quality side by side: each LA's completeness and validity per field, from the stored
validation result of the submission that counts for it (its latest accepted version), with
its region's and England's figures (England: every LA with data).

Region and England figures are pooled: the filled, invalid and total cells of their LAs
added up, so a large LA weighs more than a small one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from cld.errors import StoreDamaged
from cld.store.core import Store
from cld.store.results import load_field_stats
from cld.validation.result import FieldStat


@dataclass(frozen=True)
class QualityRow:
    name: str  # "503 Lincolnshire", "GEM", "England"
    kind: str  # la / region / england
    las: int  # how many LAs' data it holds
    rows: int
    filled: int
    invalid: int
    code: str = ""  # the LA's code (kind "la")

    @property
    def completeness(self) -> float | None:
        return None if self.rows == 0 else self.filled / self.rows

    @property
    def validity(self) -> float | None:
        return None if self.filled == 0 else (self.filled - self.invalid) / self.filled


@dataclass(frozen=True)
class Comparison:
    year: str
    field: str
    fields: list[str]  # every field of the results, in the specification's order
    rows: list[QualityRow]  # the LAs asked for, then their regions, then England


@dataclass(frozen=True)
class LaStats:
    code: str
    name: str
    region: str
    stats: dict[str, FieldStat]  # by field


def latest_stats(store: Store, year: str) -> list[LaStats]:
    """Every LA with an accepted submission for `year`: the field statistics of the one that
    counts (a submission kept without them, e.g. an unreadable file, is left out)."""
    from cld.store.dataset import counting

    out = []
    for sub in counting(store, year):
        try:
            stats = load_field_stats(store.path(sub.folder))
        except (OSError, ValueError) as exc:
            raise StoreDamaged(f"the stored result of submission {sub.pk} cannot be read "
                               f"({exc})") from None
        if stats:
            out.append(LaStats(sub.la_id, sub.la.name, sub.la.dscro,
                               {f.column: f for f in stats}))
    return out


def pooled(name: str, kind: str, field: str, las: Iterable[LaStats], code: str = ""
           ) -> QualityRow:
    """One field's cells of `las` added up."""
    stats = [la.stats[field] for la in las if field in la.stats]
    return QualityRow(name, kind, len(stats), sum(f.rows for f in stats),
                      sum(f.filled for f in stats), sum(f.invalid for f in stats), code)


def compare(all_las: list[LaStats], field: str, seen: Collection[str] | None,
            year: str = "") -> Comparison:
    """`field` for the LAs `seen` (None: all), their regions and England, from
    `latest_stats`. No field, or an unknown one: the one England fills in least well."""
    fields: list[str] = []
    for la in all_las:
        fields += [f for f in la.stats if f not in fields]
    if field not in fields:
        def score(f: str) -> tuple[float, float]:
            row = pooled("", "", f, all_las)
            return (1.0 if row.completeness is None else row.completeness,
                    1.0 if row.validity is None else row.validity)
        field = min(fields, key=score) if fields else ""
    mine = [la for la in all_las if seen is None or la.code in seen]
    rows = [pooled(f"{la.code} {la.name}", "la", field, [la], la.code) for la in mine]
    for region in sorted({la.region for la in mine}):
        rows.append(pooled(region or "No region", "region", field,
                           [la for la in all_las if la.region == region]))
    if all_las:
        rows.append(pooled("England", "england", field, all_las))
    return Comparison(year, field, fields, rows)
