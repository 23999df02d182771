from datetime import date

import ibis

from cld.derive.blocks.age import age_at, band
from cld.derive.blocks.events import derived_end, latest_editions
from cld.derive.blocks.person import with_person_key
from cld.derive.profile import AgeBand, Common
from cld.derive.testing import events, rows

NHSE = Common(person_key="nhse_hybrid")
DHSC = Common(person_key="dhsc_combined", dedupe_event_types=("Request", "Service"))


def test_person_key_worked_example_differs_by_profile():
    # NHSD's worked example: (123, null) -> 123; (123, 456) -> 123; (null, 456) dropped
    # (456 is seen with an NHS number); (null, 789) -> 789.
    t = events([
        {"nhs_number": "123", "person_id": None},
        {"nhs_number": "123", "person_id": "456"},
        {"nhs_number": None, "person_id": "456"},
        {"nhs_number": None, "person_id": "789"},
    ])
    assert rows(with_person_key(t, NHSE), "_row", "person_key") == [
        (1, "N:123"), (2, "N:123"), (3, None), (4, "L:503:789")]
    assert rows(with_person_key(t, DHSC), "_row", "person_key") == [
        (1, "N:123"), (2, "N:123"), (3, "L:503:456"), (4, "L:503:789")]


def test_person_key_is_per_la_for_local_ids():
    t = events([{"la_code": "503", "person_id": "9"}, {"la_code": "504", "person_id": "9"}])
    assert rows(with_person_key(t, DHSC), "person_key") == [("L:503:9",), ("L:504:9",)]


def test_traced_number_wins_when_present():
    t = events([{"nhs_number": "111", "person_id": "A"}])
    t = t.mutate(nhs_number_traced=ibis.literal("222"))
    assert rows(with_person_key(t, DHSC), "person_key") == [("N:222",)]


def test_age_from_first_of_birth_month_or_full_date():
    t = events([{"date_of_birth": date(1960, 3, 31)}])
    day = ibis.literal(date(2024, 3, 30))
    month = rows(t.select(a=age_at(t, day, NHSE)))
    full = rows(t.select(a=age_at(t, day, Common(person_key="nhse_hybrid",
                                                  dob_precision="full"))))
    assert month == [(64,)] and full == [(63,)]


def test_leap_day_birthday_by_days_over_365_25():
    t = events([{"date_of_birth": date(2000, 2, 29)}])
    full = Common(person_key="nhse_hybrid", dob_precision="full")
    got = [rows(t.select(a=age_at(t, ibis.literal(d), full)))[0][0]
           for d in (date(2018, 2, 27), date(2018, 2, 28), date(2018, 3, 1))]
    # 6,573 / 365.25 = 17.996; 6,574 -> 17.999; 6,575 -> 18.001 (the method, not birthdays)
    assert got == [17, 17, 18]


def test_bands_and_unknown():
    bands = (AgeBand(label="18-64", min=18, max=64), AgeBand(label="65+", min=65))
    t = ibis.memtable({"a": [17, 18, 64, 65, None]}, schema={"a": "int32"})
    assert [r["b"] for r in t.select(b=band(t.a, bands)).to_pyarrow().to_pylist()] == [
        "Unknown", "18-64", "18-64", "65+", "Unknown"]


def test_death_ends_an_open_event_and_one_inside_its_dates():
    t = events([
        {"event_start": "01/04/2023", "event_end": None, "date_of_death": "10/05/2023"},
        {"event_start": "01/04/2023", "event_end": "30/06/2023", "date_of_death": "10/05/2023"},
        {"event_start": "01/04/2023", "event_end": "30/04/2023", "date_of_death": "10/05/2023"},
        {"event_start": "01/06/2023", "event_end": None, "date_of_death": "10/05/2023"},
    ])
    got = rows(t.select(t._row, e=derived_end(t)))
    assert got == [(1, date(2023, 5, 10)), (2, date(2023, 5, 10)), (3, date(2023, 4, 30)),
                   (4, None)]


def test_latest_edition_supersedes_open_and_keeps_assessments_under_nhse():
    base = {"person_id": "A", "event_type": "Service", "event_start": "01/04/2023",
            "service_type": "Long Term Support: Community", "service_component": "Home Support"}
    t = events([
        {**base, "submission_version": 1, "event_end": None},
        {**base, "submission_version": 2, "event_end": "30/09/2023"},
        {**base, "submission_version": 2, "service_component": "Meals", "event_end": None},
        {"person_id": "A", "event_type": "Assessment", "event_start": "01/04/2023"},
        {"person_id": "A", "event_type": "Assessment", "event_start": "01/04/2023"},
    ])
    got = rows(latest_editions(with_person_key(t, NHSE), NHSE), "_row")
    assert got == [(2,), (3,), (4,), (5,)]
    dhsc_all = Common(person_key="dhsc_combined",
                      dedupe_event_types=("Request", "Assessment", "Service", "Review"))
    assert len(rows(latest_editions(with_person_key(t, dhsc_all), dhsc_all), "_row")) == 3


def test_cell_ids_are_stable_and_differ_by_labels():
    from cld.derive.cells import cell_id

    a = cell_id("STS001", "503", ["Planned Entry", "End of Life"])
    assert a == cell_id("STS001", "503", ["Planned Entry", "End of Life"])
    assert a.startswith("STS001-503-") and len(a) == len("STS001-503-") + 8
    assert a != cell_id("STS001", "503", ["Planned Entry", "End of Lif"])
