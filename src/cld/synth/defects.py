"""Injected defects: one per chosen row, each recorded with the rule the validator raises there.

Only event-level cells are changed on people with several rows (changing one row of a
person's details would also break the person-consistency rule); NHS Number and Postcode
defects go to people with a single row. Each defect is placed so that the validator raises
its rule at that row and column (and nothing else on the row from the change):

- CLD302 `Invalid value` in an event-level list column that applies to the row
- CLD305 an impossible or ISO date in Event Start Date
- CLD306 `twelve` as the Unit Cost of a costed service
- CLD501 Event End Date the day before the start (ended event, start after the period start)
- CLD502 Event End Date ten days after the period (ended event, person alive)
- CLD401 Event Outcome blank on an ended event
- CLD402 Route of Access blank on a request
- CLD406 Review Reason blank on a review
- CLD603 Event Reference copied from the previous row (the validator flags both rows; the
  manifest names the later one, and the earlier row gets no other defect)
- CLD308 NHS Number with a wrong check digit (single-row people)
- CLD311 Postcode `ABC 123` (single-row people)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from cld.dates import ddmmyyyy
from cld.synth.events import OPEN
from cld.synth.frame import EPOCH, days
from cld.synth.identity import wrong_check_digit
from cld.synth.vocab import Vocab

if TYPE_CHECKING:
    from cld.synth.frame import SynthResult

DEFECT_KINDS = ("CLD302", "CLD305", "CLD306", "CLD501", "CLD502", "CLD401", "CLD402",
                "CLD406", "CLD603", "CLD308", "CLD311")
INVALID = "Invalid value"
BAD_DAYS = ("31/02", "30/02", "31/04", "31/06", "31/09", "31/11")
BAD_POSTCODES = ("ABC 123", "LN 12", "12345", "QQ1 1QQ1")


def _ddmmyyyy(day: int) -> str:
    return ddmmyyyy(EPOCH + timedelta(days=day))


def inject(result: SynthResult, vocab: Vocab, share: float, kinds: Iterable[str] | None,
           rng: np.random.Generator) -> None:
    """Change `share` of the rows of `result.rows` (one defect each) and fill the manifest."""
    kinds = tuple(DEFECT_KINDS if kinds is None else kinds)
    unknown = set(kinds) - set(DEFECT_KINDS)
    if unknown:
        raise ValueError(f"unknown defect kinds {sorted(unknown)}; choose from {DEFECT_KINDS}")
    if not kinds:
        return
    m = result.meta
    assert result.period is not None

    S, E = (days(d) for d in result.period)
    frame = result.rows
    n = frame.height
    et = m["event_type"]
    ended = m["end"] < OPEN
    code = vocab.code
    request = et == code("event_type", "Request")
    review = et == code("event_type", "Review")
    candidates = {
        "CLD302": np.ones(n, dtype=bool),
        "CLD305": np.ones(n, dtype=bool),
        "CLD306": m["costed"],
        "CLD501": ended & (m["start"] > S),
        "CLD502": ended & ~m["dead"],
        "CLD401": ended,
        "CLD402": request,
        "CLD406": review,
        "CLD603": np.arange(n) > 0,
        "CLD308": m["single"],
        "CLD311": m["single"],
    }
    pools = {k: rng.permutation(np.flatnonzero(candidates[k])) for k in kinds}
    pointer = dict.fromkeys(kinds, 0)
    used = np.zeros(n, dtype=bool)
    chosen: dict[str, list[int]] = {k: [] for k in kinds}

    def take(kind: str, want: int) -> int:
        got = 0
        pool = pools[kind]
        while got < want and pointer[kind] < len(pool):
            i = int(pool[pointer[kind]])
            pointer[kind] += 1
            if used[i] or (kind == "CLD603" and used[i - 1]):
                continue
            used[i] = True
            if kind == "CLD603":
                used[i - 1] = True  # the row whose reference is copied stays as it is
            chosen[kind].append(i)
            got += 1
        return got

    total = max(1, round(n * share))
    left = total
    active = list(kinds)
    while left > 0 and active:
        each, extra = divmod(left, len(active))
        for j, kind in enumerate(list(active)):
            want = each + (1 if j < extra else 0)
            got = take(kind, want)
            left -= got
            if got < want:
                active.remove(kind)

    names = {i.id: i.name for i in vocab.spec.items}
    cells: dict[str, tuple[list[int], list[str]]] = {}
    manifest: list[dict[str, Any]] = []

    def put(i: int, item: str, value: str, rule: str, note: str) -> None:
        col = names[item]
        idx, vals = cells.setdefault(col, ([], []))
        idx.append(i)
        vals.append(value)
        manifest.append({"row": i + 2, "column": col, "rule": rule, "value": value,
                         "note": note})

    costed = m["costed"]
    assessment = et == code("event_type", "Assessment")
    service = et == code("event_type", "Service")
    refs = frame[names["event_reference"]]
    nhs = frame[names["nhs_number"]]
    for i in chosen.get("CLD302", []):
        options = [c for c, ok in (("event_outcome", ended[i]), ("route_of_access", request[i]),
                                   ("assessment_type", assessment[i]),
                                   ("service_component", service[i]),
                                   ("cost_frequency", costed[i]),
                                   ("review_reason", review[i])) if ok]
        item = options[int(rng.integers(0, len(options)))]
        put(i, item, INVALID, "CLD302", f"{names[item]} not in the defined list")
    for i in chosen.get("CLD305", []):
        start = _ddmmyyyy(int(m["start"][i]))
        d, mo, y = start.split("/")
        if rng.random() < 0.5:
            value = f"{BAD_DAYS[int(rng.integers(0, len(BAD_DAYS)))]}/{y}"
            note = "a day that does not exist"
        else:
            value, note = f"{y}-{mo}-{d}", "yyyy-mm-dd instead of dd/mm/yyyy"
        put(i, "event_start", value, "CLD305", note)
    for i in chosen.get("CLD306", []):
        put(i, "unit_cost", "twelve", "CLD306", "text instead of a number")
    for i in chosen.get("CLD501", []):
        put(i, "event_end", _ddmmyyyy(int(m["start"][i]) - 1), "CLD501",
            "end date the day before the start")
    for i in chosen.get("CLD502", []):
        put(i, "event_end", _ddmmyyyy(E + 10), "CLD502", "end date after the period")
    for i in chosen.get("CLD401", []):
        put(i, "event_outcome", "", "CLD401", "outcome blank on an ended event")
    for i in chosen.get("CLD402", []):
        put(i, "route_of_access", "", "CLD402", "route of access blank on a request")
    for i in chosen.get("CLD406", []):
        put(i, "review_reason", "", "CLD406", "review reason blank on a review")
    for i in chosen.get("CLD603", []):
        put(i, "event_reference", refs[i - 1], "CLD603",
            f"same Event Reference as row {i + 1} (both rows are flagged)")
    for i in chosen.get("CLD308", []):
        put(i, "nhs_number", wrong_check_digit(nhs[i], rng), "CLD308",
            "wrong check digit (person with one row)")
    for i in chosen.get("CLD311", []):
        put(i, "postcode", BAD_POSTCODES[int(rng.integers(0, len(BAD_POSTCODES)))], "CLD311",
            "not a UK postcode (person with one row)")

    changed = []
    for col, (idx, vals) in cells.items():
        s = frame[col].clone()
        s.scatter(idx, pl.Series(vals, dtype=pl.String))
        changed.append(s)
    result.rows = frame.with_columns(changed)
    result.manifest = sorted(manifest, key=lambda r: r["row"])
