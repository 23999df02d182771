"""Extracts for recipients: the consolidated dataset cut and treated by a profile.

One extract is a folder: extract.parquet, extract.csv and manifest.json (profile and version,
recipient, purpose, agreement, every field with its treatment, rows, checksums, token domain
and key_id, never the key). It is built in a staging folder beside the destination and
renamed into place only when complete; for a profile that is not identifiable the identifier
scanner runs on it first and any finding stops it (fail closed). Every extract is recorded in
the store's audit trail (if that fails, the folder is removed: not audited, not released).
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cld.checksums import sha256_file
from cld.errors import CldError
from cld.privacy import commissioners
from cld.privacy.keys import KeyRing, key_id
from cld.privacy.profiles import TOKEN_KINDS, Profile, Treatment, dataset_columns, load_profile
from cld.privacy.scan import Finding, scan_dir
from cld.privacy.tokens import as_view, key_table, raw_duckdb, token_column

FORMAT_VERSION = 1
POSTCODE = "^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"
FORMULA = r"^[=+\-@\t\r]"  # cld.reports.safe's DANGEROUS_PREFIXES, as a regular expression


class ExtractError(CldError):
    """An extract that cannot be made; nothing was written."""


@dataclass
class Extract:
    path: Path
    rows: int
    manifest: dict[str, Any]


def with_trace_columns(t: ir.Table) -> ir.Table:
    """The dataset with tracing's two columns (typed nulls where tracing has not run)."""
    add = {}
    if "traced_nhs_number" not in t.columns:
        add["traced_nhs_number"] = ibis.null("string")
    if "trace_match_type" not in t.columns:
        add["trace_match_type"] = ibis.null("int8")
    return t.mutate(**add) if add else t


def recipients(profile: Profile, lookup: commissioners.Lookup | None = None) -> dict[str, str]:
    """Every recipient the profile allows: id -> name."""
    out = {r.id: r.name for r in profile.recipients}
    if profile.recipients_from == "la_register":
        from cld.spec.register import all_las

        out.update({code: la.name for code, la in all_las().items()})
    elif profile.recipients_from == "gp_commissioners":
        out.update((lookup or commissioners.load_lookup()).names())
    return out


def _rows(profile: Profile, t: ir.Table, recipient: str,
          lookup: commissioners.Lookup | None) -> ir.Table:
    if profile.rows == "own_la":
        return t.filter(t.la_code == recipient)
    if profile.rows == "with_cqc_location":
        return t.filter(t.provider_cqc_id.notnull() & (t.provider_cqc_id.strip() != ""))
    if profile.rows == "registered_practices":
        lk = lookup or commissioners.load_lookup()
        prefixes = [p for p, c in lk.practices.items() if c == recipient]
        m = ibis.memtable(pa.table({"cld_prefix": pa.array(prefixes, pa.string())}))
        code = t.gp_practice_code.strip().upper()
        return t.semi_join(m, code.startswith(m.cld_prefix))
    return t


def _columns(profile: Profile, v: str, k: str | None, lsoa: str | None = None
             ) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """SQL select items over view `v` (keys table `k`, LSOA table `lsoa`), the manifest's
    field records, and the joins that bring in tokens and LSOAs."""
    items: list[str] = []
    fields: list[dict[str, Any]] = []
    joins: list[str] = []
    for col in dataset_columns():
        how = profile.fields.get(col)
        c = f"{v}.{col}"
        outs: list[str] = []
        if how is None or how == Treatment.drop:
            pass
        elif how == Treatment.keep:
            items.append(f"{c} AS {col}")
            outs = [col]
        elif how == Treatment.tokenise:
            assert k is not None
            item, join = token_column(TOKEN_KINDS[col], v, col, k, f"{col}_token")
            items.append(item)
            joins += [join] if join else []
            outs = [f"{col}_token"]
        elif how == Treatment.birth_year_month:
            items += [f"year({c}) AS birth_year", f"month({c}) AS birth_month"]
            outs = ["birth_year", "birth_month"]
        elif how == Treatment.birth_year:
            items.append(f"year({c}) AS birth_year")
            outs = ["birth_year"]
        elif how == Treatment.year_month:
            items.append(f"strftime({c}, '%Y-%m') AS {col}_month")
            outs = [f"{col}_month"]
        elif how == Treatment.outward_code:
            p = f"upper(regexp_replace({c}, '\\s', '', 'g'))"
            items.append(f"CASE WHEN regexp_full_match({p}, '{POSTCODE[1:-1]}') "
                         f"THEN left({p}, length({p}) - 3) END AS postcode_district")
            outs = ["postcode_district"]
            if lsoa:
                items.append(f"{lsoa}.lsoa AS lsoa")
                joins.append(f"LEFT JOIN {lsoa} ON {p} = {lsoa}.pc")
                outs.append("lsoa")
        fields.append({"column": col, "treatment": how.value if how else "not named: dropped",
                       "released_as": outs})
    return items, fields, joins


def _lsoa_table(raw: Any, path: Path) -> str:
    """The postcode -> LSOA lookup CSV (columns postcode, lsoa) as a temporary table."""
    name = "cld_lsoa"
    try:
        cols = [r[0].lower() for r in raw.execute(
            f"DESCRIBE SELECT * FROM read_csv({_lit(path)}, header = true, "
            "all_varchar = true)").fetchall()]
        if not {"postcode", "lsoa"} <= set(cols):
            raise ExtractError(f"LSOA lookup {path.name}: needs columns postcode and lsoa "
                               f"(has {', '.join(cols)})")
        raw.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT "
                    "upper(regexp_replace(postcode, '\\s', '', 'g')) AS pc, "
                    "min(lsoa) AS lsoa FROM read_csv("
                    f"{_lit(path)}, header = true, all_varchar = true) GROUP BY 1")
    except (duckdb.Error, OSError):
        raise ExtractError(f"LSOA lookup {path.name} cannot be read as CSV") from None
    return name


def _aggregate_sql(profile: Profile, v: str) -> str:
    agg = profile.aggregate
    assert agg is not None
    by = ", ".join(agg.by)

    def hide(n: str) -> str:
        return (f"CASE WHEN {n} = 0 THEN 0 WHEN {n} < {agg.suppress_below} THEN NULL "
                f"ELSE CAST(round({n} / {agg.round_to}) * {agg.round_to} AS BIGINT) END")

    return (f"SELECT {by}, {hide('people')} AS people, {hide('events')} AS events FROM ("
            f"SELECT {by}, count(DISTINCT la_code || chr(31) || person_id) AS people, "
            f"count(*) AS events "
            f"FROM {v} GROUP BY {by}) ORDER BY {by}")


def _lit(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def make_extract(store: Any, profile_name: str, recipient: str, year: str, out: Path, *,
                 as_of: date | datetime | None = None, keys: KeyRing | None = None,
                 by: str | None = None, con: Any = None,
                 lookup: commissioners.Lookup | None = None,
                 lsoa_lookup: Path | None = None) -> Extract:
    """Write the extract of `profile_name` for `recipient` to folder `out` (which must not
    exist). Raises ExtractError (nothing written) when refused or when the scanner finds an
    identifier in a non-identifiable extract. `lsoa_lookup`, a CSV of postcode and lsoa,
    adds an `lsoa` column where the profile releases the outward code."""
    from cld.engines import connect
    from cld.store import audit
    from cld.store.core import default_actor
    from cld.store.dataset import as_of_moment, counting, events_table
    from cld.store.years import parse_year

    profile = load_profile(profile_name)
    allowed = recipients(profile, lookup)
    if recipient not in allowed:
        raise ExtractError(f"profile {profile.name} does not allow recipient {recipient!r}",
                           hint="see docs/privacy.md for each profile's recipients")
    domain = profile.domain(recipient)
    master = None
    if profile.tokenises:
        if keys is None:
            raise ExtractError(f"profile {profile.name} tokenises identifiers: a "
                               "pseudonymisation key is needed")
        master = keys.active
        src = Path(keys.source)
        if src.is_file() and src.resolve().is_relative_to(Path(store.root).resolve()):
            raise ExtractError(f"key file {keys.source} is inside the store: keys are kept "
                               "outside it", hint="move the key file out of the store folder")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExtractError(f"{out} already exists: choose a new folder")
    label = parse_year(year).label
    moment = as_of_moment(as_of)
    subs = counting(store, label, moment)
    con = con or connect()
    raw = raw_duckdb(con)
    source = with_trace_columns(events_table(con, store, subs))
    chosen = _rows(profile, source, recipient, lookup)
    stage = out.parent / f".{out.name}.part-{uuid.uuid4().hex[:8]}"
    try:
        stage.mkdir(parents=True)
        with as_view(con, chosen) as v:
            if profile.level == "aggregate":
                select = _aggregate_sql(profile, v)
                fields: list[dict[str, Any]] = []
                rows = _write(raw, select, stage)
            else:
                dkey = master.domain_key(domain) if master and domain else None
                lsoa = _lsoa_table(raw, lsoa_lookup) if lsoa_lookup else None
                if dkey is None:
                    items, fields, joins = _columns(profile, v, None, lsoa)
                    rows = _write(raw, f"SELECT {', '.join(items)} FROM {v} "
                                       f"{' '.join(joins)}", stage)
                else:
                    with key_table(raw, dkey) as k:
                        items, fields, joins = _columns(profile, v, k, lsoa)
                        rows = _write(raw, f"SELECT {', '.join(items)} FROM {v} "
                                           f"CROSS JOIN {k} {' '.join(joins)}", stage)
        findings: list[Finding] = []
        if profile.level != "identifiable":
            findings = scan_dir(stage, con, source)
        if findings:
            listed = "; ".join(str(f) for f in findings[:10])
            raise ExtractError(f"the identifier scan found {len(findings)} identifying "
                               f"value(s) in the {profile.name} extract: {listed}; nothing "
                               "was released")
        files = {p.name: sha256_file(p) for p in sorted(stage.iterdir())}
        manifest = {
            "format": FORMAT_VERSION, "profile": profile.name,
            "profile_version": profile.version, "level": profile.level,
            "recipient": {"id": recipient, "name": allowed[recipient]},
            "purpose": profile.purpose, "clause": profile.clause,
            "agreement": profile.agreement, "year": label,
            "as_of": moment.isoformat(timespec="seconds"),
            "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "submissions": [{"la_code": s.la_id, "id": s.pk, "version": s.version}
                            for s in subs],
            "rows": rows, "fields": fields,
            "aggregate": profile.aggregate.model_dump() if profile.aggregate else None,
            "token_domain": domain if master else None,
            "key_id": key_id(master.domain_key(domain)) if master and domain else None,
            "lsoa_lookup": ({"file": lsoa_lookup.name, "sha256": sha256_file(lsoa_lookup)}
                            if lsoa_lookup else None),
            "scan": "passed" if profile.level != "identifiable" else "not required",
            "files": files}
        (stage / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        manifest_sha = sha256_file(stage / "manifest.json")
        if out.exists():
            out.rmdir()
        stage.rename(out)
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if isinstance(exc, OSError):
            raise ExtractError(f"cannot write the extract to {out} ({exc.strerror})") from None
        if isinstance(exc, duckdb.Error):  # its text may quote data: not shown
            raise ExtractError(f"the engine failed while making the extract for {out} "
                               f"({type(exc).__name__}); nothing was written") from None
        raise
    try:  # not audited, not released
        with store.write_lock():
            audit.append(store.alias, by or default_actor(), "extract", year=label,
                         la_code=recipient if profile.rows == "own_la" else "",
                         profile=profile.name, profile_version=profile.version,
                         recipient=recipient, folder=out.name, rows=rows, files=files,
                         manifest_sha256=manifest_sha,
                         token_domain=manifest["token_domain"], key_id=manifest["key_id"],
                         submissions=[s.pk for s in subs])
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return Extract(out, rows, manifest)


def _write(raw: Any, select: str, stage: Path) -> int:
    """Materialise `select` once, write it as Parquet and CSV; the row count."""
    tmp = "cld_x_" + uuid.uuid4().hex[:12]
    raw.execute(f"CREATE TEMP TABLE {tmp} AS {select}")
    try:
        raw.execute(f"COPY {tmp} TO {_lit(stage / 'extract.parquet')} "
                    "(FORMAT parquet, COMPRESSION zstd)")
        raw.execute(f"COPY ({_neutralised(raw, tmp)}) TO {_lit(stage / 'extract.csv')} "
                    "(FORMAT csv, HEADER)")
        return int(raw.execute(f"SELECT count(*) FROM {tmp}").fetchone()[0])
    finally:
        raw.execute(f"DROP TABLE IF EXISTS {tmp}")


def _neutralised(raw: Any, table: str) -> str:
    """SELECT of `table` for the CSV: text starting with = + - @, tab or CR gets a leading
    apostrophe (cld.reports.safe's rule), so no cell opens as a live spreadsheet formula."""
    items = []
    for name, typ, *_ in raw.execute(f"DESCRIBE {table}").fetchall():
        col = '"' + name.replace('"', '""') + '"'
        if typ == "VARCHAR":
            items.append(f"CASE WHEN regexp_matches({col}, '{FORMULA}') THEN chr(39) || {col} "
                         f"ELSE {col} END AS {col}")
        else:
            items.append(col)
    return f"SELECT {', '.join(items)} FROM {table}"
