from cld.derive.blocks.hierarchy import label, rank, top, with_rank
from cld.derive.load import load_profile
from cld.derive.outputs.long_term import LongTerm
from cld.derive.testing import events, rows

LTS = "Long Term Support: "
H = load_profile("nhse-2023").get("long_term", LongTerm).hierarchy
CASES = [  # (service type, component, mechanism) -> rank without / with the 3D DP rule
    ((LTS + "Nursing Care", None, None), 1, 1),
    ((LTS + "Residential Care", None, "Community: Direct Payment"), 2, 2),  # mechanism ignored
    ((LTS + "Community", "Home Support", "Community: Direct Payment"), 3, 3),
    ((LTS + "Community", "Home Support", "Community: CASSR Managed Personal Budget"), 4, 4),
    ((LTS + "Community", "Home Support", "Community: CASSR Commissioned Support"), 5, 5),
    ((LTS + "Community", "Home Support", None), 6, 6),
    ((LTS + "Community", "Home Support", "Not a mechanism"), 6, 6),  # invalid = blank
    ((LTS + "Community", "Direct Payment", None), 6, 3),  # DP component: rank 3 for 3D
    ((LTS + "Community", "Direct Payment", "Community: CASSR Commissioned Support"), 5, 3),
    ((LTS + "Community", "Home Support", "Prison: CASSR Managed Personal Budget"), 7, 7),
    ((LTS + "Community", "Home Support", "Prison: CASSR Commissioned Support"), 8, 8),
    (("Short Term Support: ST-Max", "Reablement", None), None, None),
]


def _events():
    return events([{"person_id": str(n), "event_type": "Service", "service_type": st,
                    "service_component": comp, "delivery_mechanism": mech}
                   for n, ((st, comp, mech), _, _) in enumerate(CASES)])


def test_rule_e_ranks_each_row_and_the_dp_component_rule_applies_only_when_asked():
    t = _events()
    got = rows(t.select(t._row, a=rank(t, H), b=rank(t, H, dp_component=True)))
    assert got == [(n + 1, a, b) for n, (_, a, b) in enumerate(CASES)]


def test_both_profiles_rank_alike():
    other = load_profile("dhsc-2024").get("long_term", LongTerm).hierarchy
    t = _events()
    assert rows(t.select(t._row, r=rank(t, other, dp_component=True))) == rows(
        t.select(t._row, r=rank(t, H, dp_component=True)))


def test_one_top_row_per_person_nursing_beats_community_dp():
    t = events([
        {"person_id": "A", "event_type": "Service", "service_type": LTS + "Community",
         "service_component": "Direct Payment", "delivery_mechanism": "Community: Direct Payment"},
        {"person_id": "A", "event_type": "Service", "service_type": LTS + "Nursing Care"},
        {"person_id": "B", "event_type": "Service", "service_type": LTS + "Community",
         "delivery_mechanism": "Community: CASSR Commissioned Support"},
        {"person_id": "B", "event_type": "Service", "service_type": LTS + "Community",
         "delivery_mechanism": "Community: CASSR Managed Personal Budget"},
        {"person_id": "C", "event_type": "Service", "service_type": "Short Term Support: ST-Max"},
    ]).mutate(person_key=lambda t: t.person_id)
    p = top(with_rank(t, H, dp_component=True))
    got = rows(p.select("person_key", "lt_rank", s=label(p.lt_rank, H, "setting"),
                        c=label(p.lt_rank, H)))
    assert got == [("A", 1, "Nursing", "Nursing"),
                   ("B", 4, "Community", "Community: CASSR Managed Personal Budget")]
