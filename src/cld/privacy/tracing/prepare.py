"""The requests and the register in one normalised form, as DuckDB temp tables.

`{p}_q`: one row per request (rid = its position), `sent` and `sent_ok` (a valid NHS number);
`{p}_r`: every register record with `current` (its number after following superseded_by);
`{p}_rc`: the current records only (those matched on demographics);
`{p}_rf`: each current record once per family name it has had (current and previous).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cld.privacy.tracing import normalise as n
from cld.privacy.tracing.register import RegisterError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend


def _columns(family: str, given: str) -> str:
    """The compared columns, the same names on both sides."""
    return f"""{n.family_name(family)} AS family, {n.given_name(given)} AS given,
        {n.gender('gender')} AS sex, date_of_birth::DATE AS dob,
        {n.dob_swapped('date_of_birth::DATE')} AS dob_swap,
        strftime(date_of_birth::DATE, '%Y%m%d') AS dob_s,
        {n.postcode('postcode')} AS postcode"""


def prepare(con: BaseBackend, p: str, requests: ir.Table, register: ir.Table) -> Any:
    """Build the temp tables; returns the raw DuckDB connection they are on."""
    raw = con.con  # type: ignore[attr-defined]
    import ibis

    from cld.privacy.schema import REQUEST_SCHEMA
    from cld.privacy.tracing.register import SCHEMA

    for name, table, schema in (("q", requests, REQUEST_SCHEMA), ("r", register, SCHEMA)):
        typed = table.select(*schema.names).cast(ibis.Schema.from_pyarrow(schema))
        con.create_table(f"{p}_in_{name}", typed, temp=True)
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {p}_q AS
        SELECT *, {n.outward('postcode')} AS outward FROM (
        SELECT row_number() OVER () - 1 AS rid, la_code, submission_id, person_id,
            nhs_number AS nhs_number_sent, {n.nhs_digits('nhs_number')} AS sent,
            {n.nhs_valid(n.nhs_digits('nhs_number'))} AS sent_ok,
            {n.other_given_name('first_name')} AS other_given,
            {_columns('last_name', 'first_name')}
        FROM {p}_in_q)""")
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {p}_r AS
        SELECT *, {n.outward('postcode')} AS outward FROM (
        SELECT nhs_number AS nhs, superseded_by, gp_practice_code AS gp, sensitive,
            {n.given_name('other_given_name')} AS other_given,
            {n.name_list('previous_family_names')} AS prev_fam,
            {n.postcode_list('previous_postcodes')} AS prev_pc,
            {_columns('family_name', 'given_name')}
        FROM {p}_in_r)""")
    dup = raw.execute(f"SELECT count(*) FROM (SELECT nhs FROM {p}_r GROUP BY nhs "
                      "HAVING count(*) > 1)").fetchone()[0]
    if dup:  # read_register refuses these; a register built another way may not have
        raise RegisterError(f"The register has {dup:,} NHS numbers on more than one record "
                            "(one record per number).")
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {p}_cur AS
        WITH RECURSIVE ch(nhs, cur, depth) AS (
            SELECT nhs, coalesce(superseded_by, nhs), 0 FROM {p}_r
            UNION ALL
            SELECT ch.nhs, r.superseded_by, ch.depth + 1 FROM ch JOIN {p}_r r
                ON r.nhs = ch.cur WHERE r.superseded_by IS NOT NULL AND ch.depth < 20)
        SELECT nhs, arg_max(cur, depth) AS current FROM ch GROUP BY nhs""")
    raw.execute(f"CREATE OR REPLACE TEMP TABLE {p}_rc AS SELECT * FROM {p}_r "
                "WHERE superseded_by IS NULL")
    raw.execute(f"""CREATE OR REPLACE TEMP TABLE {p}_rf AS
        SELECT nhs, family AS any_family, dob FROM {p}_rc WHERE family IS NOT NULL
        UNION SELECT nhs, unnest(prev_fam) AS any_family, dob FROM {p}_rc""")
    return raw
