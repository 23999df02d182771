"""Last touches to generated events so that a clean file keeps the cross-row rules.

- A person's assessments after the first are reviews (guidance: an assessment is the first
  assessment of a new client; every later one, re-assessments included, is a review).
- Events repeating another's key (person, event type, start date and the type-specific key
  fields of the specification) are dropped: the first is kept.
"""

from __future__ import annotations

import numpy as np

from cld.synth.events import LIST_ITEMS
from cld.synth.vocab import Vocab

ASSESSMENT_ITEMS = ("assessment_type", "eligible_needs", "carer_in_assessment")
REVIEW_REASON = "Unplanned - Other Reason"
# The review outcomes have no 'new package' value: a re-assessment that leads to services
# is recorded as a review with no change in package.
REVIEW_FALLBACK = "No change in package"


def later_assessments_as_reviews(ev: dict[str, np.ndarray], vocab: Vocab) -> None:
    """Events sorted by person, then start, then pathway order (changed in place)."""
    code = vocab.code
    assessment = ev["event_type"] == code("event_type", "Assessment")
    idx = np.flatnonzero(assessment)
    later = idx[1:][ev["pid"][idx[1:]] == ev["pid"][idx[:-1]]]
    if not len(later):
        return
    ev["event_type"][later] = code("event_type", "Review")
    for item in ASSESSMENT_ITEMS:
        ev[item][later] = -1
    ev["review_reason"][later] = code("review_reason", REVIEW_REASON)
    out = ev["event_outcome"][later]
    allowed = np.array(sorted(vocab.allowed["Review"]), dtype=np.int64)
    ev["event_outcome"][later] = np.where((out < 0) | np.isin(out, allowed), out,
                                          vocab.outcome("Review", REVIEW_FALLBACK))


def drop_repeated_keys(ev: dict[str, np.ndarray], vocab: Vocab) -> dict[str, np.ndarray]:
    """Keep the first event of each key (events sorted by person, then start)."""
    key_fields = vocab.spec.event_key_fields()
    cols = [ev["pid"], ev["event_type"], ev["start"]]
    for item in sorted({f for fs in key_fields.values() for f in fs}):
        if item not in LIST_ITEMS:
            raise ValueError(f"event key field {item} is not generated")
        applies = np.isin(ev["event_type"], vocab.codes("event_type", [
            et for et, fs in key_fields.items() if item in fs]))
        cols.append(np.where(applies, ev[item], -1))
    keys = np.stack(cols, axis=1)
    _, first = np.unique(keys, axis=0, return_index=True)
    keep = np.sort(first)
    if len(keep) == len(ev["pid"]):
        return ev
    return {k: a[keep] for k, a in ev.items()}
