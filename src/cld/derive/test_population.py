from datetime import date
from pathlib import Path

import pytest

from cld.derive.population import (
    PopulationError,
    parse_band,
    population_for,
    read_population,
    synthetic_population,
)
from cld.derive.profile import AgeBand
from cld.derive.testing import rows
from cld.spec.register import register_for

HEAD = "gss_code,la_code,sex,age,year,population\n"


def write(tmp_path: Path, text: str, name: str = "pop.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def single_years(code: str, ages: range, year: int = 2023, sex: str = "All",
                 per_age: int = 10) -> str:
    return "".join(f",{code},{sex},{a},{year},{per_age + a}\n" for a in ages)


def test_single_years_sum_to_bands_and_codes_are_filled(tmp_path):
    # Hartlepool (111, E06000001): ages 0..90 at 10 + age each.
    p = write(tmp_path, HEAD + single_years("111", range(91)))
    pop = read_population(p)
    assert not pop.synthetic
    assert rows(pop.table.filter(pop.table.age == 90), "la_code", "gss_code", "age_min",
                "age_max") == [("111", "E06000001", 90, None)]
    got = population_for(pop, ["18-64", AgeBand(label="65 and over", min=65)], 2023)
    # 18..64: 47 ages x 10 + (18+64)*47/2 = 470 + 1927 = 2397; 65..90: 26 x 10 + 2015 = 2275
    assert rows(got.table, "la_code", "gss_code", "age_band", "population") == [
        ("111", "E06000001", "18-64", 2397), ("111", "E06000001", "65 and over", 2275)]
    assert got.note == "" and not got.synthetic


def test_gss_code_alone_gives_the_cassr_code_and_new_councils_keep_their_gss(tmp_path):
    p = write(tmp_path, "gss_code,sex,age_band,year,population\n"
              "E06000001,All,18-64,2023,500\nE06000063,Female,65+,2023,70\n"
              "E06000063,Male,65+,2023,30\n")
    pop = read_population(p)
    assert rows(pop.table, "la_code", "gss_code", "sex", "age_band") == [
        ("111", "E06000001", "All", "18-64"), ("E06000063", "E06000063", "Female", "65+"),
        ("E06000063", "E06000063", "Male", "65+")]


def test_la_code_alone_gets_the_gss_code_in_force_that_year(tmp_path):
    # North Yorkshire (218) became a unitary on 1 April 2023: E10000023 -> E06000065.
    text = "la_code,sex,age_band,year,population\n218,All,65+,2022,1\n218,All,65+,2023,2\n"
    assert rows(read_population(write(tmp_path, text)).table, "year", "gss_code") == [
        (2022, "E10000023"), (2023, "E06000065")]


def test_male_plus_female_when_no_all_rows_and_all_wins_when_present(tmp_path):
    text = ("gss_code,la_code,sex,age_band,year,population\n"
            ",111,Male,65+,2023,40\n,111,Female,65+,2023,60\n"
            ",112,All,65+,2023,500\n,112,Male,65+,2023,1\n,112,Female,65+,2023,2\n")
    got = population_for(read_population(write(tmp_path, text)), ["65+"], 2023)
    assert rows(got.table, "la_code", "population") == [("111", 100), ("112", 500)]


def test_smaller_bands_add_up_and_a_band_that_cannot_be_met_is_an_error(tmp_path):
    text = ("gss_code,la_code,sex,age_band,year,population\n"
            ",111,All,65-74,2023,100\n,111,All,75-84,2023,50\n,111,All,85+,2023,20\n"
            ",111,All,18-64,2023,900\n")
    pop = read_population(write(tmp_path, text))
    got = population_for(pop, ["65+", "18-64"], 2023)
    assert rows(got.table, "age_band", "population") == [("18-64", 900), ("65+", 170)]
    with pytest.raises(PopulationError, match=r"cannot make up age band 18-24 for LA 111"):
        population_for(pop, ["18-24"], 2023)
    with pytest.raises(PopulationError, match=r"no rows for mid-year 2024 \(years given: 2023\)"):
        population_for(pop, ["65+"], 2024)


def test_a_gap_in_single_years_is_an_error(tmp_path):
    text = HEAD + single_years("111", range(18, 40)) + single_years("111", range(41, 65))
    with pytest.raises(PopulationError, match="cannot make up age band 18-64 for LA 111"):
        population_for(read_population(write(tmp_path, text)), ["18-64"], 2023)


def test_only_one_sex_is_an_error(tmp_path):
    text = HEAD + single_years("111", range(65, 91), sex="Female")
    with pytest.raises(PopulationError, match="only one sex for LA 111"):
        population_for(read_population(write(tmp_path, text)), ["65+"], 2023)


@pytest.mark.parametrize(("body", "where"), [
    (",111,All,18,2023,12.5\n", r"line 2, column population: '12.5' is not a whole number"),
    (",111,All,18,2023,-3\n", r"line 2, column population: '-3' is not a whole number"),
    (",111,All,18,2023,\n", r"line 2, column population: blank"),
    (",111,All,91,2023,5\n", r"line 2, column age: '91': single years run 0..90"),
    (",111,All,x,2023,5\n", r"line 2, column age: 'x' is not a whole number"),
    (",111,All,18,23,5\n", r"line 2, column year: 23 is not a mid-year"),
    (",111,Persons,18,2023,5\n,111,Men,19,2023,5\n", r"line 3, column sex: 'Men' is not"),
    ("E07000026,,All,18,2023,5\n", r"line 2, column gss_code: 'E07000026' is not an LA in "
     r"the register \(districts"),
    (",999,All,18,2023,5\n", r"line 2, column la_code: '999' is not an LA code"),
    ("E06000002,111,All,18,2023,5\n", r"line 2, column gss_code: E06000002 is not the GSS "
     r"code of LA 111"),
    (",,All,18,2023,5\n", r"line 2, column gss_code: blank, and la_code is blank too"),
    (",111,All,18,2023,5\n,111,All,19,2023,5\nE06000001,,All,18,2023,6\n",
     r"line 4, column age: repeats line 2 \(LA 111, All, 2023\)"),
])
def test_reader_errors_name_file_line_and_column(tmp_path, body, where):
    p = write(tmp_path, HEAD + body)
    with pytest.raises(PopulationError, match=where) as exc:
        read_population(p)
    assert str(exc.value).startswith(f"{p}: ")


def test_band_rows_errors(tmp_path):
    head = "gss_code,la_code,sex,age,age_band,year,population\n"
    cases = [
        (",111,All,,18-64,2023,5\n,111,All,,60-70,2023,5\n",
         r"line 3, column age_band: overlaps the ages of line 2"),
        (",111,All,,18-64,2023,5\n,111,All,30,,2023,5\n",
         r"line 3, column age: overlaps the ages of line 2"),
        (",111,All,18,18-64,2023,5\n", r"line 2, column age_band: both age and age_band"),
        (",111,All,,,2023,5\n", r"line 2, column age: blank, and age_band is blank too"),
        (",111,All,,adults,2023,5\n", r"line 2, column age_band: 'adults' is not an age band"),
        (",111,All,,80-95,2023,5\n", r"line 2, column age_band: '80-95': ages above 89"),
    ]
    for body, where in cases:
        with pytest.raises(PopulationError, match=where):
            read_population(write(tmp_path, head + body))


def test_header_errors_name_line_1(tmp_path):
    with pytest.raises(PopulationError, match=r"line 1: missing column\(s\): population"):
        read_population(write(tmp_path, "gss_code,sex,age,year\n"))
    with pytest.raises(PopulationError, match=r"line 1: missing column\(s\): age or age_band"):
        read_population(write(tmp_path, "la_code,sex,year,population\n"))
    with pytest.raises(PopulationError, match=r"line 1: unknown column\(s\): region"):
        read_population(write(tmp_path, "la_code,sex,age,year,population,region\n"))
    with pytest.raises(PopulationError, match="empty"):
        read_population(write(tmp_path, ""))
    with pytest.raises(PopulationError, match="has no rows"):
        read_population(write(tmp_path, HEAD))
    with pytest.raises(PopulationError, match="no such population file"):
        read_population(tmp_path / "nope.csv")


def test_parse_band_forms():
    assert parse_band("18 to 64") == AgeBand(label="18-64", min=18, max=64)
    assert parse_band("65 and above") == AgeBand(label="65+", min=65)
    assert parse_band("Under 18") == AgeBand(label="0-17", min=0, max=17)
    assert parse_band("64-18") is None and parse_band("old") is None


def test_synthetic_table_covers_every_la_of_each_year_and_says_so():
    pop = synthetic_population()
    assert pop.synthetic
    for year in range(2019, 2026):
        got = population_for(pop, ["18-64", "65+"], year)
        assert got.note == "synthetic population"
        codes = {r[0] for r in rows(got.table, "la_code")}
        assert codes == set(register_for(date(year, 6, 30))), year
        assert all(p > 0 for (p,) in rows(got.table, "population"))


def test_the_synthetic_file_is_what_the_script_writes(tmp_path):
    import runpy

    script = Path(__file__).parents[3] / "scripts" / "make_population.py"
    g = runpy.run_path(str(script), run_name="make_population")
    g["main"].__globals__["OUT"] = tmp_path / "out.csv"
    g["main"]()
    shipped = Path(__file__).parent / "data" / "population-synthetic.csv"
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == shipped.read_text(
        encoding="utf-8")
