"""DuckDB SQL expressions that normalise the values tracing compares.

Each function takes a SQL expression (a column name) and returns one; the engine runs them
over whole tables. The same expressions serve the requests and the register, so both sides
are compared in one form.
"""

from __future__ import annotations

from cld.privacy.nhs_sql import nhs_valid as nhs_valid

# Titles dropped from the front of a name; given names that are placeholders, not names
# (NHSE's linkage pre-processing drops the like: "baby girl", "twin one", "unknown").
TITLES = ("MR", "MRS", "MS", "MISS", "MX", "DR", "REV", "SIR", "DAME", "LADY", "LORD",
          "PROF", "MASTER")
JUNK_GIVEN = ("BABY", "BABY BOY", "BABY GIRL", "BOY", "GIRL", "TWIN", "TWIN ONE", "TWIN TWO",
              "TWIN 1", "TWIN 2", "INFANT", "UNKNOWN", "NOT KNOWN", "NK", "NONE", "NAME",
              "XX", "X", "ANON", "ANONYMOUS", "TEST")
# v4.2 Gender values (and PDS codes written in a register) as PDS codes: 1 male, 2 female,
# 0 not known, 9 not specified. Tracing compares gender only where both are 1 or 2.
GENDER_CODES = {"MALE": "1", "M": "1", "1": "1", "FEMALE": "2", "F": "2", "2": "2",
                "NOT KNOWN": "0", "UNKNOWN": "0", "0": "0", "NOT SPECIFIED": "9", "9": "9"}


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def nhs_digits(col: str) -> str:
    """The number with spaces and dashes removed; null when blank."""
    return f"NULLIF(regexp_replace(trim({col}), '[\\s-]', '', 'g'), '')"


def _clean(col: str) -> str:
    # upper case; hyphens and dots to spaces; apostrophes dropped; other non-letters out
    up = f"upper(regexp_replace(CAST({col} AS VARCHAR), '[-.,/]', ' ', 'g'))"
    letters = f"regexp_replace(regexp_replace({up}, '[^A-Z ]', '', 'g'), '\\s+', ' ', 'g')"
    no_title = (f"regexp_replace(trim({letters}), '^(({'|'.join(TITLES)}) )+', '')")
    return f"NULLIF(trim({no_title}), '')"


def family_name(col: str) -> str:
    """Upper case, letters and single spaces, titles dropped; null when nothing is left."""
    return _clean(col)


def given_name(col: str) -> str:
    """The first given name, cleaned; null for placeholders ("BABY GIRL", "UNKNOWN")."""
    c = _clean(col)
    return (f"CASE WHEN {c} IN ({_list(JUNK_GIVEN)[1:-1]}) THEN NULL "
            f"ELSE NULLIF(split_part({c}, ' ', 1), '') END")


def other_given_name(col: str) -> str:
    """Given names after the first (the cleaned full given name minus its first word)."""
    c = _clean(col)
    return f"NULLIF(trim(substr({c}, length(split_part({c}, ' ', 1)) + 1)), '')"


def postcode(col: str) -> str:
    """Upper case, one space before the inward code; null unless it looks like a postcode
    (outward + digit and two letters), so junk never confirms a match."""
    s = f"upper(regexp_replace(CAST({col} AS VARCHAR), '\\s', '', 'g'))"
    return (f"CASE WHEN regexp_full_match({s}, '[A-Z]{{1,2}}[0-9][A-Z0-9]?[0-9][A-Z]{{2}}') "
            f"THEN substr({s}, 1, length({s}) - 3) || ' ' || right({s}, 3) END")


def outward(pc: str) -> str:
    """The outward code of a normalised postcode."""
    return f"split_part({pc}, ' ', 1)"


def postcode_list(col: str) -> str:
    """A ';'-separated list of postcodes, each normalised (junk ones dropped)."""
    return (f"list_filter(list_transform(string_split(coalesce({col}, ''), ';'), "
            f"x -> {postcode('x')}), x -> x IS NOT NULL)")


def name_list(col: str) -> str:
    """A ';'-separated list of family names, each normalised."""
    return (f"list_filter(list_transform(string_split(coalesce({col}, ''), ';'), "
            f"x -> {family_name('x')}), x -> x IS NOT NULL)")


def gender(col: str) -> str:
    """A v4.2 Gender value or a PDS code as the PDS code ('1', '2', '0', '9'); null when
    blank or unknown."""
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in GENDER_CODES.items())
    return f"CASE upper(trim(CAST({col} AS VARCHAR))) {cases} END"


def dob_swapped(col: str) -> str:
    """The date with day and month swapped, where that is another real date."""
    return (f"CASE WHEN day({col}) <= 12 AND day({col}) <> month({col}) "
            f"THEN make_date(year({col}), day({col}), month({col})) END")
