"""Population denominators (ONS mid-year estimates or any table of the same shape).

The input is a CSV with a header row and these columns (any order, names case-insensitive):

    gss_code    ONS area code of the LA (E06/E08/E09/E10...); may be blank when la_code is given
    la_code     CASSR code; may be blank when gss_code is given (filled from the LA register)
    sex         Male, Female or All ("Persons" and "Total" are read as All)
    age         single year of age, 0..90 (90 means 90 and over; "90+" is read as 90)
    age_band    an age band instead of a single year: "18-64", "65+", "18 to 64",
                "65 and above", "Under 18" (a file may have both columns; each row fills one)
    year        the mid-year of the estimate (2023 = mid-2023, used for 2023/24)
    population  a whole number, 0 or more
    source      optional: where the figures come from; a row whose source starts with
                "synthetic" is a made-up figure, and every rate using it says so

LA codes must be in the LA register (any year). County councils are one LA: districts
(E07) must be added up to their county (E10) before use. A row may not repeat or overlap
another (same LA, sex and year, ages in common).

`read_population` returns the normalised table: la_code, gss_code, sex, age (null on band
rows), age_band (null on single-year rows), year, population, source, and age_min/age_max
(the ages a row covers; age_max null for "and over"). `population_for` sums it per LA for
age bands and a year.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import ibis
import ibis.expr.types as ir

from cld.derive.profile import AgeBand
from cld.errors import CldError

SYNTHETIC = Path(__file__).parent / "data" / "population-synthetic.csv"
MAX_AGE = 90  # single years stop at 90 = "90 and over" (as ONS publishes them)
OPEN = 1000  # stands for "no upper age" inside sums of band widths
COLUMNS = ("gss_code", "la_code", "sex", "age", "age_band", "year", "population", "source")
REQUIRED = ("sex", "year", "population")
SEXES = {"male": "Male", "female": "Female", "all": "All", "persons": "All", "total": "All"}
SCHEMA = {"la_code": "string", "gss_code": "string", "sex": "string", "age": "int32",
          "age_band": "string", "year": "int32", "population": "int64", "source": "string",
          "age_min": "int32", "age_max": "int32"}


class PopulationError(CldError):
    """A population file that cannot be read, or a request it cannot meet."""


@dataclass(frozen=True)
class Population:
    table: ir.Table  # normalised (see the module doc)
    synthetic: bool  # any row is labelled synthetic: outputs must say "synthetic population"
    source: str  # the file read


@dataclass(frozen=True)
class BandPopulation:
    table: ir.Table  # la_code, gss_code, age_band, year, population
    synthetic: bool
    note: str  # "synthetic population" or ""


# --- age bands -------------------------------------------------------------------------

_RANGE = re.compile(r"(\d+)\s*(?:-|–|to)\s*(\d+)")
_OVER = re.compile(r"(\d+)\s*(?:\+|and above|and over|or over|or more)")
_UNDER = re.compile(r"under\s*(\d+)")


def parse_band(label: str) -> AgeBand | None:
    """An age band from its label ("18-64", "18 to 64", "65+", "65 and above", "Under 18");
    None when the label is not one of these forms."""
    text = label.strip().lower()
    if m := _RANGE.fullmatch(text):
        lo, hi = int(m.group(1)), int(m.group(2))
        return AgeBand(label=f"{lo}-{hi}", min=lo, max=hi) if lo <= hi else None
    if m := _OVER.fullmatch(text):
        return AgeBand(label=f"{int(m.group(1))}+", min=int(m.group(1)))
    if m := _UNDER.fullmatch(text):
        hi = int(m.group(1)) - 1
        return AgeBand(label=f"0-{hi}", min=0, max=hi) if hi >= 0 else None
    return None


def _bounds(b: AgeBand) -> tuple[int, int]:
    """(first age, last age) of a band; the last is OPEN for "and over" (ages from 90 up
    are one row, so a band ending at or above 90 needs the 90+ row whole)."""
    lo = b.min or 0
    hi = OPEN if b.max is None or b.max >= MAX_AGE else b.max
    return lo, hi


# --- the register ------------------------------------------------------------------------

@cache
def _codes() -> tuple[dict[str, str], dict[str, set[str]]]:
    """GSS code -> CASSR code, and CASSR code -> its GSS codes, over every year's register."""
    from cld.spec.loader import load_register
    from cld.spec.register import all_las

    by_gss: dict[str, str] = {}
    by_code: dict[str, set[str]] = {}
    for reg in (load_register(), all_las()):
        for code, la in reg.items():
            if la.gss_code:
                by_gss[la.gss_code] = code
                by_code.setdefault(code, set()).add(la.gss_code)
            else:
                by_code.setdefault(code, set())
    return by_gss, by_code


def _gss_for(code: str, year: int) -> str:
    from cld.spec.register import register_for

    la = register_for(date(year, 6, 30)).get(code)
    if la is not None and la.gss_code:
        return la.gss_code
    known = sorted(_codes()[1].get(code, ()))
    return known[-1] if known else ""


# --- reading -----------------------------------------------------------------------------

def read_population(path: str | Path) -> Population:
    """Read and check a population CSV (see the module doc); errors name file, line, column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PopulationError(f"{path}: no such population file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PopulationError(f"{path}: cannot read the population file "
                              f"({exc.__class__.__name__})") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        raise PopulationError(f"{path}: the population file is empty (a header row is needed)")
    names = [h.strip().lower() for h in header]
    col = {n: i for i, n in enumerate(names) if n}
    missing = [c for c in REQUIRED if c not in col]
    if "gss_code" not in col and "la_code" not in col:
        missing.append("gss_code or la_code")
    if "age" not in col and "age_band" not in col:
        missing.append("age or age_band")
    if missing:
        raise PopulationError(f"{path}: line 1: missing column(s): {', '.join(missing)} "
                              f"(found: {', '.join(h for h in header if h) or 'none'})")
    unknown = [h for h, n in zip(header, names, strict=True) if n and n not in COLUMNS]
    if unknown:
        raise PopulationError(f"{path}: line 1: unknown column(s): {', '.join(unknown)} "
                              f"(expected: {', '.join(COLUMNS)})")
    data: dict[str, list[object]] = {c: [] for c in SCHEMA}
    seen: dict[tuple[str, str, int], list[tuple[int, int, int]]] = {}
    by_gss, by_code = _codes()
    for line, raw in enumerate(reader, start=2):
        if not any(v.strip() for v in raw):
            continue

        def get(name: str, raw: list[str] = raw) -> str:
            i = col.get(name)
            return raw[i].strip() if i is not None and i < len(raw) else ""

        def bad(name: str, problem: str, line: int = line) -> PopulationError:
            return PopulationError(f"{path}: line {line}, column {name}: {problem}")

        if len(raw) > len(header):
            raise PopulationError(f"{path}: line {line}: {len(raw)} values for "
                                  f"{len(header)} columns")
        year = _int(get("year"), lambda p: bad("year", p))
        if not 1900 <= year <= 2200:
            raise bad("year", f"{year} is not a mid-year (e.g. 2023)")
        gss, code = get("gss_code").upper(), get("la_code")
        if not gss and not code:
            raise bad("gss_code", "blank, and la_code is blank too (one is needed)")
        if gss and gss not in by_gss:
            raise bad("gss_code", f"{gss!r} is not an LA in the register (districts, E07, "
                      "must be added up to their county first)")
        if code and code not in by_code:
            raise bad("la_code", f"{code!r} is not an LA code in the register")
        if gss and code and gss not in by_code[code]:
            raise bad("gss_code", f"{gss} is not the GSS code of LA {code} "
                      f"(the register has {', '.join(sorted(by_code[code])) or 'none'})")
        code = code or by_gss[gss]
        gss = gss or _gss_for(code, year)
        sex_text = get("sex")
        sex = SEXES.get(sex_text.lower())
        if sex is None:
            raise bad("sex", f"{sex_text!r} is not Male, Female or All")
        age_text, band_text = get("age"), get("age_band")
        if age_text and band_text:
            raise bad("age_band", "both age and age_band are filled (one per row)")
        if not age_text and not band_text:
            raise bad("age", "blank, and age_band is blank too (one is needed)")
        age: int | None = None
        label: str | None = None
        if age_text:
            age = _int(age_text.removesuffix("+"), lambda p: bad("age", p))
            if age > MAX_AGE or (age_text.endswith("+") and age != MAX_AGE):
                raise bad("age", f"{age_text!r}: single years run 0..{MAX_AGE} "
                          f"({MAX_AGE} = {MAX_AGE} and over)")
            lo, hi = age, (None if age == MAX_AGE else age)
        else:
            band = parse_band(band_text)
            if band is None:
                raise bad("age_band", f"{band_text!r} is not an age band like 18-64, 65+ "
                          "or Under 18")
            label, lo, hi = band.label, band.min or 0, band.max
            if hi is not None and hi >= MAX_AGE:
                raise bad("age_band", f"{band_text!r}: ages above {MAX_AGE - 1} are one "
                          f"group ({MAX_AGE}+); end the band below {MAX_AGE} or use "
                          f"{lo}+")
        pop = _int(get("population"), lambda p: bad("population", p))
        span = (lo, OPEN if hi is None else hi, line)
        key = (code, sex, year)
        for other in seen.get(key, []):
            if span[0] <= other[1] and other[0] <= span[1]:
                what = "repeats" if span[:2] == other[:2] else "overlaps the ages of"
                raise bad("age" if age_text else "age_band",
                          f"{what} line {other[2]} (LA {code}, {sex}, {year})")
        seen.setdefault(key, []).append(span)
        for name, value in (("la_code", code), ("gss_code", gss), ("sex", sex), ("age", age),
                            ("age_band", label), ("year", year), ("population", pop),
                            ("source", get("source") or None), ("age_min", lo),
                            ("age_max", hi)):
            data[name].append(value)
    if not data["year"]:
        raise PopulationError(f"{path}: the population file has no rows")
    synthetic = any(isinstance(s, str) and s.lower().startswith("synthetic")
                    for s in data["source"])
    return Population(ibis.memtable(data, schema=SCHEMA), synthetic, str(path))


def _int(text: str, err: Callable[[str], PopulationError]) -> int:
    if not re.fullmatch(r"\d+", text):
        raise err("blank" if not text else f"{text!r} is not a whole number of 0 or more")
    return int(text)


def synthetic_population() -> Population:
    """The shipped synthetic table (made up, deterministic: scripts/make_population.py)."""
    return read_population(SYNTHETIC)


# --- sums per band ------------------------------------------------------------------------

def is_synthetic(table: ir.Table) -> bool:
    """Whether any row of a normalised population table is labelled synthetic."""
    t = table.filter(table.source.lower().startswith("synthetic"))
    return bool(t.count().to_pyarrow().as_py())


def population_for(population: Population | ir.Table, bands: Sequence[AgeBand | str],
                   year: int) -> BandPopulation:
    """Population per LA for each band (`age_band` = the band's label) in a mid-year: single
    years and smaller bands are summed; "All" rows are used where an LA has them, else Male
    plus Female. An LA in the file for that year whose rows cannot make up a band exactly is
    an error; an LA missing from the year is simply absent from the result."""
    table = population.table if isinstance(population, Population) else population
    wanted: list[AgeBand] = []
    for b in bands:
        if isinstance(b, str):
            parsed = parse_band(b)
            if parsed is None:
                raise PopulationError(f"{b!r} is not an age band like 18-64 or 65+")
            wanted.append(parsed.model_copy(update={"label": b}))
        else:
            wanted.append(b)
    t = table.filter(table.year == year)
    years = sorted(v for v in table.select("year").distinct().to_pyarrow().column(0)
                   .to_pylist())
    if year not in years:
        raise PopulationError(f"the population has no rows for mid-year {year} "
                              f"(years given: {', '.join(map(str, years)) or 'none'})")
    has_all = (t.sex == "All").max().over(group_by=[t.la_code])
    t = t.mutate(_has_all=has_all)
    t = t.filter((t.sex == "All") | ~t._has_all)
    lo, hi = t.age_min, t.age_max.fill_null(OPEN)
    pieces = []
    for b in wanted:
        blo, bhi = _bounds(b)
        inside = t.filter((lo >= blo) & (hi <= bhi))
        pieces.append(inside.group_by(["la_code", "sex"]).aggregate(
            population=inside.population.sum(),
            width=(inside.age_max.fill_null(OPEN) - inside.age_min + 1).cast("int64").sum(),
            gss_code=inside.gss_code.max(),
        ).mutate(age_band=ibis.literal(b.label, type="string")))
    per_sex = pieces[0]
    for p in pieces[1:]:
        per_sex = per_sex.union(p)
    las = t.select("la_code", "sex").distinct()
    grid = las.cross_join(ibis.memtable(
        {"age_band": [b.label for b in wanted],
         "need": [_bounds(b)[1] - _bounds(b)[0] + 1 for b in wanted]},
        schema={"age_band": "string", "need": "int64"}))
    j = grid.left_join(per_sex, [grid.la_code == per_sex.la_code, grid.sex == per_sex.sex,
                                 grid.age_band == per_sex.age_band])
    j = j.select(grid.la_code, grid.sex, grid.age_band, grid.need,
                 width=j.width.fill_null(0), population=j.population.fill_null(0),
                 gss_code=j.gss_code)
    gaps = j.filter(j.width != j.need).order_by(["la_code", "age_band", "sex"]).limit(5)
    gap_rows = gaps.to_pyarrow().to_pylist()
    if gap_rows:
        first = gap_rows[0]
        raise PopulationError(
            f"the population for mid-year {year} cannot make up age band "
            f"{first['age_band']} for LA {first['la_code']} ({first['sex']}): its rows do not "
            "cover exactly those ages (single years, or bands inside it)")
    sexes = t.select("la_code", "sex").distinct().group_by("la_code").aggregate(
        n=ibis._.count(), has_all=(ibis._.sex == "All").max())
    short = sexes.filter(~sexes.has_all & (sexes.n < 2)).limit(1).to_pyarrow().to_pylist()
    if short:
        raise PopulationError(f"the population for mid-year {year} has only one sex for LA "
                              f"{short[0]['la_code']} (give All, or both Male and Female)")
    out = j.group_by(["la_code", "age_band"]).aggregate(
        population=j.population.sum(), gss_code=j.gss_code.max())
    out = out.mutate(year=ibis.literal(year, type="int32")).select(
        "la_code", "gss_code", "age_band", "year", "population")
    synthetic = is_synthetic(table)
    return BandPopulation(out, synthetic, "synthetic population" if synthetic else "")
