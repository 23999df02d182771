import datetime as dt
import logging

import ibis
import pyarrow as pa
import pytest

from cld.engines import connect
from cld.privacy.schema import REQUEST_SCHEMA
from cld.privacy.tracing import trace
from cld.privacy.tracing.config import load_config
from cld.privacy.tracing.probabilistic import TooManyComparisons, settings
from cld.privacy.tracing.test_trace import register

# Bob Jones with day and month swapped and a one-letter typo: only the algorithmic step finds
# him (cross-check: no number; alphanumeric: date of birth differs).
REQ = pa.table({"la_code": ["503"], "submission_id": [1], "person_id": ["P1"],
                "nhs_number": [None], "first_name": ["Bobb"], "last_name": ["Jones"],
                "gender": ["Male"], "date_of_birth": [dt.date(1960, 6, 5)],
                "postcode": ["M1 1AA"], "gp_practice_code": [None]}, schema=REQUEST_SCHEMA)


def test_settings_carry_the_configured_levels():
    cfg = load_config().probabilistic
    s = settings(cfg)
    dob = next(c for c in s["comparisons"] if c["output_column_name"] == "dob")
    assert [lv["label_for_charts"] for lv in dob["comparison_levels"]] == [
        "null", "exact", "swapped", "one_edit", "year_month", "other"]
    assert dob["comparison_levels"][2]["m_probability"] == cfg.comparisons["dob"]["swapped"][0]
    assert s["probability_two_random_records_match"] == cfg.prior
    assert len(s["blocking_rules_to_generate_predictions"]) == len(cfg.blocking_rules)


def test_found_and_pairs_counted_per_rule():
    out = trace(connect(), ibis.memtable(REQ), register())
    r = out.results.to_pylist()[0]
    assert (r["traced_nhs_number"], r["match_type"], r["action"]) == ("9000000017", 4, "added")
    per_rule = out.stats["blocking_comparisons_per_rule"]
    assert len(per_rule) == len(load_config().probabilistic.blocking_rules)
    # only "l.dob_swap = r.dob AND family" and "dob & sex & outward"-like rules can pair him;
    # the register has one Jones: at most one pair in all
    assert out.stats["blocking_comparisons"] == sum(per_rule.values()) == 1


def test_refused_above_max_comparisons():
    cfg = load_config()
    # no equality: every current record (6) is paired with the request
    tight = cfg.model_copy(update={"probabilistic": cfg.probabilistic.model_copy(
        update={"max_comparisons": 0 + 1, "blocking_rules": ("l.postcode IS NOT NULL",)})})
    with pytest.raises(TooManyComparisons, match="would score 6 pairs"):
        trace(connect(), ibis.memtable(REQ), register(), config=tight)


def test_no_identifier_in_logs(caplog):
    caplog.set_level(logging.DEBUG)
    trace(connect(), ibis.memtable(REQ), register())
    text = caplog.text.upper()
    for value in ("9000000017", "JONES", "BOBB", "M1 1AA", "1960"):
        assert value not in text
