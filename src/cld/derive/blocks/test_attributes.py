import ibis

from cld.derive.blocks.attributes import AttributeRule, Resolution, resolve
from cld.derive.testing import events, rows

PSRS = ["Mental Health Support", "Learning Disability Support", "PSR Not Known"]
RULE = AttributeRule(lower={"PSR Not Known": 1}, conflict="Unknown", invalid="Invalid/NULL",
                     rename={"PSR Not Known": "Unknown"})
NHSE = Resolution(order=("top_rank", "known", "latest_start"),
                  attributes={"primary_support_reason": RULE})
DHSC = Resolution(order=("known", "latest_end", "latest_start"),
                  attributes={"primary_support_reason": RULE})


def _t(data):
    t = events([{"event_type": "Service", **{k: v for k, v in r.items() if k != "rank"}}
                for r in data])
    ranks = [r["rank"] for r in data]
    t = t.mutate(person_key=t.person_id, end_derived=t.event_end,
                 lt_rank=ibis.cases(*((t._row == n + 1, k) for n, k in enumerate(ranks))))
    return t


def _get(data, res):
    return rows(resolve(_t(data), "primary_support_reason", res, PSRS),
                "person_key", "primary_support_reason")


def test_nhse_top_rank_first_dhsc_latest_start_first():
    data = [{"rank": 1, "event_start": "01/01/2023", "primary_support_reason": PSRS[0]},
            {"rank": 3, "event_start": "01/02/2023", "primary_support_reason": PSRS[1]}]
    assert _get(data, NHSE) == [("P1", PSRS[0])]  # the nursing row's PSR
    assert _get(data, DHSC) == [("P1", PSRS[1])]  # both open: the later start


def test_known_over_unknown_before_latest_start():
    data = [{"rank": 3, "event_start": "01/01/2023", "primary_support_reason": PSRS[0]},
            {"rank": 3, "event_start": "01/02/2023", "primary_support_reason": "PSR Not Known"}]
    assert _get(data, NHSE) == _get(data, DHSC) == [("P1", PSRS[0])]


def test_only_unknown_is_renamed_and_blank_is_invalid_label():
    assert _get([{"rank": 3, "event_start": "01/01/2023",
                  "primary_support_reason": "PSR Not Known"}], NHSE) == [("P1", "Unknown")]
    data = [{"rank": 3, "event_start": "01/01/2023", "primary_support_reason": None},
            {"rank": 3, "event_start": "01/01/2023", "primary_support_reason": "Nonsense"}]
    assert _get(data, NHSE) == [("P1", "Invalid/NULL")]


def test_dhsc_latest_end_before_latest_start():
    data = [{"rank": 3, "event_start": "01/01/2023", "event_end": None,
             "primary_support_reason": PSRS[0]},
            {"rank": 3, "event_start": "01/02/2023", "event_end": "01/03/2023",
             "primary_support_reason": PSRS[1]}]
    assert _get(data, DHSC) == [("P1", PSRS[0])]  # open counts as the latest end
    assert _get(data, NHSE) == [("P1", PSRS[1])]  # latest start


def test_people_resolved_separately():
    data = [{"person_id": "A", "rank": 1, "event_start": "01/01/2023",
             "primary_support_reason": PSRS[0]},
            {"person_id": "B", "rank": 1, "event_start": "01/01/2023",
             "primary_support_reason": PSRS[1]}]
    assert _get(data, NHSE) == [("A", PSRS[0]), ("B", PSRS[1])]


def test_conflicting_psr_on_the_same_start_is_unknown_under_both_profiles():
    data = [{"rank": 3, "event_start": "01/04/2023", "primary_support_reason": PSRS[0]},
            {"rank": 3, "event_start": "01/04/2023", "primary_support_reason": PSRS[1]}]
    assert _get(data, NHSE) == _get(data, DHSC) == [("P1", "Unknown")]
