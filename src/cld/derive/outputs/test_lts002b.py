from cld.derive.outputs.lts_testkit import review_sample, table

LAS = ("503", "504")
RN = "Residential / Nursing"


def test_reviews_of_people_supported_over_12_months():
    # N (LA 504) started in January 2024: not in the LTS001c cohort, so no LTS002b reviews.
    want = {("503", "Carer related", "Community"): 1, ("503", "Safeguarding concern", RN): 1,
            ("503", "Other reason", "Community"): 1}
    assert table("LTS002b_1", review_sample(), "nhse-2023", las=LAS) == {
        **want, ("503", "Provider failure", RN): 2}
    assert table("LTS002b_1", review_sample(), "dhsc-2024", las=LAS) == {
        **want, ("503", "Provider failure", RN): 1}
    for profile in ("nhse-2023", "dhsc-2024"):
        assert table("LTS002b_2", review_sample(), profile, las=LAS) == {
            ("503", "Admitted to residential or nursing care"): 1,
            ("503", "Not admitted to residential or nursing care"): 1}, profile
