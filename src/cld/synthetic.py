"""Synthetic CLD submissions: realistic people and pathways, optional injected defects.

No real person's data: names come from Faker pools, NHS numbers from the 999 test range (valid
check digit), postcodes are random inward codes on real-looking outward codes. Pathways follow
the guidance: request -> assessment -> services -> reviews, reablement (ST-Max), long term
community support with delivery mechanisms and planned costs, residential and nursing care that
started years before the period, direct payments, deaths in the period, requests closed with
information and advice. Each injected defect is recorded in a manifest (row, column, rule).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from cld.spec import load_register, load_spec

D = timedelta
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
OUTWARD = ["LN1", "LN2", "LN4", "LN6", "NG31", "NG34", "PE10", "PE11", "PE21", "PE25", "DN21"]
DEFECT_KINDS = ("CLD302", "CLD305", "CLD306", "CLD501", "CLD502", "CLD401", "CLD402",
                "CLD406", "CLD603", "CLD308", "CLD311")


@dataclass
class SynthResult:
    rows: pl.DataFrame  # one column per spec item, in template order; "" for blank
    manifest: list[dict[str, Any]] = field(default_factory=list)


def nhs_check_digit(nine: str) -> int | None:
    """The modulus 11 check digit of nine digits, or None when no valid number exists."""
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return None if check == 10 else 0 if check == 11 else check


def synthetic_nhs_numbers(start: int = 0) -> Iterator[str]:
    """Distinct valid NHS numbers from the 999 (test, never issued) range."""
    for k in range(start, start + 10**6):
        nine = "999" + f"{k % 10**6:06d}"
        check = nhs_check_digit(nine)
        if check is not None and len(set(nine + str(check))) > 1:
            yield nine + str(check)


def _ddmmyyyy(d: date | None) -> str:
    return "" if d is None else d.strftime("%d/%m/%Y")


class _Builder:
    def __init__(self, la_code: str, start: date, end: date, seed: int) -> None:
        from faker import Faker

        self.spec = load_spec()
        self.names = [i.name for i in self.spec.items]
        self.lists = {k: v.canonical for k, v in self.spec.lists.items()}
        self.rng = random.Random(seed)
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.first = {"Female": [fake.first_name_female() for _ in range(400)],
                      "Male": [fake.first_name_male() for _ in range(400)]}
        self.last = [fake.last_name() for _ in range(1500)]
        la = load_register()[la_code]
        self.sub = {"LA Code": la.code, "LA Name": la.name,
                    "Reporting Year": f"{start.year}/{(start.year + 1) % 100:02d}",
                    "Reporting Period Start Date": _ddmmyyyy(start),
                    "Reporting Period End Date": _ddmmyyyy(end)}
        self.start, self.end = start, end
        self.rows: list[dict[str, str]] = []
        self.single_rows: list[int] = []  # rows of people with one event only
        self.ref = 0
        self.nhs = synthetic_nhs_numbers(self.rng.randrange(10**6))

    def pick(self, list_id: str, weights: list[float] | None = None) -> str:
        values = self.lists[list_id]
        if weights is None:
            return self.rng.choice(values)
        return self.rng.choices(values, weights=weights + [1] * (len(values) - len(weights)))[0]

    def day(self, lo: date, hi: date) -> date:
        return lo + D(days=self.rng.randint(0, max(0, (hi - lo).days)))

    def person(self, n: int, kind: str) -> dict[str, str]:
        rng = self.rng
        gender = rng.choices(["Female", "Male", "Not known"], [55, 44, 1])[0]
        ld = kind == "ld"
        age = rng.randint(22, 64) if ld or rng.random() < 0.3 else rng.randint(65, 100)
        dob = self.start - D(days=int(age * 365.25) + rng.randint(0, 364))
        psr = ("Learning Disability Support" if ld else
               self.pick("primary_support_reason", [0, 30, 3, 2, 1, 12, 0, 8, 2, 0, 4, 2]))
        p = {
            "Person Unique Identifier": f"P{n:07d}",
            "NHS Number": next(self.nhs),
            "First Name": rng.choice(self.first["Male" if gender == "Male" else "Female"]),
            "Last Name": rng.choice(self.last),
            "GP Practice Name": f"Synthetic Practice {rng.randint(1, 80)}",
            "GP Practice Code": f"Y{rng.randint(10000, 99999)}",
            "Gender": gender,
            "Ethnicity": self.pick("ethnicity", [80, 2, 1, 4, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1,
                                                 1, 1, 1, 1, 2]),
            "Date of Birth": _ddmmyyyy(dob),
            "Date of Death": "",
            "Primary Support Reason": psr,
            "Postcode": f"{rng.choice(OUTWARD)} {rng.randint(1, 9)}"
                        f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}",
            "Accommodation Status": "",
            "Employment Status": "",
            "Has Informal Carer": self.pick("yes_no_unknown", [45, 45, 10]),
            "Autism Spectrum Disorder (ASD)": self.pick("yes_no_unknown", [3, 80, 17]),
            "Visual Impairment": self.pick("visual_impairment", [2, 5, 80, 13]),
            "Hearing Impairment": self.pick("hearing_impairment", [1, 1, 8, 75, 15]),
            "Dementia": self.pick("yes_no_unknown", [15, 70, 15]),
        }
        if ld or rng.random() < 0.3:
            p["Accommodation Status"] = self.pick("accommodation_status",
                                                  [20, 25, 10, 30, 10, 3, 0, 5])
            p["Employment Status"] = self.pick("employment_status", [5, 3, 5, 60, 5, 22])
        return p

    def event(self, person: dict[str, str], etype: str, start: date, end: date | None,
              outcome: str = "", **items: str) -> None:
        self.ref += 1
        row = dict.fromkeys(self.names, "")
        row.update(self.sub)
        row.update(person)
        row.update({"Event Type": etype, "Event Reference": f"EV{self.ref:08d}",
                    "Event Start Date": _ddmmyyyy(start), "Event End Date": _ddmmyyyy(end),
                    "Event Outcome": outcome if end is not None else ""})
        row.update(items)
        self.rows.append(row)

    def close(self, end: date) -> date | None:
        """An end date, or None when it would fall after the period (still open)."""
        return None if end > self.end else end

    # --- pathways -----------------------------------------------------------------------
    def request(self, p: dict[str, str], t0: date, outcome: str) -> date:
        end = t0 + D(days=self.rng.choice([0, 0, 0, 1, 2, 5]))
        end = min(end, self.end)
        route = self.pick("route_of_access", [10, 25, 10, 50, 1, 2, 1, 3, 2])
        self.event(p, "Request", t0, end, outcome, **{"Request: Route of Access": route})
        return end

    def assessment(self, p: dict[str, str], t0: date, long_term: bool,
                   outcome: str) -> date | None:
        end = self.close(t0 + D(days=self.rng.randint(1, 28)))
        items = {"Assessment Type": "Long Term Assessment" if long_term else
                 "Short Term Assessment",
                 "Informal Carer involved in Assessment": self.pick("carer_involved",
                                                                    [40, 40, 20])}
        if long_term:
            items["Eligible Needs Identified"] = "Eligible needs identified"
        self.event(p, "Assessment", t0, end, outcome, **items)
        return end

    def service(self, p: dict[str, str], t0: date, end: date | None, stype: str, comp: str,
                mech: str = "", cost: tuple[str, str, str] | None = None,
                outcome: str = "Service ended as planned") -> None:
        items = {"Service Type": stype, "Service Component": comp,
                 "Delivery Mechanism (Long Term Community or Prison Only)": mech}
        if self.rng.random() < 0.4 and stype.startswith("Long Term Support: ") and \
                comp != "Direct Payment":
            items["Provider CQC ID"] = f"1-{self.rng.randint(10**8, 10**10 - 1)}"
            items["Provider Location Name"] = f"Synthetic Care Provider {self.rng.randint(1, 300)}"
        if cost is not None:
            unit, freq, units = cost
            items.update({"Unit Cost (£)": unit, "Cost Frequency (Unit Type)": freq,
                          "Planned units per week": units,
                          "Full cost client": self.rng.choices(["No", "Yes"], [95, 5])[0]})
        self.event(p, "Service", t0, end, outcome, **items)

    def review(self, p: dict[str, str], t0: date, planned: bool = True) -> None:
        reason = "Planned" if planned else self.pick("review_reason", [0, 4, 2, 2, 3, 1, 1])
        self.event(p, "Review", t0, t0,
                   self.rng.choices(["No change in package", "NFA - Support declined"],
                                    [92, 8])[0],
            **{"Review Reason": reason,
               "Review Outcomes Achieved": self.pick("review_outcomes", [60, 30, 10])})

    def pathway(self, n: int) -> None:
        rng = self.rng
        kind = rng.choices(["reablement", "community", "residential", "dp", "advice", "ld"],
                           [30, 22, 20, 10, 13, 5])[0]
        p = self.person(n, kind)
        first = len(self.rows)
        S, E = self.start, self.end
        if kind == "advice":
            t0 = self.day(S, E)
            self.request(p, t0, "NFA - Information & Advice / Signposting only")
        elif kind == "reablement":
            t0 = self.day(S, E - D(days=20))
            r_end = self.request(p, t0, "Progress to Assessment / Unplanned Review")
            a_end = self.assessment(p, min(r_end + D(days=rng.randint(0, 3)), E), False,
                                    "Progress to Reablement/ST-Max")
            if a_end is not None and a_end < E:
                s0 = min(a_end + D(days=rng.randint(0, 2)), E)
                self.service(p, s0, self.close(s0 + D(days=rng.randint(7, 42))),
                             "Short Term Support: ST-Max", "Reablement")
        elif kind in ("community", "ld"):
            t0 = self.day(S - D(days=400) if kind == "ld" else S, E - D(days=30))
            if t0 >= S:
                r_end = self.request(p, t0, "Progress to Assessment / Unplanned Review")
                a_end = self.assessment(p, min(r_end + D(days=rng.randint(0, 5)), E), True,
                                        "Progress to Support Planning / Services")
                s0 = (a_end or E) + D(days=1)
            else:
                s0 = t0
            if s0 <= E:
                mech = self.pick("delivery_mechanism", [0, 60, 40, 0, 0])
                cost = None
                if mech != "Community: CASSR Commissioned Support":
                    cost = (f"{rng.uniform(17, 26):.2f}", "Hourly", f"{rng.randint(4, 28)}.00")
                self.service(p, s0, None, "Long Term Support: Community",
                             "Home Support" if kind == "community" else
                             "Community Supported Living", mech, cost)
                rv = max(s0 + D(days=42), self.day(S, E))
                if rv <= E:
                    self.review(p, rv)
        elif kind == "residential":
            nursing = rng.random() < 0.35
            s0 = S - D(days=rng.randint(30, 1200))
            died = rng.random() < 0.12
            dod = self.day(S + D(days=5), E) if died else None
            rv = self.day(S, E)
            if dod is None or rv < dod:
                self.review(p, rv)
            weekly = f"{rng.uniform(620, 1100 if nursing else 900):.2f}"
            self.service(p, s0, dod, "Long Term Support: Nursing Care" if nursing else
                         "Long Term Support: Residential Care",
                         "Long Term Nursing Care" if nursing else "Long Term Residential Care",
                         cost=(weekly, "Weekly", ""), outcome="NFA - Deceased")
            if dod is not None:
                p["Date of Death"] = _ddmmyyyy(dod)
                for r in self.rows[first:]:
                    r["Date of Death"] = p["Date of Death"]
            p["Postcode"] = f"{rng.choice(OUTWARD)} {rng.randint(1, 9)}QZ"
            for r in self.rows[first:]:
                r["Postcode"] = p["Postcode"]
        else:  # direct payment, started before the period
            s0 = S - D(days=rng.randint(60, 900))
            self.service(p, s0, None, "Long Term Support: Community", "Direct Payment",
                         "Community: Direct Payment",
                         (f"{rng.uniform(150, 420):.2f}", "Weekly", ""))
            self.review(p, self.day(S, E), planned=rng.random() < 0.8)
        if len(self.rows) - first == 1:
            self.single_rows.append(first)


def generate(la_code: str, period_start: date, period_end: date, people: int, seed: int = 0,
             defects: float = 0.0, defect_kinds: tuple[str, ...] = DEFECT_KINDS
             ) -> SynthResult:
    """A synthetic submission for one LA and period; `defects` is the share of rows given one
    injected defect, each recorded in the manifest."""
    b = _Builder(la_code, period_start, period_end, seed)
    for n in range(1, people + 1):
        b.pathway(n)
    manifest = _inject(b, defects, defect_kinds) if defects > 0 else []
    frame = pl.DataFrame({name: [r[name] for r in b.rows] for name in b.names},
                         schema=dict.fromkeys(b.names, pl.String))
    return SynthResult(frame, manifest)


def _inject(b: _Builder, share: float, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    rng = random.Random(b.rng.random())
    rows = b.rows
    wanted = int(len(rows) * share)
    order = list(range(len(rows)))
    rng.shuffle(order)
    used: set[int] = set()
    manifest: list[dict[str, Any]] = []
    singles = set(b.single_rows)
    S, E = b.start, b.end

    def parse(s: str) -> date:
        d, m, y = s.split("/")
        return date(int(y), int(m), int(d))

    def apply(i: int, kind: str) -> tuple[str, str] | None:
        r = rows[i]
        et, ended = r["Event Type"], bool(r["Event End Date"])
        if kind == "CLD302" and ended:
            return "Event Outcome", "Invalid value"
        if kind == "CLD305":
            return "Event Start Date", rng.choice(["31/02/2021", "2021-04-05", "13/13/2020"])
        if kind == "CLD306" and r["Unit Cost (£)"]:
            return "Unit Cost (£)", "twelve"
        if kind == "CLD501" and ended and parse(r["Event Start Date"]) > S + D(days=1) \
                and not r["Date of Death"]:
            return "Event End Date", _ddmmyyyy(parse(r["Event Start Date"]) - D(days=1))
        if kind == "CLD502" and ended and not r["Date of Death"]:
            return "Event End Date", _ddmmyyyy(E + D(days=10))
        if kind == "CLD401" and ended:
            return "Event Outcome", ""
        if kind == "CLD402" and et == "Request":
            return "Request: Route of Access", ""
        if kind == "CLD406" and et == "Review":
            return "Review Reason", ""
        if kind == "CLD603" and i > 0 and i - 1 not in used:
            return "Event Reference", rows[i - 1]["Event Reference"]
        if kind == "CLD308" and i in singles:
            n = r["NHS Number"]
            return "NHS Number", n[:9] + str((int(n[9]) + 1) % 10)
        if kind == "CLD311" and i in singles:
            return "Postcode", "ABC 123"
        return None

    quota = max(1, wanted // len(kinds)) if wanted else 0
    for kind in kinds:
        placed = 0
        for i in order:
            if placed >= quota or len(manifest) >= wanted:
                break
            if i in used or i - 1 in used or i + 1 in used:
                continue
            hit = apply(i, kind)
            if hit is not None:
                column, value = hit
                rows[i][column] = value
                used.add(i)
                manifest.append({"row": i + 2, "column": column, "rule": kind, "value": value})
                placed += 1
    return sorted(manifest, key=lambda m: m["row"])


def write_submission(result: SynthResult, path: Path, fmt: str = "csv",
                     encoding: str = "utf-8") -> None:
    """Write as CSV (utf-8, utf-8-sig or cp1252, CRLF) or XLSX."""
    if fmt == "xlsx":
        result.rows.write_excel(path, worksheet="CLD Submission", autofit=False)
        return
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}")
    if encoding == "utf-8":
        result.rows.write_csv(path, line_terminator="\r\n")
        return
    text = result.rows.write_csv(line_terminator="\r\n")
    Path(path).write_bytes(text.encode("cp1252" if encoding == "cp1252" else "utf-8-sig"))


def write_manifest(result: SynthResult, path: Path) -> None:
    Path(path).write_text(json.dumps(result.manifest, indent=1), encoding="utf-8")
