from cld.derive.outputs.lts_testkit import ASYLUM, LD, MH, PERSONAL, sample, table

LAS = ("503", "504")


def test_table_1a_working_age_in_the_year_same_under_both_profiles():
    want = {("503", LD, "Community: CASSR Managed Personal Budget"): 1,
            ("503", PERSONAL, "Residential"): 1,  # C: ended in the year, still counted
            ("504", MH, "Community: Direct Payment only"): 1}
    for profile in ("nhse-2023", "dhsc-2024"):
        assert table("LTS001a_1a", sample(), profile, las=LAS) == want, profile


def test_table_1b_65_and_over_differs_by_profile_in_psr():
    common = {("503", ASYLUM, "Prison: CASSR Managed Personal Budget"): 1,
              ("503", "Unknown", "Community: CASSR Commissioned support only"): 1}  # H
    # A: nursing + community DP -> counted once, as nursing; NHSE takes the nursing row's
    # PSR (MH), DHSC the latest start's (LD). E: no PSR -> "Invalid/NULL" (NHSE), "Unknown"
    # (DHSC); no mechanism -> its own column.
    assert table("LTS001a_1b", sample(), "nhse-2023", las=LAS) == {
        **common, ("503", MH, "Nursing"): 1,
        ("503", "Invalid/NULL", "Community: Delivery mechanism not known"): 1}
    assert table("LTS001a_1b", sample(), "dhsc-2024", las=LAS) == {
        **common, ("503", LD, "Nursing"): 1,
        ("503", "Unknown", "Community: Delivery mechanism not known"): 1}


def test_every_la_gets_every_cell_zero_filled():
    from cld.derive.cells import cells
    from cld.derive.outputs.long_term import PSR_LABELS, SETTING_LABELS
    from cld.derive.outputs.lts_testkit import inputs
    from cld.derive.registry import OUTPUTS

    o = OUTPUTS["LTS001a_1a"]
    c = cells(o, o.build(inputs(sample(), "nhse-2023")), ["503", "504", "505"])
    got = c.to_pyarrow().to_pylist()
    assert len(got) == 3 * len(PSR_LABELS) * len(SETTING_LABELS)
    assert sum(r["value"] for r in got if r["la_code"] == "505") == 0
    assert sum(r["value"] for r in got) == 3
