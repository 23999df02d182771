"""A tiny hand-made valid submission and helpers for rule tests (synthetic people only).

Person P1 has four events (rows 2-5): a request, an assessment, an ongoing long term
community service and a review. It validates with no issues at all."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from cld.spec import load_spec

BASE = {
    "LA Code": "503", "LA Name": "Lincolnshire", "Reporting Year": "2020/21",
    "Reporting Period Start Date": "01/04/2020", "Reporting Period End Date": "31/03/2021",
    "Person Unique Identifier": "P1", "NHS Number": "9434765919", "First Name": "Alex",
    "Last Name": "Testperson", "GP Practice Name": "", "GP Practice Code": "",
    "Gender": "Female", "Ethnicity": "White Irish", "Date of Birth": "15/06/1940",
    "Date of Death": "", "Primary Support Reason": "Physical Support: Personal care support",
    "Postcode": "LN1 1AA", "Accommodation Status": "", "Employment Status": "",
    "Has Informal Carer": "Yes", "Autism Spectrum Disorder (ASD)": "", "Visual Impairment": "",
    "Hearing Impairment": "", "Dementia": "No",
}

EVENTS = [
    {"Event Type": "Request", "Event Reference": "E1", "Event Start Date": "02/05/2020",
     "Event End Date": "02/05/2020", "Event Outcome": "Progress to Assessment / Unplanned Review",
     "Request: Route of Access": "Community / Other route"},
    {"Event Type": "Assessment", "Event Reference": "E2", "Event Start Date": "03/05/2020",
     "Event End Date": "10/05/2020", "Event Outcome": "Progress to Support Planning / Services",
     "Assessment Type": "Long Term Assessment", "Eligible Needs Identified":
     "Eligible needs identified"},
    {"Event Type": "Service", "Event Reference": "E3", "Event Start Date": "11/05/2020",
     "Event End Date": "", "Service Type": "Long Term Support: Community",
     "Service Component": "Home Support",
     "Delivery Mechanism (Long Term Community or Prison Only)":
     "Community: CASSR Managed Personal Budget", "Unit Cost (£)": "18.50",
     "Cost Frequency (Unit Type)": "Hourly", "Planned units per week": "10.00",
     "Full cost client": "No"},
    {"Event Type": "Review", "Event Reference": "E4", "Event Start Date": "01/02/2021",
     "Event End Date": "01/02/2021", "Event Outcome": "No change in package",
     "Review Reason": "Planned", "Review Outcomes Achieved": "Fully Met"},
]


def rows(overrides: list[dict[str, str]] | None = None) -> list[dict[str, str]]:
    """The four events of person P1, with optional per-row overrides."""
    names = [i.name for i in load_spec().items]
    out = []
    for n, ev in enumerate(EVENTS):
        r = dict.fromkeys(names, "")
        r.update(BASE)
        r.update(ev)
        if overrides and n < len(overrides):
            r.update(overrides[n])
        out.append(r)
    return out


def write(path: Path, data: list[dict[str, str]], encoding: str = "utf-8",
          header: list[str] | None = None) -> Path:
    names = header or list(data[0].keys())
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(names)
    for r in data:
        w.writerow([r.get(n, "") for n in (header and list(data[0].keys()) or names)])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def issues_for(tmp: Path, overrides: list[dict[str, str]] | None = None,
               extra_rows: list[dict[str, str]] | None = None, **kwargs: Any) -> list[dict]:
    """Validate the sample (with overrides) and return the issue records as dicts.

    `period_start`/`period_end` may be given as dd/mm/yyyy text, as a user types them."""
    from cld.dates import parse_ddmmyyyy
    from cld.validation.engine import validate

    for key in ("period_start", "period_end"):
        if isinstance(kwargs.get(key), str):
            kwargs[key] = parse_ddmmyyyy(kwargs[key])
    data = rows(overrides) + [dict(rows()[0], **r) for r in (extra_rows or [])]
    result = validate(write(tmp / "case.csv", data), **kwargs)
    return result.issues.to_pylist()


def at(issues: list[dict], rule: str) -> set[tuple[int | None, str | None]]:
    """(row, column) of every issue of one rule."""
    return {(i["row"], i["column"]) for i in issues if i["rule"] == rule}
