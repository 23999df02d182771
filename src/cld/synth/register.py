"""A synthetic demographic register with known truth, for testing NHS number tracing.

`make(persons, records, seed)` draws `persons` synthetic people (the LA's clients) and
`records - persons` distractors (other people, some of them twins or namesakes of a client),
then writes the LA's view of each client with one known defect (or none):

- `clean`: as in the register;  `missing`: no NHS number;  `check_digit`: a digit mistyped
  (fails modulus 11);  `transposed`: two adjacent digits swapped;  `superseded`: the number
  the LA holds was replaced (the register keeps it with superseded_by);  `swapped_dob`: day and
  month swapped;  `surname`: the register's family name changed (the LA has the old one, in
  previous_family_names);  `moved`: the LA has the old postcode (in previous_postcodes);
  `twin`: a twin (same birth date, surname, postcode, another given name) is in the register;
  `given_typo`: one letter of the given name wrong;  `dob_typo`: one digit of the birth date
  wrong;  `absent`: the client is not in the register at all (true number: none), though a
  namesake may be. All but clean, check_digit, transposed, superseded and swapped_dob are
  sent with no NHS number (with one, the cross-check would find them).

Returns the register (columns of the register file, dates as DATE), the requests (the
request shape of cld.privacy.schema) and the truth: person_id, the true current NHS number,
the defect. Only the tests and benchmarks read the truth; the product never does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from cld.synth.identity import (
    name_pools,
    nhs_numbers,
    outward_codes,
    postcodes,
    wrong_check_digit,
)

DEFECTS = ("clean", "missing", "check_digit", "transposed", "superseded", "swapped_dob",
           "surname", "moved", "twin", "given_typo", "dob_typo", "absent")
# Shares of clients given each defect (the rest clean).
SHARES = {"missing": 0.1, "check_digit": 0.05, "transposed": 0.05, "superseded": 0.05,
          "swapped_dob": 0.05, "surname": 0.06, "moved": 0.1, "twin": 0.04, "given_typo": 0.04,
          "dob_typo": 0.04, "absent": 0.04}
# These come with no NHS number on the LA's side, so the demographic steps are what finds
# them (with a number, the cross-check would).
NO_NUMBER = ("missing", "surname", "moved", "twin", "given_typo", "dob_typo", "absent")


@dataclass(frozen=True)
class SynthRegister:
    register: pl.DataFrame
    requests: pl.DataFrame
    truth: pl.DataFrame


def _people(rng: np.random.Generator, n: int, pools, outward: list[str]) -> pl.DataFrame:
    female = rng.random(n) < 0.55
    first = np.where(female,
                     np.array(pools.female, dtype=object)[rng.integers(0, len(pools.female), n)],
                     np.array(pools.male, dtype=object)[rng.integers(0, len(pools.male), n)])
    base = np.datetime64("1925-01-01")
    dob = base + rng.integers(0, 365 * 80, n).astype("timedelta64[D]")
    return pl.DataFrame({
        "family_name": pl.Series(np.array(pools.last, dtype=object)[
            rng.integers(0, len(pools.last), n)], dtype=pl.String),
        "given_name": pl.Series(first, dtype=pl.String),
        "gender": pl.Series(np.where(female, "2", "1"), dtype=pl.String),
        "date_of_birth": pl.Series(dob).cast(pl.Date),
        "postcode": postcodes(rng, outward, n),
    })


def clients_of(rows: pl.DataFrame) -> pl.DataFrame:
    """The distinct people of a synthetic submission (`SynthResult.rows`), as `make` takes
    them for `clients`."""
    return rows.filter(pl.col("NHS Number").str.contains(r"^[0-9]{10}$")).select(
        pl.col("NHS Number").alias("nhs_number"), pl.col("Last Name").alias("family_name"),
        pl.col("First Name").alias("given_name"),
        pl.col("Gender").replace_strict({"Male": "1", "Female": "2"}, default="0")
        .alias("gender"),
        pl.col("Date of Birth").str.to_date("%d/%m/%Y", strict=False).alias("date_of_birth"),
        pl.col("Postcode").alias("postcode"),
    ).unique("nhs_number", keep="first", maintain_order=True)


def make(persons: int = 2000, records: int = 20000, seed: int = 0,
         la_code: str = "503", clients: pl.DataFrame | None = None) -> SynthRegister:
    """`clients` (columns as `clients_of` gives): use these people as the clients instead of
    drawing `persons` new ones (their NHS numbers must be valid and distinct)."""
    if clients is not None:
        persons = clients.height
    if records < persons * 1.3:
        raise ValueError("records must be at least 1.3 times persons (room for distractors)")
    rng = np.random.default_rng([seed, 7])
    pools = name_pools(seed)
    outward = outward_codes(la_code)
    n_sup = int(persons * SHARES["superseded"]) + 1
    numbers = nhs_numbers(rng, records + n_sup + (persons if clients is not None else 0)
                          ).astype(str)
    if clients is not None:  # distractors never get a client's number
        numbers = numbers[~np.isin(numbers, clients["nhs_number"].to_numpy())]
    people = _people(rng, records, pools, outward)
    people = people.with_columns(pl.Series("nhs_number", numbers[:records]))
    if clients is not None:
        people = pl.concat([clients.select(people.columns), people.slice(persons)])
    numbers = numbers[records:]
    # defects for the first `persons` records (the clients)
    kinds = np.array(["clean"] * persons, dtype=object)
    order = rng.permutation(persons)
    at = 0
    for kind, share in SHARES.items():
        k = int(round(persons * share))
        kinds[order[at:at + k]] = kind
        at += k
    # namesakes: distractors sharing a client's family name and birth date (another given
    # name and postcode); twins: same family name, birth date and postcode
    n_dis = records - persons
    twin_of = np.flatnonzero(kinds == "twin")
    namesake_of = rng.choice(persons, size=min(persons // 10, n_dis // 4), replace=False)
    dis = people.slice(persons)
    copy_from = np.concatenate([twin_of, namesake_of])
    idx = persons + np.arange(len(copy_from))
    cols = {c: people[c].to_numpy().copy() for c in people.columns}
    for c in ("family_name", "date_of_birth"):
        cols[c][idx] = cols[c][copy_from]
    cols["postcode"][idx[:len(twin_of)]] = cols["postcode"][twin_of]
    # a twin gets another given name than the client's (same pool, rotated)
    same = cols["given_name"][idx] == cols["given_name"][copy_from]
    cols["given_name"][idx[same]] = np.roll(cols["given_name"][idx], 1)[same]
    del dis
    reg = pl.DataFrame({c: pl.Series(v.tolist() if v.dtype == object else v, dtype=people[c].dtype)
                        for c, v in cols.items()})
    n = records
    reg = reg.with_columns(
        superseded_by=pl.lit(None, pl.String), other_given_name=pl.lit(None, pl.String),
        date_of_death=pl.lit(None, pl.Date), previous_postcodes=pl.lit(None, pl.String),
        previous_family_names=pl.lit(None, pl.String),
        gp_practice_code=pl.Series([f"Y{x:05d}" for x in rng.integers(0, 99999, n)]),
        sensitive=pl.Series(np.where(rng.random(n) < 0.01, "Y", "N")))
    la = reg.head(persons).with_columns(
        pl.Series("person_id", [f"P{i:07d}" for i in range(persons)]),
        pl.Series("defect", kinds.astype(str)))
    true_nhs = la["nhs_number"]
    reg, la = _defects(reg, la, rng, pools, outward, numbers)
    truth = la.select("person_id", pl.when(pl.col("defect") != "absent").then(true_nhs)
                      .alias("nhs_number"), "defect")
    requests = la.select(
        pl.lit(la_code).alias("la_code"), pl.lit(1, pl.Int64).alias("submission_id"),
        "person_id", "nhs_number", pl.col("given_name").alias("first_name"),
        pl.col("family_name").alias("last_name"),
        pl.col("gender").replace_strict({"1": "Male", "2": "Female"}, default="Not known"),
        "date_of_birth", "postcode", pl.lit(None, pl.String).alias("gp_practice_code"))
    order_cols = ["nhs_number", "superseded_by", "family_name", "given_name",
                  "other_given_name", "gender", "date_of_birth", "date_of_death", "postcode",
                  "previous_postcodes", "previous_family_names", "gp_practice_code",
                  "sensitive"]
    reg = reg.select(order_cols).sample(fraction=1.0, shuffle=True, seed=seed)
    return SynthRegister(reg, requests, truth)


def _defects(reg: pl.DataFrame, la: pl.DataFrame, rng: np.random.Generator, pools,
             outward: list[str], spare: np.ndarray) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply each client's defect to the LA's view (and the register where it lives)."""
    kinds = la["defect"].to_numpy()
    n = la.height
    nhs = la["nhs_number"].to_numpy().astype(object)
    dob = la["date_of_birth"].to_numpy()
    fam = la["family_name"].to_numpy().astype(object)
    pc = la["postcode"].to_numpy().astype(object)
    nhs[np.isin(kinds, NO_NUMBER)] = None
    for i in np.flatnonzero(kinds == "check_digit"):
        nhs[i] = wrong_check_digit(nhs[i], rng)
    for i in np.flatnonzero(kinds == "transposed"):
        s = nhs[i]
        j = next((j for j in range(3, 8) if s[j] != s[j + 1]), 3)
        nhs[i] = s[:j] + s[j + 1] + s[j] + s[j + 2:]
    sup = np.flatnonzero(kinds == "superseded")
    # the register keeps an old record (same person) whose number was replaced
    old = reg.head(n)[sup.tolist()].with_columns(
        nhs_number=pl.Series(spare[:len(sup)]),
        superseded_by=pl.Series(nhs[sup].astype(str)))
    nhs[sup] = spare[:len(sup)]
    sw = np.flatnonzero(kinds == "swapped_dob")
    days = dob[sw].astype("datetime64[D]").astype(object)
    ok = [d.day <= 12 and d.day != d.month for d in days]
    for i, d, good in zip(sw, days, ok, strict=True):
        if good:
            dob[i] = np.datetime64(d.replace(day=d.month, month=d.day))
    for i in np.flatnonzero(kinds == "dob_typo"):
        d = dob[i].astype("datetime64[D]").astype(object)
        day = d.day + 1 if d.day <= 27 and d.day % 10 != 9 else d.day - 1 if d.day != 30 else 20
        dob[i] = np.datetime64(d.replace(day=day))
    given = la["given_name"].to_numpy().astype(object)
    for i in np.flatnonzero(kinds == "given_typo"):
        g = given[i]
        j = 1 + int(rng.integers(0, len(g) - 1)) if len(g) > 1 else 0
        new_letter = "e" if g[j].lower() != "e" else "a"
        given[i] = g[:j] + (new_letter.upper() if j == 0 else new_letter) + g[j + 1:]
    la_kinds = kinds.copy()
    la_kinds[sw[~np.array(ok, dtype=bool)]] = "clean"  # day > 12: no swap possible
    # surname: the register's name changed; the LA holds the old one
    sn = np.flatnonzero(kinds == "surname")
    new = np.array(pools.last, dtype=object)[rng.integers(0, len(pools.last), len(sn))]
    reg_fam = reg["family_name"].to_numpy().astype(object)
    prev_fam = np.full(reg.height, None, dtype=object)
    prev_fam[sn] = reg_fam[sn]
    reg_fam[sn] = new
    # moved: the register has a new postcode; the LA holds the old one
    mv = np.flatnonzero(kinds == "moved")
    reg_pc = reg["postcode"].to_numpy().astype(object)
    prev_pc = np.full(reg.height, None, dtype=object)
    prev_pc[mv] = reg_pc[mv]
    reg_pc[mv] = postcodes(rng, outward, len(mv)).to_numpy()
    reg = reg.with_columns(family_name=pl.Series(reg_fam.tolist(), dtype=pl.String),
                           previous_family_names=pl.Series(prev_fam.tolist(), dtype=pl.String),
                           postcode=pl.Series(reg_pc.tolist(), dtype=pl.String),
                           previous_postcodes=pl.Series(prev_pc.tolist(), dtype=pl.String))
    reg = pl.concat([reg, old.select(reg.columns)])
    reg = reg.filter(~pl.Series(np.isin(np.arange(reg.height), np.flatnonzero(kinds == "absent"))))
    la = la.with_columns(nhs_number=pl.Series(nhs.tolist(), dtype=pl.String),
                         date_of_birth=pl.Series(dob).cast(pl.Date),
                         family_name=pl.Series(fam.tolist(), dtype=pl.String),
                         given_name=pl.Series(given.tolist(), dtype=pl.String),
                         postcode=pl.Series(pc.tolist(), dtype=pl.String),
                         defect=pl.Series(la_kinds.astype(str)))
    return reg, la


def write_register(register: pl.DataFrame, path: str) -> None:
    """The register file (CSV, dates YYYYMMDD) as cld.privacy.tracing reads it."""
    register.with_columns(pl.col(pl.Date).dt.strftime("%Y%m%d")).write_csv(path)



def la_view(rows: pl.DataFrame, clients: pl.DataFrame, made: SynthRegister) -> pl.DataFrame:
    """Submission rows (`SynthResult.rows`) with each client's defect written in: the NHS
    number, names, date of birth and postcode as the LA holds them. `clients` is what `make`
    was given (its rows are the requests', in order); people not among them are unchanged."""
    la = made.requests.select(
        pl.Series("_key", clients["nhs_number"].to_list(), dtype=pl.String),
        pl.col("nhs_number").fill_null("").alias("_nhs"),
        pl.col("first_name").alias("_first"), pl.col("last_name").alias("_last"),
        pl.col("date_of_birth").dt.strftime("%d/%m/%Y").alias("_dob"),
        pl.col("postcode").alias("_pc"))
    joined = rows.with_row_index("_at").join(la, left_on="NHS Number", right_on="_key",
                                             how="left").sort("_at")
    hit = pl.col("_first").is_not_null()
    return joined.with_columns(
        pl.when(hit).then(pl.col(new)).otherwise(pl.col(old)).alias(old)
        for old, new in (("NHS Number", "_nhs"), ("First Name", "_first"),
                         ("Last Name", "_last"), ("Date of Birth", "_dob"), ("Postcode", "_pc"))
    ).select(rows.columns)
