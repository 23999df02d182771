"""generate(): a synthetic CLD submission for one LA and reporting period.

Steps: pathways (events per person, numpy) -> deaths (close events at the date of death) ->
person details (ages, names, NHS numbers, postcodes, PSR, statuses) -> providers and costs of
services -> one polars frame of strings in the specification's column order, rows by person
then event start -> optional injected defects with a manifest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np
import polars as pl

from cld.spec import load_register, load_spec
from cld.synth.events import LIST_ITEMS, OPEN
from cld.synth.frame import SynthResult, days
from cld.synth.identity import (
    NamePools,
    cqc_ids,
    distinct_codes,
    name_pools,
    nhs_numbers,
    outward_codes,
    postcodes,
)
from cld.synth.pathways import KINDS, Pathways
from cld.synth.tidy import drop_repeated_keys, later_assessments_as_reviews
from cld.synth.vocab import Vocab

KIND_NAMES = list(KINDS)

# Person details, by group. Names are canonical values, checked against the specification.
GENDER = {"Female": 57, "Male": 42, "Not known": 1}
ETHNICITY = {"White (English / Welsh / Scottish / Northern Irish / British)": 800,
             "White Irish": 10, "White (Gypsy or Irish Traveller)": 2,
             "Any other White background": 40, "White and Black Caribbean": 5,
             "White and Black African": 3, "White and Asian": 4,
             "Any other mixed / multiple ethnic background": 3, "Indian": 20, "Pakistani": 15,
             "Bangladeshi": 6, "Chinese": 3, "Any other Asian background": 10, "African": 12,
             "Caribbean": 12, "Any other Black / African / Caribbean background": 4,
             "Arab": 2, "Any other ethnic group": 6, "Refused": 5, "Undeclared / Not known": 30}
PSR_OLDER = {"Physical Support: Personal care support": 55,
             "Physical Support: Access & mobility only": 14,
             "Support with Memory & Cognition": 16, "Mental Health Support": 4,
             "Sensory Support: Support for visual impairment": 3,
             "Sensory Support: Support for hearing impairment": 2,
             "Sensory Support: Support for dual impairment": 1,
             "Social Support: Support for Social Isolation/Other": 3, "PSR Not Known": 2}
PSR_CARE_HOME = {"Physical Support: Personal care support": 47,
                 "Support with Memory & Cognition": 45, "Mental Health Support": 5,
                 "Sensory Support: Support for dual impairment": 1, "PSR Not Known": 2}
PSR_YOUNGER = {"Mental Health Support": 32, "Physical Support: Personal care support": 30,
               "Physical Support: Access & mobility only": 12,
               "Social Support: Substance misuse support": 6,
               "Social Support: Support for Social Isolation/Other": 6,
               "Social Support: Asylum seeker support": 1,
               "Sensory Support: Support for visual impairment": 3,
               "Sensory Support: Support for hearing impairment": 2,
               "Support with Memory & Cognition": 3, "PSR Not Known": 5}
MEMORY = "Support with Memory & Cognition"
CARER = {"Yes": 45, "No": 42, "Not known": 13}
ASD_LD = {"Yes": 25, "No": 60, "Not known": 15}
ASD_OTHER = {"Yes": 1, "No": 80, "Not known": 19}
VISUAL = {"Blind/severely sight impaired": 2, "Partial sight/sight impaired": 5,
          "No visual impairment": 78, "Unknown": 15}
HEARING = {"Deaf with speech": 1, "Deaf without speech": 0.3, "Hard of hearing": 8,
           "No hearing impairment": 76, "Unknown": 15}
DEMENTIA = {"Yes": 8, "No": 75, "Not known": 17}
ACCOMMODATION_LD = {"Settled mainstream housing with family / friends": 35,
                    "Supported accommodation / supported lodgings / supported group home": 30,
                    "Tenant": 12, "Shared Lives scheme": 8,
                    "Owner occupier or shared ownership scheme": 3, "Registered care home": 5,
                    "Tenant - private landlord": 5, "Unknown": 2}
ACCOMMODATION_OTHER = {"Owner occupier or shared ownership scheme": 45, "Tenant": 25,
                       "Tenant - private landlord": 8,
                       "Settled mainstream housing with family / friends": 10,
                       "Sheltered housing / extra care housing / other sheltered housing": 10,
                       "Unknown": 2}
EMPLOYMENT_LD = {"Paid: Less than 16 hours a week": 6, "Paid: 16 or more hours a week": 2,
                 "Not in Paid Employment (seeking work)": 4,
                 "Not in Paid Employment (not actively seeking work / retired)": 70,
                 "Not in Paid Employment (voluntary work only)": 5, "Unknown": 13}
EMPLOYMENT_YOUNGER = {"Paid: Less than 16 hours a week": 5, "Paid: 16 or more hours a week": 8,
                      "Not in Paid Employment (seeking work)": 12,
                      "Not in Paid Employment (not actively seeking work / retired)": 60,
                      "Not in Paid Employment (voluntary work only)": 3, "Unknown": 12}
EMPLOYMENT_OLDER = {"Not in Paid Employment (not actively seeking work / retired)": 90,
                    "Unknown": 10}
OLDER_SHARE = {"front_door": 0.65, "short_term": 0.78, "new_community": 0.7,
               "existing_community": 0.62, "existing_care_home": 0.93, "new_care_home": 0.93,
               "learning_disability": 0.07, "end_of_life": 0.88}

# Costs (guidance: Costs): by service component, (cost frequency, weight, unit cost range in
# pounds, planned units per week range or None).
COSTS: dict[str, list[tuple[str, float, tuple[float, float], tuple[float, float] | None]]] = {
    "Long Term Residential Care": [("Weekly", 90, (550, 1100), None),
                                   ("4-weekly", 10, (2200, 4400), None)],
    "Long Term Nursing Care": [("Weekly", 90, (700, 1500), None),
                               ("4-weekly", 10, (2800, 6000), None)],
    "Short Term Residential Care": [("Weekly", 70, (550, 1100), None),
                                    ("Daily", 30, (80, 160), (7, 7))],
    "Short Term Nursing Care": [("Weekly", 70, (700, 1500), None),
                                ("Daily", 30, (100, 215), (7, 7))],
    "Home Support": [("Hourly", 100, (17, 27), (2, 35))],
    "Day Support": [("Per Session", 60, (25, 75), (1, 5)), ("Daily", 40, (30, 90), (1, 5))],
    "Meals": [("Daily", 100, (4, 9), (5, 7))],
    "Transport": [("Per Session", 100, (6, 25), (2, 10))],
    "Direct Payment": [("Weekly", 60, (80, 650), None), ("4-weekly", 25, (320, 2600), None),
                       ("Monthly", 15, (350, 2800), None)],
    "Shared Lives": [("Weekly", 100, (250, 650), None)],
    "Community Supported Living": [("Weekly", 60, (400, 1800), None),
                                   ("Hourly", 40, (17, 26), (10, 60))],
    "Professional Support": [("Hourly", 100, (30, 60), (1, 5))],
    "Learning/Education/Employment Support": [("Per Session", 100, (20, 60), (1, 5))],
    "Other Long Term Support": [("Weekly", 100, (50, 400), None)],
}
CARE_HOME_COMPONENTS = ("Short Term Residential Care", "Short Term Nursing Care",
                        "Long Term Residential Care", "Long Term Nursing Care")
NURSING_COMPONENTS = ("Short Term Nursing Care", "Long Term Nursing Care")
REGULATED = ("Reablement", "Home Support", "Community Supported Living", "Shared Lives",
             "End of Life Care")
FULL_COST = {"Yes": 4, "No": 96}


def _lut(values: list[str], codes: np.ndarray) -> pl.Series:
    """Strings for codes into `values` (-1 -> "")."""
    idx = np.where(codes < 0, len(values), codes)
    return pl.Series(values + [""], dtype=pl.String).gather(idx)


def _dates(days: np.ndarray) -> pl.Series:
    """dd/mm/yyyy strings for day numbers (OPEN or negative sentinel -> "")."""
    blank = days >= OPEN
    if blank.all():
        return pl.Series([""] * len(days), dtype=pl.String)
    lo, hi = int(days[~blank].min()), int(days[~blank].max())
    text = (pl.Series(np.arange(lo, hi + 1), dtype=pl.Int32).cast(pl.Date)
            .dt.strftime("%d/%m/%Y").to_list())
    return pl.Series(text + [""], dtype=pl.String).gather(np.where(blank, hi - lo + 1, days - lo))


def _decimal(hundredths: np.ndarray) -> pl.Series:
    """0.00-format strings from integer hundredths (-1 -> "")."""
    s = pl.Series(hundredths, dtype=pl.Int64)
    df = pl.DataFrame({"v": s}).select(
        pl.when(pl.col("v") < 0).then(pl.lit(""))
        .otherwise(pl.concat_str((pl.col("v") // 100).cast(pl.String), pl.lit("."),
                                 (pl.col("v") % 100).cast(pl.String).str.zfill(2))))
    return df.to_series()


def _numbered(prefix: str, n: int, width: int) -> pl.Series:
    """prefix + 1..n zero-padded to at least `width` digits."""
    digits = pl.Series(np.arange(1, n + 1)).cast(pl.String).str.zfill(max(width, len(str(n))))
    return pl.select(pl.concat_str(pl.lit(prefix), digits)).to_series()


class _Picker:
    def __init__(self, vocab: Vocab, rng: np.random.Generator) -> None:
        self.v, self.rng = vocab, rng

    def __call__(self, list_id: str, weights: Mapping[str, float] | None, n: int,
                 default: float = 0.0) -> np.ndarray:
        p = self.v.probs(list_id, weights, default)
        return self.rng.choice(len(p), size=n, p=p)

    def where(self, list_id: str, groups: Iterable[tuple[np.ndarray, Mapping[str, float]]],
              n: int) -> np.ndarray:
        """Codes chosen by the first group mask each person falls in (-1 when none)."""
        out = np.full(n, -1, dtype=np.int64)
        done = np.zeros(n, dtype=bool)
        for mask, weights in groups:
            m = mask & ~done
            out[m] = self(list_id, weights, int(m.sum()))
            done |= m
        return out


def generate(la_code: str, period_start: date, period_end: date, people: int, seed: int = 0,
             defects: float = 0.0, defect_kinds: Iterable[str] | None = None) -> SynthResult:
    """A synthetic submission for one LA and reporting period.

    `people` people, about five events each; `defects`: the share of rows given one injected
    defect (each recorded in the manifest); `defect_kinds`: rule codes to inject (default
    all of `DEFECT_KINDS`). The same arguments give the same result, and the clean data does
    not depend on `defects` or `defect_kinds`.
    """
    register = load_register()
    if la_code not in register:
        raise ValueError(f"{la_code!r} is not an LA code in the register")
    if period_end < period_start:
        raise ValueError("the period ends before it starts")
    if people < 1:
        raise ValueError("people must be at least 1")
    if not 0.0 <= defects <= 0.5:
        raise ValueError("defects is a share of rows between 0 and 0.5")
    spec = load_spec()
    vocab = Vocab(spec)
    rng = np.random.default_rng([seed, 0])
    S, E = days(period_start), days(period_end)

    pw = Pathways(vocab, rng, S, E, people)
    pw.run()
    ev = pw.ev.arrays()
    dod = _deaths(pw, ev, vocab, rng)
    names = name_pools(seed)
    places = _Places(la_code, pw, names, rng)
    person = _people(pw, ev, dod, vocab, names, places, rng)

    # rows by person, then event start (then pathway order)
    order = np.lexsort((ev["seq"], ev["start"], ev["pid"]))
    ev = {k: a[order] for k, a in ev.items()}
    later_assessments_as_reviews(ev, vocab)
    ev = drop_repeated_keys(ev, vocab)
    pid = ev["pid"]
    n_rows = len(pid)

    la = register[la_code]
    fy = period_start.year if period_start.month >= 4 else period_start.year - 1
    submission = {"la_code": la.code, "la_name": la.name,
                  "reporting_year": f"{fy}/{(fy + 1) % 100:02d}",
                  "period_start": period_start.strftime("%d/%m/%Y"),
                  "period_end": period_end.strftime("%d/%m/%Y")}
    cols: dict[str, pl.Series] = {k: pl.repeat(v, n_rows, eager=True, dtype=pl.String)
                                  for k, v in submission.items()}
    people_rows = person[pid]
    for c in person.columns:
        cols[c] = people_rows[c]
    cols["event_type"] = _lut(vocab.values["event_type"], ev["event_type"])
    cols["event_reference"] = _numbered("EV", n_rows, 8)
    cols["event_start"] = _dates(ev["start"])
    cols["event_end"] = _dates(ev["end"])
    cols["event_description"] = _descriptions(vocab, ev, rng)
    for item in LIST_ITEMS:
        cols[item] = _lut(vocab.values[vocab.list_of(item)], ev[item])
    costed = _services(ev, vocab, places, rng, cols)
    missing = [i.id for i in spec.items if i.id not in cols]
    if missing:
        raise AssertionError(f"no generator for items {missing}")
    frame = pl.DataFrame({i.name: cols[i.id].alias(i.name) for i in spec.items})

    rows_per_person = np.bincount(pid, minlength=people)
    meta = {"event_type": ev["event_type"], "start": ev["start"], "end": ev["end"],
            "costed": costed, "dead": dod[pid] < OPEN, "single": rows_per_person[pid] == 1}
    result = SynthResult(frame, [], meta, (period_start, period_end))
    if defects > 0:
        from cld.synth.defects import inject

        inject(result, vocab, defects, defect_kinds, np.random.default_rng([seed, 1]))
    return result


def _deaths(pw: Pathways, ev: dict[str, np.ndarray], vocab: Vocab, rng: np.random.Generator
            ) -> np.ndarray:
    """Dates of death (OPEN: alive): in the period, on or after the person's last event start.
    Events still open or ending later end on the date of death, 'NFA - Deceased'."""
    pid = ev["pid"]
    last_start = np.full(pw.n, pw.S, dtype=np.int64)
    np.maximum.at(last_start, pid, ev["start"])
    dies = rng.random(pw.n) < pw.death_p
    span = pw.E - last_start
    offset = np.where(pw.death_mean > 0,
                      np.minimum(rng.exponential(np.maximum(pw.death_mean, 1)), span),
                      np.floor(rng.random(pw.n) * (span + 1))).astype(np.int64)
    dod = np.where(dies, last_start + offset, OPEN)
    cut = ev["end"] > dod[pid]
    ev["end"] = np.where(cut, dod[pid], ev["end"])
    deceased = np.array([vocab.outcome(et, "NFA - Deceased")
                         for et in vocab.values["event_type"]])
    ev["event_outcome"] = np.where(cut, deceased[ev["event_type"]], ev["event_outcome"])
    return dod


class _Places:
    """Care homes, home care providers and GP practices of the LA (all fictional)."""

    def __init__(self, la_code: str, pw: Pathways, names: NamePools,
                 rng: np.random.Generator) -> None:
        n = pw.n
        self.outward = outward_codes(la_code)
        n_homes = max(12, int(pw.care_home.sum()) // 25)
        nursing = np.arange(n_homes) < max(4, int(n_homes * 0.4))
        street = rng.integers(0, len(names.streets), n_homes)
        suffix = rng.choice(["House", "Lodge", "Court", "Manor", "Grange", "Care Home"],
                            n_homes)
        homes = [f"{names.streets[int(street[j])].split()[0]} "
                 f"{'Nursing Home' if nursing[j] else suffix[j]}" for j in range(n_homes)]
        self.home_postcodes = postcodes(rng, self.outward, n_homes)
        n_dom = max(8, n // 600)
        surname = rng.integers(0, len(names.last), n_dom)
        kind = rng.choice(["Home Care", "Care Services", "Support Ltd", "Homecare Ltd",
                           "Community Care"], n_dom)
        dom = [f"{names.last[int(surname[j])]} {kind[j]}" for j in range(n_dom)]
        self.n_homes, self.n_dom = n_homes, n_dom
        self.provider_names = pl.Series(homes + dom + [""], dtype=pl.String)
        self.provider_ids = pl.Series(cqc_ids(rng, n_homes + n_dom) + [""], dtype=pl.String)
        nurs_idx, res_idx = np.flatnonzero(nursing), np.flatnonzero(~nursing)
        # each person's care home (used only for people who live in one)
        self.home = np.where(pw.nursing, nurs_idx[rng.integers(0, len(nurs_idx), n)],
                             res_idx[rng.integers(0, len(res_idx), n)])
        n_gp = max(8, min(200, n // 700 + 8))
        letter = rng.integers(0, 26, n_gp)
        number = distinct_codes(rng, n_gp, 5, lo=1)
        self.gp_codes = [f"{chr(65 + int(letter[j]))}{int(number[j]):05d}"
                         for j in range(n_gp)]
        street = rng.integers(0, len(names.streets), n_gp)
        kind = rng.choice(["Surgery", "Medical Centre", "Health Centre", "Medical Practice",
                           "Family Practice"], n_gp)
        self.gp_names = [f"{names.streets[int(street[j])].split()[0]} {kind[j]}"
                         for j in range(n_gp)]


def _people(pw: Pathways, ev: dict[str, np.ndarray], dod: np.ndarray, vocab: Vocab,
            names: NamePools, places: _Places, rng: np.random.Generator) -> pl.DataFrame:
    """One row of person details per person (item id columns, strings)."""
    n, S, E = pw.n, pw.S, pw.E
    pick = _Picker(vocab, rng)
    everyone = np.ones(n, dtype=bool)
    kind = np.array(KIND_NAMES)[pw.kind]
    ld = kind == "learning_disability"
    care_home = pw.care_home

    older = rng.random(n) < np.array([OLDER_SHARE[k] for k in KIND_NAMES])[pw.kind]
    old_age = 65 + np.floor(36 * rng.beta(1.6, 1.8, n))
    young_age = np.where(ld, 18 + np.floor(47 * rng.random(n)),
                         18 + np.floor(47 * rng.beta(1.8, 1.2, n)))
    age = np.where(pw.age_hint >= 0, pw.age_hint, np.where(older, old_age, young_age))
    dob = S - np.floor(age * 365.25).astype(np.int64) - rng.integers(0, 365, n)
    first_start = np.full(n, OPEN, dtype=np.int64)
    np.minimum.at(first_start, ev["pid"], ev["start"])
    # 18 or over when each event starts (6576 days is at least 18 years)
    dob = np.minimum(dob, first_start - 6576 - rng.integers(0, 200, n))
    age_end = (E - dob) / 365.25

    psr = pick.where("primary_support_reason", [
        (ld, dict.fromkeys(vocab.spec.group("learning_disability_reasons"), 1)),
        (care_home, PSR_CARE_HOME), (age_end >= 65, PSR_OLDER),
        (everyone, PSR_YOUNGER)], n)
    gender = pick("gender", GENDER, n)
    female = gender == vocab.code("gender", "Female")
    male = gender == vocab.code("gender", "Male")
    female_name = female | (~male & (rng.random(n) < 0.5))
    first = np.where(female_name,
                     np.array(names.female, dtype=object)[rng.integers(0, len(names.female), n)],
                     np.array(names.male, dtype=object)[rng.integers(0, len(names.male), n)])
    last = np.array(names.last, dtype=object)[rng.integers(0, len(names.last), n)]

    def voluntary(codes: np.ndarray) -> np.ndarray:
        return np.where(rng.random(n) < 0.1, -1, codes)  # some voluntary items left blank

    memory = psr == vocab.code("primary_support_reason", MEMORY)
    asd = voluntary(pick.where("asd", [(ld, ASD_LD), (everyone, ASD_OTHER)], n))
    dementia = voluntary(np.where(memory & (rng.random(n) < 0.9), vocab.code("dementia", "Yes"),
                                  pick("dementia", DEMENTIA, n)))
    # Accommodation and Employment Status: always for learning disability clients (mandatory
    # at 18-64), for some others; care home residents' accommodation is the care home.
    status = ld | (rng.random(n) < 0.25)
    accommodation = pick.where("accommodation_status", [
        (ld, ACCOMMODATION_LD), (everyone, ACCOMMODATION_OTHER)], n)
    in_home = np.where(pw.nursing, vocab.code("accommodation_status", "Registered nursing home"),
                       vocab.code("accommodation_status", "Registered care home"))
    accommodation = np.where(status, np.where(care_home & ~ld, in_home, accommodation), -1)
    employment = pick.where("employment_status", [
        (ld, EMPLOYMENT_LD), (age_end < 65, EMPLOYMENT_YOUNGER), (everyone, EMPLOYMENT_OLDER)],
        n)
    employment = np.where(status, employment, -1)

    gp = np.where(rng.random(n) < 0.04, len(places.gp_codes),
                  rng.integers(0, len(places.gp_codes), n))
    # most care home residents' postcode is the care home's
    postcode = pl.select(pl.when(pl.Series(care_home & (rng.random(n) < 0.85)))
                         .then(places.home_postcodes.gather(places.home))
                         .otherwise(postcodes(rng, places.outward, n))).to_series()

    def lut(item: str, codes: np.ndarray) -> pl.Series:
        return _lut(vocab.values[vocab.list_of(item)], codes)

    return pl.DataFrame({
        "person_id": _numbered("P", n, 7),
        "nhs_number": pl.Series(nhs_numbers(rng, n)).cast(pl.String),
        "first_name": pl.Series(first, dtype=pl.String),
        "last_name": pl.Series(last, dtype=pl.String),
        "gp_practice_name": pl.Series(places.gp_names + [""], dtype=pl.String).gather(gp),
        "gp_practice_code": pl.Series(places.gp_codes + [""], dtype=pl.String).gather(gp),
        "gender": lut("gender", gender),
        "ethnicity": lut("ethnicity", pick("ethnicity", ETHNICITY, n)),
        "date_of_birth": _dates(dob),
        "date_of_death": _dates(dod),
        "primary_support_reason": lut("primary_support_reason", psr),
        "postcode": postcode,
        "accommodation_status": lut("accommodation_status", accommodation),
        "employment_status": lut("employment_status", employment),
        "has_informal_carer": lut("has_informal_carer", pick("has_informal_carer", CARER, n)),
        "asd": lut("asd", asd),
        "visual_impairment": lut("visual_impairment",
                                 voluntary(pick("visual_impairment", VISUAL, n))),
        "hearing_impairment": lut("hearing_impairment",
                                  voluntary(pick("hearing_impairment", HEARING, n))),
        "dementia": lut("dementia", dementia),
    })


def _services(ev: dict[str, np.ndarray], vocab: Vocab, places: _Places,
              rng: np.random.Generator, cols: dict[str, pl.Series]) -> np.ndarray:
    """Provider and cost columns of services (into `cols`); returns which rows are costed.

    Costed (guidance: Costs): long term support other than CASSR commissioned support, and
    short term residential or nursing care. Planned units per week exactly where the cost
    is hourly, daily or per session; Full cost client on costed services only."""
    n = len(ev["pid"])
    comp = ev["service_component"]
    code, codes = vocab.code, vocab.codes
    service = ev["event_type"] == code("event_type", "Service")

    blank = places.n_homes + places.n_dom
    provider = np.full(n, blank, dtype=np.int64)
    given = rng.random(n) < 0.8
    in_home = np.isin(comp, codes("service_component", CARE_HOME_COMPONENTS))
    provider = np.where(in_home & given, places.home[ev["pid"]], provider)
    regulated = np.isin(comp, codes("service_component", REGULATED))
    provider = np.where(regulated & given,
                        places.n_homes + rng.integers(0, places.n_dom, n), provider)
    cols["provider_name"] = places.provider_names.gather(provider)
    cols["provider_cqc_id"] = places.provider_ids.gather(provider)

    group = vocab.spec.group
    costed = service & (
        (np.isin(ev["service_type"], codes("service_type", group("long_term_service_types")))
         & ~np.isin(ev["delivery_mechanism"],
                    codes("delivery_mechanism", group("commissioned_mechanisms"))))
        | np.isin(comp, codes("service_component", group("short_term_beds"))))
    unit_cost = np.full(n, -1, dtype=np.int64)  # pence
    frequency = np.full(n, -1, dtype=np.int64)
    units = np.full(n, -1, dtype=np.int64)  # hundredths
    for name in vocab.values["service_component"]:
        rows = np.flatnonzero(costed & (comp == code("service_component", name)))
        if not len(rows):
            continue
        options = COSTS.get(name, [("Weekly", 1, (50.0, 500.0), None)])
        w = np.array([o[1] for o in options], dtype=float)
        choice = rng.choice(len(options), size=len(rows), p=w / w.sum())
        for j, (freq, _, (lo, hi), per_week) in enumerate(options):
            r = rows[choice == j]
            frequency[r] = code("cost_frequency", freq)
            unit_cost[r] = rng.integers(int(lo * 100), int(hi * 100) + 1, len(r))
            if per_week is not None:
                quarters = rng.integers(int(per_week[0] * 4), int(per_week[1] * 4) + 1, len(r))
                units[r] = quarters * 25 if freq == "Hourly" else quarters // 4 * 100
    more_than_weekly = np.isin(frequency, codes("cost_frequency",
                                                  group("more_than_weekly_frequencies")))
    if ((units >= 0) != more_than_weekly).any():
        raise AssertionError("planned units must go with hourly, daily or per session costs")
    cols["unit_cost"] = _decimal(unit_cost)
    cols["cost_frequency"] = _lut(vocab.values["cost_frequency"], frequency)
    cols["planned_units"] = _decimal(units)
    # one value per person: a client pays the full cost of all the support, or not
    full = _Picker(vocab, rng)("full_cost_client", FULL_COST, int(ev["pid"].max(initial=-1)) + 1)
    full_row = full[ev["pid"]]
    cols["full_cost_client"] = _lut(vocab.values["yes_no"], np.where(costed, full_row, -1))
    return costed


def _descriptions(vocab: Vocab, ev: dict[str, np.ndarray], rng: np.random.Generator
                  ) -> pl.Series:
    """Free-text local descriptions, as a case system might write them (some blank)."""
    n = len(ev["pid"])
    et = ev["event_type"]
    code = vocab.code
    text = np.full(n, "", dtype=object)
    text[et == code("event_type", "Request")] = "Contact"
    a = et == code("event_type", "Assessment")
    text[a] = np.where(ev["assessment_type"][a] == code("assessment_type", "Long Term Assessment"),
                       "Care Act assessment", "Reablement assessment")
    r = et == code("event_type", "Review")
    text[r] = np.where(ev["review_reason"][r] == code("review_reason", "Planned"),
                       "Annual review", "Unplanned review")
    s = et == code("event_type", "Service")
    comp = np.array(vocab.values["service_component"] + [""], dtype=object)
    text[s] = comp[ev["service_component"][s]] + " package"
    text[rng.random(n) < 0.15] = ""
    return pl.Series(text, dtype=pl.String)
