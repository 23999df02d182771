from cld.derive.outputs.lts_testkit import ASYLUM, LD, MH, contributions, sample, table

LAS = ("503", "504")
BOTH = ("nhse-2023", "dhsc-2024")


def test_tables_1a_1b_at_the_snapshot():
    # C (ended in June) and E (died before S) are not at the snapshot.
    for profile in BOTH:
        assert table("LTS001b_1a", sample(), profile, las=LAS) == {
            ("503", LD, "Community: CASSR Managed Personal Budget"): 1,
            ("504", MH, "Community: Direct Payment only"): 1}, profile
    common = {("503", ASYLUM, "Prison: CASSR Managed Personal Budget"): 1,
              ("503", "Unknown", "Community: CASSR Commissioned support only"): 1}
    assert table("LTS001b_1b", sample(), "nhse-2023", las=LAS) == {
        **common, ("503", MH, "Nursing"): 1}
    assert table("LTS001b_1b", sample(), "dhsc-2024", las=LAS) == {
        **common, ("503", LD, "Nursing"): 1}


def test_table_2_unpaid_carer_all_ages():
    # A: NHSE takes the nursing row (Yes), DHSC the latest start (No). F (17) counts here.
    assert table("LTS001b_2", sample(), "nhse-2023", las=LAS) == {
        ("503", "Yes"): 2, ("503", "No"): 1, ("503", "Unknown"): 2, ("504", "Yes"): 1}
    assert table("LTS001b_2", sample(), "dhsc-2024", las=LAS) == {
        ("503", "Yes"): 1, ("503", "No"): 2, ("503", "Unknown"): 2, ("504", "Yes"): 1}


def test_tables_3a_3b_ethnicity_by_gender():
    for profile in BOTH:
        assert table("LTS001b_3a", sample(), profile, las=LAS) == {
            ("503", "Indian"): 1, ("503", "Undeclared / Not known"): 1,
            ("504", "Chinese"): 1}, profile
    # H: "Refused" and "Undeclared / Not known" on one start: a conflict under NHSE (both
    # unknown), "Refused" under DHSC (ranked above "Undeclared").
    assert table("LTS001b_3b", sample(), "nhse-2023", las=LAS) == {
        ("503", "African"): 1, ("503", "Undeclared / Not known"): 1}
    assert table("LTS001b_3b", sample(), "dhsc-2024", las=LAS) == {
        ("503", "African"): 1, ("503", "Refused"): 1}


def test_contributions_explain_a_cell():
    got = [(r["unit"], r["rule"]) for r in contributions("LTS001b_1b", sample(), "nhse-2023")
           if r["setting"] == "Nursing"]
    assert got == [("L:503:A", f"LTS001b>65+>setting>Nursing>psr>{MH}")]
