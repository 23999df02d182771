"""PDS MESH trace files: the national tracing service instead of a local register.

Request: CSV files (a header row with PDS MESH's column names, `UNIQUE REFERENCE` with a
space; DATE_OF_BIRTH as YYYYMMDD; at most 500,000 rows a file, MESH's limit) to send through
MESH. The unique reference is `C<token>-<file>-<n>`: it says nothing about the person or the
submission; the mapping back (reference -> submission, person id, number sent) stays in the
store (`mesh/<la>/<yyyy-yy>/<token>/mapping.parquet`, never sent), its checksum in the
audit event of the request.

Response: read BY HEADER NAME (PDS does not guarantee the column order), header and trailer
records skipped, into exactly RESULT_SCHEMA, so a trace through MESH is stored and used like
one against a local register.
"""

from __future__ import annotations

import csv
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from cld.errors import CldError
from cld.privacy.nhs_sql import nhs_valid
from cld.privacy.schema import RESULT_SCHEMA, Action, MatchType
from cld.store.core import Store, default_actor
from cld.store.files import first_line, fsync_dir, os_message, sha256_file
from cld.store.years import parse_year

CHUNK_ROWS = 500_000  # the most MESH takes in one file
REQUEST_COLUMNS = (
    "UNIQUE REFERENCE", "NHS_NO", "FAMILY_NAME", "GIVEN_NAME", "OTHER_GIVEN_NAME", "GENDER",
    "DATE_OF_BIRTH", "POSTCODE", "DATE_OF_DEATH", "ADDRESS_LINE1", "ADDRESS_LINE2",
    "ADDRESS_LINE3", "ADDRESS_LINE4", "ADDRESS_LINE5", "ADDRESS_DATE", "GP_PRACTICE_CODE",
    "NHAIS_POSTING_ID", "AS_AT_DATE", "LOCAL_PATIENT_ID", "INTERNAL_ID", "TELEPHONE_NUMBER",
    "MOBILE_NUMBER", "EMAIL_ADDRESS")
GENDER_CODES = {"Male": "1", "Female": "2", "Not known": "0", "Unknown": "0"}  # PDS codes
REFERENCE = ("UNIQUE_REFERENCE", "UNIQUE REFERENCE")  # the response's name; the request's
NEEDED = ("ERROR_SUCCESS_CODE", "MATCHED_NHS_NO", "MATCHED_ALGORITHM_INDICATOR",
          "MATCHED_CONFIDENCE_PERCENTAGE")
# ERROR_SUCCESS_CODE: (a number was found, the reason recorded)
CODES = {
    "00": (True, "traced by PDS"),
    "90": (True, "superseded number replaced"),
    "91": (False, "PDS: invalid request"),
    "92": (True, "sensitive record: GP practice withheld"),
    "96": (False, "PDS: not enough data to trace"),
    "97": (False, "PDS: multiple close matches"),
    "98": (False, "PDS: not found"),
    **{f"{n:02d}": (False, f"PDS: not traced (error code {n:02d})") for n in range(1, 18)},
}
INDICATORS = {"0": MatchType.NONE, "1": MatchType.CROSS_CHECK, "3": MatchType.ALPHANUMERIC,
              "4": MatchType.ALGORITHMIC}
MAPPING_SCHEMA = pa.schema([("reference", pa.string()), ("file", pa.int32()),
                            ("la_code", pa.string()), ("submission_id", pa.int64()),
                            ("person_id", pa.string()), ("nhs_number", pa.string())])


class MeshError(CldError):
    """A MESH request or response that cannot be used; names the file, row and column."""


def _sql(tables: dict[str, pa.Table], query: str) -> pa.Table:
    con = duckdb.connect()
    try:
        for name, t in tables.items():
            con.register(name, t)
        return con.sql(query).to_arrow_table()
    finally:
        con.close()


# --- request ---------------------------------------------------------------------------
def request_rows(requests: pa.Table, token: str, chunk_rows: int = CHUNK_ROWS
                 ) -> tuple[pa.Table, pa.Table]:
    """(the CSV rows, REQUEST_COLUMNS as text; the mapping back) of REQUEST_SCHEMA rows."""
    n = requests.num_rows
    idx = pa.array(range(n), pa.int64())
    files = pc.add(pc.divide(idx, chunk_rows), 1).cast(pa.int32())
    ref = pc.binary_join_element_wise(
        f"C{token}", files.cast(pa.string()), pc.add(idx, 1).cast(pa.string()), "-")
    digits = pc.replace_substring_regex(requests["nhs_number"], r"[\s-]", "")
    nhs = pc.if_else(pc.match_substring_regex(digits, r"^[0-9]{10}$"), digits, None)
    genders = list(GENDER_CODES)
    gender = pc.take(pa.array(list(GENDER_CODES.values())),
                     pc.index_in(requests["gender"], pa.array(genders)))
    dob = pc.strftime(requests["date_of_birth"].cast(pa.timestamp("s")), "%Y%m%d")
    upper = {"FAMILY_NAME": "last_name", "GIVEN_NAME": "first_name", "POSTCODE": "postcode",
             "GP_PRACTICE_CODE": "gp_practice_code"}
    cols: dict[str, pa.Array] = {"UNIQUE REFERENCE": ref, "NHS_NO": nhs, "GENDER": gender,
                                 "DATE_OF_BIRTH": dob}
    for name, src in upper.items():
        cols[name] = pc.utf8_upper(pc.utf8_trim_whitespace(requests[src]))
    rows = pa.table({c: cols.get(c, pa.nulls(n, pa.string())) for c in REQUEST_COLUMNS})
    mapping = pa.table({"reference": ref, "file": files, "la_code": requests["la_code"],
                        "submission_id": requests["submission_id"],
                        "person_id": requests["person_id"],
                        "nhs_number": requests["nhs_number"]}, schema=MAPPING_SCHEMA)
    return rows, mapping


def write_request_files(rows: pa.Table, mapping: pa.Table, folder: Path, stem: str
                        ) -> list[tuple[Path, str, int]]:
    """Write each file of the request as `<stem>-<k>of<n>.csv.part`; returns (final path,
    sha256, rows) per file (the caller renames the .part files once the request is stored)."""
    n = max(mapping["file"].to_pylist(), default=0) if mapping.num_rows else 0
    out = []
    con = duckdb.connect()
    try:
        for k in range(1, n + 1):
            part = rows.filter(pc.equal(mapping["file"], k))
            con.register("chunk", part)
            dest = folder / f"{stem}-{k}of{n}.csv"
            tmp = dest.with_name(dest.name + ".part")
            tmp_sql = str(tmp).replace("'", "''")
            con.execute(f"COPY chunk TO '{tmp_sql}' (FORMAT csv, HEADER true, DELIMITER ',')")
            con.unregister("chunk")
            out.append((dest, sha256_file(tmp), part.num_rows))
    finally:
        con.close()
    return out


@dataclass
class MeshRequest:
    token: str
    files: list[Path]
    people: int
    submission: Any


def write_mesh_request(store: Store, la: str, year: str, folder: str | Path, *,
                       chunk_rows: int = CHUNK_ROWS, by: str | None = None,
                       as_of: date | datetime | None = None,
                       backend: BaseBackend | None = None) -> MeshRequest:
    """Write the PDS MESH request files of `la`'s counting submission into `folder`; the
    mapping back is kept in the store and the request audited (no identifiers in it)."""
    from cld.engines import connect
    from cld.privacy.traceflow import counting_submission, requests_for
    from cld.store import audit

    sub = counting_submission(store, la, year, as_of)
    requests = requests_for(backend or connect(), store, la, year, submission=sub).to_pyarrow()
    token = uuid.uuid4().hex[:12]
    rows, mapping = request_rows(requests, token, chunk_rows)
    out = Path(folder)
    slug = parse_year(sub.year.label).slug
    written: list[tuple[Path, str, int]] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        with store.staging() as work:
            pq.write_table(mapping, work / "mapping.parquet")
            sha = sha256_file(work / "mapping.parquet")
            written = write_request_files(rows, mapping, out,
                                          f"cld-trace-{la}-{slug}-v{sub.version}-{token}")
            rel = f"mesh/{la}/{slug}/{token}"
            with store.write_lock():
                audit.append(store.alias, by or default_actor(), "mesh-request", la_code=la,
                             year=sub.year.label, submission=sub.pk, version=sub.version,
                             token=token, mapping=f"{rel}/mapping.parquet",
                             mapping_sha256=sha, rows=mapping.num_rows,
                             files=[{"file": p.name, "sha256": s, "rows": r}
                                    for p, s, r in written])
                dest = store.path(rel)
                dest.parent.mkdir(parents=True, exist_ok=True)
                work.rename(dest)
                try:
                    fsync_dir(dest.parent)
                except BaseException:
                    dest.rename(work)  # not committed: back to staging, which removes it
                    raise
        for p, _, _ in written:
            p.with_name(p.name + ".part").replace(p)
    except OSError as exc:
        for p, _, _ in written:
            p.with_name(p.name + ".part").unlink(missing_ok=True)
        raise MeshError(os_message(exc, "write the MESH request")) from None
    except BaseException:
        for p, _, _ in written:
            p.with_name(p.name + ".part").unlink(missing_ok=True)
        raise
    return MeshRequest(token, [p for p, _, _ in written], mapping.num_rows, sub)


# --- response --------------------------------------------------------------------------
def _header(path: Path) -> tuple[int, list[str], int | None]:
    """(lines before the column names, the column names, NO_OF_DATA_RECORDS if a header
    record states it)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            for n, cells in enumerate(csv.reader(f)):
                names = [c.strip() for c in cells]
                if any(r in names for r in REFERENCE):
                    stated = None
                    if n:  # a header record: RESPONSE_REFERENCE, WORKFLOW_ID, COUNT, CODE
                        f.seek(0)
                        first = next(csv.reader(f))
                        if len(first) >= 3 and first[2].strip().isdigit():
                            stated = int(first[2])
                    return n, names, stated
                if n >= 3:
                    break
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MeshError(f"{path}: cannot be read as a PDS MESH response: "
                        f"{first_line(exc)}") from None
    raise MeshError(f"{path}: no row of column names with UNIQUE_REFERENCE in the first "
                    "lines: not a PDS MESH response")


def read_response_file(path: Path) -> pa.Table:
    """The response's rows (reference and the columns tracing needs, as text, empty as
    null) with `line`, each row's line in the file."""
    path = Path(path)
    skip, names, stated = _header(path)
    ref = next(r for r in REFERENCE if r in names)
    missing = [c for c in NEEDED if c not in names]
    if missing:
        raise MeshError(f"{path}: the column(s) {', '.join(missing)} are missing")
    if len(set(names)) != len(names):
        raise MeshError(f"{path}: a column name appears twice in row {skip + 1}")
    bad: list[int] = []

    def invalid(row: Any) -> str:
        bad.append(row.number)
        return "skip"

    try:
        t = pcsv.read_csv(
            path, pcsv.ReadOptions(skip_rows=skip, use_threads=False, encoding="utf-8"),
            pcsv.ParseOptions(invalid_row_handler=invalid),
            pcsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                strings_can_be_null=True))
    except (pa.ArrowInvalid, OSError) as exc:
        raise MeshError(f"{path}: cannot be read as a PDS MESH response: "
                        f"{first_line(exc).split(':')[0]}") from None
    with path.open("rb") as f:
        total = sum(1 for _ in f)
    if any(n != total for n in bad) or len(bad) > 1:  # only a trailer record may differ
        raise MeshError(f"{path}: row {min(bad)} does not have the {len(names)} columns of "
                        "the header")
    gp = t["GP_PRACTICE_CODE"] if "GP_PRACTICE_CODE" in names else pa.nulls(t.num_rows,
                                                                              pa.string())
    trim = pc.utf8_trim_whitespace
    out = pa.table({"reference": trim(t[ref]), **{c: trim(t[c]) for c in NEEDED},
                    "GP_PRACTICE_CODE": trim(gp),
                    "line": pa.array(range(skip + 2, skip + 2 + t.num_rows), pa.int64())})
    if stated is not None and stated != out.num_rows:
        raise MeshError(f"{path}: the header record states {stated:,} data records but the "
                        f"file holds {out.num_rows:,}")
    _check_values(path, out)
    return out


def _first_bad(t: pa.Table, mask: pa.ChunkedArray | pa.Array) -> int | None:
    hits = pc.indices_nonzero(pc.fill_null(mask, True))
    return int(t["line"][hits[0].as_py()].as_py()) if len(hits) else None


def _check_values(path: Path, t: pa.Table) -> None:
    checks = [
        ("reference", pc.invert(pc.match_substring_regex(t["reference"],
                                                         r"^C[0-9a-f]{12}-[0-9]+-[0-9]+$")),
         "is not a reference CLD wrote"),
        ("ERROR_SUCCESS_CODE", pc.invert(pc.is_in(t["ERROR_SUCCESS_CODE"],
                                                  pa.array(list(CODES)))),
         "is not a known ERROR_SUCCESS_CODE"),
        ("MATCHED_ALGORITHM_INDICATOR",
         pc.invert(pc.fill_null(pc.is_in(t["MATCHED_ALGORITHM_INDICATOR"],
                                         pa.array(list(INDICATORS))),
                                pc.is_null(t["MATCHED_ALGORITHM_INDICATOR"]))),
         "is not 0, 1, 3 or 4"),
        ("MATCHED_CONFIDENCE_PERCENTAGE",
         pc.invert(pc.fill_null(pc.match_substring_regex(
             t["MATCHED_CONFIDENCE_PERCENTAGE"], r"^(100(\.0+)?|[0-9]{1,2}(\.[0-9]+)?)$"),
             pc.is_null(t["MATCHED_CONFIDENCE_PERCENTAGE"]))),
         "is not a percentage from 0 to 100"),
        ("MATCHED_NHS_NO",
         pc.invert(pc.fill_null(pc.match_substring_regex(t["MATCHED_NHS_NO"], r"^[0-9]{10}$"),
                                pc.is_null(t["MATCHED_NHS_NO"]))),
         "is not 10 digits"),
    ]
    for col, mask, what in checks:
        line = _first_bad(t, mask)
        if line is not None:
            name = "UNIQUE_REFERENCE" if col == "reference" else col
            raise MeshError(f"{path}: row {line}, column {name}: the value {what}")
    if pc.count_distinct(t["reference"]).as_py() != t.num_rows:
        raise MeshError(f"{path}: a UNIQUE_REFERENCE appears more than once")


def results_from_response(response: pa.Table, mapping: pa.Table) -> pa.Table:
    """RESULT_SCHEMA rows: one per mapping row (each must have its response row)."""
    found = ", ".join(f"'{c}'" for c, (ok, _) in CODES.items() if ok)
    reasons = " ".join(f"WHEN '{c}' THEN '{why}'" for c, (_, why) in CODES.items())
    sent_ok = nhs_valid("m.nhs_number")
    traced = f"(CASE WHEN r.ERROR_SUCCESS_CODE IN ({found}) AND {nhs_valid('r.MATCHED_NHS_NO')} " \
             "THEN r.MATCHED_NHS_NO END)"
    a = Action
    q = f"""
    WITH j AS (
      SELECT m.la_code, m.submission_id, m.person_id, m.nhs_number AS nhs_number_sent,
             {traced} AS traced, {sent_ok} AS sent_ok, r.ERROR_SUCCESS_CODE AS code,
             r.MATCHED_ALGORITHM_INDICATOR AS ind, r.MATCHED_CONFIDENCE_PERCENTAGE AS conf,
             r.GP_PRACTICE_CODE AS gp
      FROM mapping m JOIN response r ON r.reference = m.reference)
    SELECT la_code, submission_id, person_id, nhs_number_sent,
      traced AS traced_nhs_number,
      CAST(CASE WHEN traced IS NULL THEN 0 ELSE coalesce(CAST(ind AS INTEGER), 0) END
           AS TINYINT) AS match_type,
      CAST(NULL AS DOUBLE) AS match_weight,
      CASE WHEN traced IS NOT NULL THEN coalesce(CAST(conf AS DOUBLE), 100) / 100 END
        AS match_probability,
      CASE WHEN traced IS NOT NULL AND code <> '92' THEN gp END AS gp_practice_code,
      CASE WHEN code = '97' THEN '{a.AMBIGUOUS}'
           WHEN traced IS NOT NULL AND sent_ok AND traced = nhs_number_sent
             THEN '{a.CONFIRMED}'
           WHEN traced IS NOT NULL AND sent_ok THEN '{a.CORRECTED}'
           WHEN traced IS NOT NULL THEN '{a.ADDED}'
           WHEN sent_ok THEN '{a.UNCONFIRMED}'
           ELSE '{a.NOT_TRACED}' END AS action,
      CASE WHEN code = '00' AND traced IS NULL THEN 'PDS returned no valid number'
           ELSE CASE code {reasons} END END AS reason,
      CAST(CASE WHEN traced IS NOT NULL THEN 1 WHEN code = '97' THEN NULL ELSE 0 END
           AS INTEGER) AS candidates
    FROM j ORDER BY person_id"""
    return _sql({"mapping": mapping, "response": response}, q).cast(RESULT_SCHEMA)


def _mapping(store: Store, token: str) -> tuple[pa.Table, dict[str, Any]]:
    """The mapping of request `token`, checked against its audit event."""
    from cld.store.models import AuditEvent

    ev = (AuditEvent.objects.using(store.alias).filter(action="mesh-request",
                                                       details__contains=f'"{token}"')
          .order_by("-seq").first())
    if ev is None:
        raise MeshError(f"no MESH request with reference C{token} was written by this store",
                        hint="load the response into the store that wrote the request")
    d = json.loads(ev.details)
    path = store.path(d["mapping"])
    try:
        if sha256_file(path) != d["mapping_sha256"]:
            raise MeshError(f"{d['mapping']} does not match the checksum recorded when the "
                            "request was written (verify the store)")
        return pq.read_table(path).cast(MAPPING_SCHEMA), d
    except OSError as exc:
        raise MeshError(os_message(exc, f"read the request's mapping {d['mapping']}")) from None


def load_mesh_response(store: Store, paths: list[Path], la: str, year: str, *,
                       by: str | None = None) -> Any:
    """Store the PDS MESH response files of one request as a trace of its submission
    (every file of the request is needed). Returns a TraceOutcome."""
    from cld.privacy.traceflow import TraceOutcome
    from cld.store.models import Submission
    from cld.store.traces import TraceSource, save_trace

    if not paths:
        raise MeshError("no response file was given")
    parts = [read_response_file(Path(p)) for p in paths]
    tokens = {r.split("-")[0][1:] for t in parts for r in pc.unique(t["reference"]).to_pylist()}
    if len(tokens) != 1:
        raise MeshError("the response files answer " + ("no request" if not tokens else
                        f"{len(tokens)} different requests") + ": give one request's files")
    token = tokens.pop()
    mapping, d = _mapping(store, token)
    sub = Submission.objects.using(store.alias).select_related("year").get(pk=d["submission"])
    if sub.la_id != la or sub.year.label != parse_year(year).label:
        raise MeshError(f"the response answers a request for {sub.la_id} {sub.year.label}, "
                        f"not {la} {parse_year(year).label}")
    response = pa.concat_tables(parts)
    unknown = pc.invert(pc.is_in(response["reference"], mapping["reference"]))
    line = _first_bad(response, unknown)
    if line is not None:
        raise MeshError(f"row {line}, column UNIQUE_REFERENCE: not a reference of the request")
    if pc.count_distinct(response["reference"]).as_py() != response.num_rows:
        raise MeshError("the response files hold a UNIQUE_REFERENCE more than once")
    if response.num_rows != mapping.num_rows:
        raise MeshError(f"the response files answer {response.num_rows:,} of the request's "
                        f"{mapping.num_rows:,} rows: give every response file of the request")
    results = results_from_response(response.drop(["line"]), mapping)
    shas = sorted((Path(p).name, sha256_file(Path(p))) for p in paths)
    name = ", ".join(n for n, _ in shas)[:255]
    sha = shas[0][1] if len(shas) == 1 else sha256_text("\n".join(f"{n} {s}" for n, s in shas))
    row = save_trace(store, sub, results, TraceSource("mesh", name, sha), by=by)
    return TraceOutcome(row, json.loads(row.counts), {"request": f"C{token}"})


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = ["CHUNK_ROWS", "REQUEST_COLUMNS", "MeshError", "MeshRequest", "load_mesh_response",
           "read_response_file", "request_rows", "results_from_response",
           "write_mesh_request"]
