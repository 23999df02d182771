from datetime import date

from cld.derive.blocks.status import infer_from_latest_service, last_known, setting
from cld.derive.testing import events, rows

VALID = ("Tenant", "Shared Lives scheme", "Registered care home", "Unknown")
NHSE = ("latest_start", "known")
DHSC = ("known", "latest_end", "latest_start")


def status(t, order):
    t = t.mutate(person_key=t.person_id, end_derived=t.event_end)
    got = last_known(t, "accommodation_status", valid=VALID, unknown=("Unknown",),
                     order=order, invalid_label="NULL/Invalid")
    return rows(got, "person_key", "status", "status_rule")


def test_latest_start_first_under_nhse_known_first_under_dhsc():
    # P1: the latest row says Unknown, an earlier one Tenant.
    t = events([
        {"person_id": "P1", "event_start": "01/05/2023", "accommodation_status": "Tenant"},
        {"person_id": "P1", "event_start": "01/09/2023", "accommodation_status": "Unknown"},
    ])
    assert status(t, NHSE) == [("P1", "Unknown", "unknown")]
    assert status(t, DHSC) == [("P1", "Tenant", "known")]


def test_known_beats_unknown_on_the_same_start_under_both():
    t = events([
        {"person_id": "P1", "event_start": "01/05/2023", "accommodation_status": "Unknown"},
        {"person_id": "P1", "event_start": "01/05/2023", "accommodation_status": "Tenant"},
    ])
    assert status(t, NHSE) == status(t, DHSC) == [("P1", "Tenant", "known")]


def test_conflicting_values_on_the_same_event_start_become_unknown():
    t = events([
        {"person_id": "P1", "event_start": "01/05/2023", "event_end": "30/06/2023",
         "accommodation_status": "Tenant"},
        {"person_id": "P1", "event_start": "01/05/2023", "event_end": "30/06/2023",
         "accommodation_status": "Shared Lives scheme"},
    ])
    assert status(t, NHSE) == status(t, DHSC) == [("P1", "Unknown", "conflict")]


def test_dhsc_takes_the_latest_end_before_the_latest_start():
    # Tenant ends last (open); Shared Lives starts last.
    t = events([
        {"person_id": "P1", "event_start": "01/05/2023", "event_end": None,
         "accommodation_status": "Tenant"},
        {"person_id": "P1", "event_start": "01/06/2023", "event_end": "30/09/2023",
         "accommodation_status": "Shared Lives scheme"},
    ])
    assert status(t, NHSE) == [("P1", "Shared Lives scheme", "known")]
    assert status(t, DHSC) == [("P1", "Tenant", "known")]


def test_null_and_invalid_values_keep_their_own_label_below_unknown():
    t = events([
        {"person_id": "P1", "event_start": "01/05/2023", "accommodation_status": "Council flat"},
        {"person_id": "P2", "event_start": "01/05/2023", "accommodation_status": None},
        {"person_id": "P3", "event_start": "01/05/2023", "accommodation_status": None},
        {"person_id": "P3", "event_start": "01/05/2023", "accommodation_status": "Unknown"},
        # two different invalid spellings are one label, not a conflict
        {"person_id": "P4", "event_start": "01/05/2023", "accommodation_status": "tenant"},
        {"person_id": "P4", "event_start": "01/05/2023", "accommodation_status": "flat"},
    ])
    want = [("P1", "NULL/Invalid", "invalid"), ("P2", "NULL/Invalid", "invalid"),
            ("P3", "Unknown", "unknown"), ("P4", "NULL/Invalid", "invalid")]
    assert status(t, NHSE) == status(t, DHSC) == want


def test_a_missing_start_is_kept_not_dropped():
    t = events([{"person_id": "P1", "event_start": None, "accommodation_status": "Tenant"}])
    assert status(t, NHSE) == [("P1", "Tenant", "known")]


SETTINGS = [
    ("Prison", 4, "Long Term Support: Community",
     ("Prison: CASSR Managed Personal Budget", "Prison: CASSR Commissioned Support")),
    ("Nursing", 1, "Long Term Support: Nursing Care", ()),
    ("Community", 3, "Long Term Support: Community", ()),
]
RULES = [
    (("Nursing",), (), "Registered nursing home"),
    (("Prison",), (), "Prison / Young offenders institution / detention centre"),
    ((), ("Shared Lives",), "Shared Lives scheme"),
    (("Community",), ("Home Support",), "Unknown: Presumed at home"),
    (("Community",), (), "Unknown: Presumed in community"),
]


def services(rows_):
    t = events([{"event_type": "Service", **r} for r in rows_])
    label, rank = setting(t, SETTINGS)
    return t.mutate(person_key=t.person_id, end_derived=t.event_end, _setting=label,
                    _rank=rank)


def test_setting_matches_prison_by_mechanism_before_community():
    t = services([
        {"person_id": "P1", "service_type": "Long Term Support: Community",
         "delivery_mechanism": "Prison: CASSR Commissioned Support"},
        {"person_id": "P2", "service_type": "Long Term Support: Community",
         "delivery_mechanism": "Community: Direct Payment"},
        {"person_id": "P3", "service_type": "Short Term Support: ST-Max"},
    ])
    assert rows(t, "person_key", "_setting", "_rank") == [
        ("P1", "Prison", 4), ("P2", "Community", 3), ("P3", None, 99)]


def infer(rows_):
    return rows(infer_from_latest_service(services(rows_), RULES),
                "person_key", "inferred", "inferred_from")


def test_community_home_support_is_presumed_at_home():
    got = infer([{"person_id": "P1", "service_type": "Long Term Support: Community",
                  "service_component": "Home Support", "event_start": "01/05/2023"}])
    assert got == [("P1", "Unknown: Presumed at home", "Community:Home Support")]


def test_latest_end_wins_then_rank_then_a_mappable_component():
    common = {"service_type": "Long Term Support: Community", "event_start": "01/05/2023"}
    got = infer([
        # P1: nursing ended earlier; the open community day support is the latest service
        {"person_id": "P1", "service_type": "Long Term Support: Nursing Care",
         "event_start": "01/04/2023", "event_end": "30/06/2023"},
        {"person_id": "P1", **common, "service_component": "Day Support"},
        # P2: same end: nursing outranks community
        {"person_id": "P2", "service_type": "Long Term Support: Nursing Care",
         "event_start": "01/04/2023", "event_end": "30/06/2023"},
        {"person_id": "P2", **common, "service_component": "Home Support",
         "event_end": "30/06/2023"},
        # P3: same end and setting: the component a rule names (Shared Lives) first
        {"person_id": "P3", **common, "service_component": "Day Support"},
        {"person_id": "P3", **common, "service_component": "Shared Lives"},
        # P4: an ST-Max service only: nothing to infer
        {"person_id": "P4", "service_type": "Short Term Support: ST-Max",
         "service_component": "Reablement", "event_start": "01/05/2023"},
    ])
    assert got == [
        ("P1", "Unknown: Presumed in community", "Community:Day Support"),
        ("P2", "Registered nursing home", "Nursing:no component"),
        ("P3", "Shared Lives scheme", "Community:Shared Lives"),
        ("P4", None, "other service:Reablement"),
    ]


def test_inference_ignores_the_order_of_rows():
    a = {"person_id": "P1", "service_type": "Long Term Support: Community",
         "event_start": date(2023, 5, 1), "service_component": "Day Support"}
    b = {**a, "service_component": "Meals"}
    assert infer([a, b]) == infer([b, a]) == [
        ("P1", "Unknown: Presumed in community", "Community:Day Support")]
