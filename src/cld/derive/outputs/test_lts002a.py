from cld.derive.outputs.lts_testkit import review_sample, table
from cld.derive.registry import OUTPUTS

LAS = ("503", "504")
RN = "Residential / Nursing"
UNPLANNED = {("503", "Carer related", "Community"): 1,
             ("503", "Safeguarding concern", RN): 1,
             ("503", "Other reason", "Community"): 1,
             ("504", "Change in commissioning arrangements", "Community"): 1}


def test_unplanned_reviews_by_reason_and_setting_per_profile():
    # K's provider-failure review was submitted twice: NHSE does not deduplicate reviews.
    assert table("LTS002a_1", review_sample(), "nhse-2023", las=LAS) == {
        **UNPLANNED, ("503", "Provider failure", RN): 2}
    assert table("LTS002a_1", review_sample(), "dhsc-2024", las=LAS) == {
        **UNPLANNED, ("503", "Provider failure", RN): 1}


def test_planned_community_reviews_by_admission():
    for profile in ("nhse-2023", "dhsc-2024"):
        assert table("LTS002a_2", review_sample(), profile, las=LAS) == {
            ("503", "Admitted to residential or nursing care"): 1,
            ("503", "Not admitted to residential or nursing care"): 1}, profile


def test_what_cld_cannot_support_is_stated():
    text = " ".join(OUTPUTS["LTS002a_2"].cannot)
    assert "increased / decreased" in text and "temporarily suspended" in text
    assert OUTPUTS["LTS002a_1"].unit == "episodes"
