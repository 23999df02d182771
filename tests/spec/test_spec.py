"""The specification as data: counts from the template, lists, variants, deltas, register."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cld.spec import (
    available_versions,
    header_key,
    load_register,
    load_spec,
    load_spec_from,
    value_key,
)
from cld.spec.loader import _data_dir


def test_template_counts() -> None:
    spec = load_spec("v4.2")
    assert len(spec.submission_items) == 5
    assert len(spec.data_items) == 40
    # the template's summary: 23 mandatory, 17 voluntary
    assert sum(i.requirement == "mandatory" for i in spec.data_items) == 23
    assert sum(i.requirement == "voluntary" for i in spec.data_items) == 17
    assert sum(i.person_level for i in spec.items) == 19


def test_headers_match_without_case_spacing_punctuation_or_qualifiers() -> None:
    idx = load_spec().header_index()
    assert idx[header_key("Unit Cost (£)")] == "unit_cost"
    assert idx[header_key("Unit_Cost")] == "unit_cost"
    assert idx[header_key("  delivery mechanism ")] == "delivery_mechanism"
    assert idx[header_key("Request: Route of Access")] == "route_of_access"
    assert idx[header_key("REQUEST_ROUTE_OF_ACCESS")] == "route_of_access"
    assert idx[header_key("\ufeffLA Code")] == "la_code"


@pytest.mark.parametrize(("list_id", "variant", "canonical"), [
    ("gender", "Unknown", "Not known"),
    ("event_outcome", "NFA - Service ended as planned", "Service ended as planned"),
    ("event_outcome", "NFA — Service ended as planned", "Service ended as planned"),
    ("event_outcome", "Progress to Reablement / ST-Max", "Progress to Reablement/ST-Max"),
    ("event_outcome", "NFA -100% NHS-funded care", "NFA - 100% NHS funded care"),
    ("assessment_type", "Long Term Support Assessment", "Long Term Assessment"),
    ("hearing_impairment", "People who are deaf with speech", "Deaf with speech"),
    ("service_component", "Other Long Term Community Support", "Other Long Term Support"),
    ("employment_status", "Notin Paid Employment (not actively seeking work / retired)",
     "Not in Paid Employment (not actively seeking work / retired)"),
    ("route_of_access", "Discharge from Reablement **NEW** voluntary",
     "Discharge from Reablement"),
])
def test_variants_map_to_template_values(list_id: str, variant: str, canonical: str) -> None:
    lookup = load_spec().lists[list_id].lookup()
    assert lookup[value_key(variant)][0] == canonical


def test_end_of_life_service_type_is_accepted() -> None:
    assert "Short Term Support: End of Life" in load_spec().lists["service_type"].canonical


def test_outcome_table_covers_every_outcome() -> None:
    spec = load_spec()
    assert {r.outcome for r in spec.outcomes} == set(spec.lists["event_outcome"].canonical)


def test_register() -> None:
    reg = load_register()
    assert len(reg) == 151  # the v4.2 template's LAs sheet lists 151 codes
    assert reg["503"].name == "Lincolnshire" and reg["503"].region == "GEM"
    assert reg["116"].other_names == ("County Durham",)
    assert all(len(code) == 3 and code.isdigit() for code in reg)
    assert {c for la in reg.values() for c in la.dscro_codes} == {
        "0CL", "0CM", "0CN", "0CP", "0CQ", "0CT", "0CV"}


def test_versions() -> None:
    assert "v4.2" in available_versions()
    with pytest.raises(ValueError, match="unknown specification version"):
        load_spec_from("v9.9", _data_dir())


def test_a_later_release_is_a_delta(tmp_path: Path) -> None:
    (tmp_path / "v4.2.yaml").write_text((_data_dir() / "v4.2.yaml").read_text("utf-8"), "utf-8")
    delta = {
        "base": "v4.2", "version": "r1-test",
        "changes": {
            "modify_items": {"has_informal_carer": {"name": "Has Unpaid Carer",
                                                    "aliases": ["Has Informal Carer"]}},
            "remove_items": ["full_cost_client"],
            "add_items": [{"id": "client_type", "name": "Client Type", "section": "person",
                           "requirement": "mandatory", "type": "list", "list": "client_type",
                           "person_level": True, "after": "date_of_death"}],
            "add_lists": {"client_type": {"name": "Client Type", "values": [
                {"value": "Service User"}, {"value": "Carer"}]}},
            "add_values": {"gender": [{"value": "Other"}]},
            "rename_values": {"event_type": {"Request": "Request for support"}},
        },
    }
    (tmp_path / "r1-test.yaml").write_text(yaml.safe_dump(delta), "utf-8")
    spec = load_spec_from("r1-test", tmp_path)
    base = load_spec_from("v4.2", tmp_path)
    ids = [i.id for i in spec.items]
    assert "full_cost_client" not in ids
    assert ids.index("client_type") == ids.index("date_of_death") + 1
    assert spec.item("has_informal_carer").name == "Has Unpaid Carer"
    assert "Other" in spec.lists["gender"].canonical
    lookup = spec.lists["event_type"].lookup()
    assert lookup[value_key("Request")] == ("Request for support", "variant")
    assert len(base.items) == 45 and "Other" not in base.lists["gender"].canonical


def test_bad_delta_is_refused(tmp_path: Path) -> None:
    (tmp_path / "v4.2.yaml").write_text((_data_dir() / "v4.2.yaml").read_text("utf-8"), "utf-8")
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(
        {"base": "v4.2", "version": "bad", "changes": {"remove_items": ["no_such_item"]}}))
    with pytest.raises(ValueError, match="unknown item"):
        load_spec_from("bad", tmp_path)


def test_domain_groups_are_defined_once_in_the_spec() -> None:
    spec = load_spec("v4.2")
    assert spec.group("short_term_beds") == ("Short Term Residential Care",
                                             "Short Term Nursing Care")
    assert spec.group("more_than_weekly_frequencies") == ("Per Session", "Hourly", "Daily")
    assert spec.group("learning_disability_reasons") == ("Learning Disability Support",)
    assert len(spec.group("long_term_service_types")) == 3
    assert spec.event_key_fields() == {
        "Request": ("route_of_access",), "Assessment": ("assessment_type",),
        "Service": ("service_type", "service_component"), "Review": ()}
    with pytest.raises(KeyError):
        spec.group("no_such_group")


def test_every_service_type_has_its_components() -> None:
    spec = load_spec("v4.2")
    assert set(spec.service_components) == set(spec.lists["service_type"].canonical)
    assert spec.components_for("Long Term Support: Nursing Care") == ("Long Term Nursing Care",)
    assert "Home Support" not in spec.components_for("Long Term Support: Nursing Care")
    assert "Reablement" in spec.components_for("Short Term Support: ST-Max")
    listed = {c for cs in spec.service_components.values() for c in cs}
    assert listed == set(spec.lists["service_component"].canonical)


def _with(tmp_path: Path, edit: str, new: str) -> Path:
    text = (_data_dir() / "v4.2.yaml").read_text("utf-8")
    assert edit in text
    (tmp_path / "v4.2.yaml").write_text(text.replace(edit, new, 1), "utf-8")
    return tmp_path


@pytest.mark.parametrize(("edit", "new", "message"), [
    ("members: [Per Session, Hourly, Daily]", "members: [Per Session, Hourly, Nightly]",
     "'Nightly' is not one of cost_frequency"),
    ("event_key_request: {of: items, members: [route_of_access]}",
     "event_key_request: {of: items, members: [route_of_acess]}",
     "'route_of_acess' is not one of items"),
    ("of: cost_frequency", "of: frequencies", "'frequencies' is neither a defined list"),
    ('"Long Term Support: Nursing Care": [Long Term Nursing Care]',
     '"Long Term Support: Nursing Care": [Long Term Nursing Car]',
     "'Long Term Nursing Car' is not a Service Component value"),
])
def test_a_group_member_outside_its_list_is_refused(tmp_path: Path, edit: str, new: str,
                                                    message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_spec_from("v4.2", _with(tmp_path, edit, new))


def test_a_delta_renaming_a_value_carries_it_into_the_groups(tmp_path: Path) -> None:
    (tmp_path / "v4.2.yaml").write_text((_data_dir() / "v4.2.yaml").read_text("utf-8"), "utf-8")
    delta = {"base": "v4.2", "version": "r-groups", "changes": {"rename_values": {
        "service_component": {"Short Term Nursing Care": "Short term nursing care"},
        "service_type": {"Long Term Support: Nursing Care": "Long term support: Nursing"}}}}
    (tmp_path / "r-groups.yaml").write_text(yaml.safe_dump(delta), "utf-8")
    spec = load_spec_from("r-groups", tmp_path)
    assert "Short term nursing care" in spec.group("short_term_beds")
    assert "Long term support: Nursing" in spec.group("long_term_service_types")
    assert "Short term nursing care" in spec.components_for("Short Term Support: ST-Max")
    assert spec.components_for("Long term support: Nursing") == ("Long Term Nursing Care",)
