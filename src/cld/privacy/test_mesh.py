"""PDS MESH files: request rows and files, responses read by header name into RESULT_SCHEMA."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from cld.privacy.mesh import (
    REQUEST_COLUMNS,
    MeshError,
    read_response_file,
    request_rows,
    results_from_response,
    write_request_files,
)
from cld.privacy.schema import REQUEST_SCHEMA, RESULT_SCHEMA

A, B, C, D = "9434765919", "9434765870", "4010232137", "9000000009"  # pass modulus 11
TOKEN = "0123456789ab"


def _requests(n: int = 3) -> pa.Table:
    rows = [
        {"la_code": "503", "submission_id": 7, "person_id": "PX-1", "nhs_number": "943 476 5919",
         "first_name": "Ann", "last_name": "Lee ", "gender": "Female",
         "date_of_birth": date(1950, 3, 7), "postcode": "ab1 2cd", "gp_practice_code": "A81001"},
        {"la_code": "503", "submission_id": 7, "person_id": "PX-2", "nhs_number": "12345",
         "first_name": "Bo", "last_name": "Ng", "gender": "Male",
         "date_of_birth": date(2001, 12, 31), "postcode": None, "gp_practice_code": None},
        {"la_code": "503", "submission_id": 7, "person_id": "PX-3", "nhs_number": None,
         "first_name": None, "last_name": "Roe", "gender": None, "date_of_birth": None,
         "postcode": "ZZ99 3VZ", "gp_practice_code": None},
    ]
    return pa.Table.from_pylist(rows[:n], REQUEST_SCHEMA)


def test_request_rows_and_mapping() -> None:
    rows, mapping = request_rows(_requests(), TOKEN, chunk_rows=2)
    assert rows.column_names == list(REQUEST_COLUMNS)
    assert rows["UNIQUE REFERENCE"].to_pylist() == [f"C{TOKEN}-1-1", f"C{TOKEN}-1-2",
                                                    f"C{TOKEN}-2-3"]
    assert rows["NHS_NO"].to_pylist() == [A, None, None]
    assert rows["GENDER"].to_pylist() == ["2", "1", None]
    assert rows["DATE_OF_BIRTH"].to_pylist() == ["19500307", "20011231", None]
    assert rows["FAMILY_NAME"].to_pylist() == ["LEE", "NG", "ROE"]
    assert rows["POSTCODE"].to_pylist() == ["AB1 2CD", None, "ZZ99 3VZ"]
    cells = {v for c in rows.columns for v in c.to_pylist()}
    assert not {"PX-1", "PX-2", "PX-3", "7"} & cells  # neither person nor submission sent
    assert mapping["person_id"].to_pylist() == ["PX-1", "PX-2", "PX-3"]
    assert mapping["file"].to_pylist() == [1, 1, 2]


def test_request_files_are_chunked_with_the_national_header(tmp_path: Path) -> None:
    rows, mapping = request_rows(_requests(), TOKEN, chunk_rows=2)
    files = write_request_files(rows, mapping, tmp_path, "req")
    assert [(p.name, n) for p, _, n in files] == [("req-1of2.csv", 2), ("req-2of2.csv", 1)]
    lines = (tmp_path / "req-1of2.csv.part").read_text().splitlines()
    assert lines[0] == ",".join(REQUEST_COLUMNS)
    assert lines[1].startswith(f"C{TOKEN}-1-1,{A},LEE,ANN,,2,19500307,AB1 2CD,")
    assert len(lines) == 3


# A response: shuffled columns, a header record and a trailer.
HEAD = ("MATCHED_CONFIDENCE_PERCENTAGE,GP_PRACTICE_CODE,UNIQUE_REFERENCE,MATCHED_NHS_NO,"
        "REQ_NHS_NUMBER,ERROR_SUCCESS_CODE,MATCHED_ALGORITHM_INDICATOR")


def _response(tmp_path: Path, rows: list[str], records: int | None = None,
              trailer: bool = True) -> Path:
    n = len(rows) if records is None else records
    text = f"RESP_1,SPINE_MPT_RESPONSE,{n},00\n{HEAD}\n" + "\n".join(rows) + "\n"
    f = tmp_path / "response.csv"
    f.write_text(text + ("TRAILER_RECORD\n" if trailer else ""))
    return f


def _mapping(sent: list[str | None]) -> pa.Table:
    n = len(sent)
    return pa.table({"reference": [f"C{TOKEN}-1-{i + 1}" for i in range(n)],
                     "file": pa.array([1] * n, pa.int32()), "la_code": ["503"] * n,
                     "submission_id": pa.array([7] * n, pa.int64()),
                     "person_id": [f"PX-{i + 1}" for i in range(n)], "nhs_number": sent})


def test_a_response_becomes_results(tmp_path: Path) -> None:
    r = [f"100,G1,C{TOKEN}-1-1,{A},{A},00,1",      # confirmed by cross-check
         f"100,G2,C{TOKEN}-1-2,{B},{C},90,1",      # superseded: corrected
         f"87.5,G3,C{TOKEN}-1-3,{C},,92,4",        # sensitive: added, GP withheld
         f",,C{TOKEN}-1-4,,,97,0",                 # several close matches
         f"0,,C{TOKEN}-1-5,,{D},98,0",             # not found: the sent number kept
         f"100,G6,C{TOKEN}-1-6,0000000000,,00,3",  # a sentinel: never a number
         f",,C{TOKEN}-1-7,9999999999,,00,3"]
    response = read_response_file(_response(tmp_path, r))
    assert response["line"].to_pylist() == [3, 4, 5, 6, 7, 8, 9]
    res = results_from_response(response.drop(["line"]),
                                _mapping([A, C, None, None, D, None, "1234"]))
    assert res.schema.equals(RESULT_SCHEMA)
    got = {x["person_id"]: x for x in res.to_pylist()}
    assert [got[f"PX-{i}"]["action"] for i in range(1, 8)] == [
        "confirmed", "corrected", "added", "ambiguous", "unconfirmed", "not traced",
        "not traced"]
    assert [got[f"PX-{i}"]["traced_nhs_number"] for i in range(1, 8)] == [
        A, B, C, None, None, None, None]
    assert [got[f"PX-{i}"]["match_type"] for i in range(1, 8)] == [1, 1, 4, 0, 0, 0, 0]
    assert [got[f"PX-{i}"]["match_probability"] for i in range(1, 8)] == [
        1.0, 1.0, 0.875, None, None, None, None]
    assert [got[f"PX-{i}"]["gp_practice_code"] for i in range(1, 4)] == ["G1", "G2", None]
    assert got["PX-2"]["reason"] == "superseded number replaced"
    assert got["PX-4"]["candidates"] is None and got["PX-5"]["candidates"] == 0
    assert got["PX-5"]["nhs_number_sent"] == D


def test_a_response_without_header_or_trailer_records(tmp_path: Path) -> None:
    f = tmp_path / "plain.csv"
    f.write_text(f"{HEAD}\n100,G1,C{TOKEN}-1-1,{A},{A},00,1\n")
    assert read_response_file(f)["MATCHED_NHS_NO"].to_pylist() == [A]


@pytest.mark.parametrize(("row", "column"), [
    (f"100,G1,C{TOKEN}-1-2,{A},,55,1", "ERROR_SUCCESS_CODE"),
    (f"1O0,G1,C{TOKEN}-1-2,{A},,00,1", "MATCHED_CONFIDENCE_PERCENTAGE"),
    (f"100,G1,C{TOKEN}-1-2,{A},,00,2", "MATCHED_ALGORITHM_INDICATOR"),
    (f"100,G1,C{TOKEN}-1-2,94347659,,00,1", "MATCHED_NHS_NO"),
    (f"100,G1,PX-2,{A},,00,1", "UNIQUE_REFERENCE"),
])
def test_bad_values_are_named_by_row_and_column(tmp_path: Path, row: str, column: str) -> None:
    good = f"100,G1,C{TOKEN}-1-1,{A},{A},00,1"
    with pytest.raises(MeshError) as err:
        read_response_file(_response(tmp_path, [good, row]))
    msg = str(err.value)
    assert "response.csv" in msg and "row 4" in msg and f"column {column}" in msg
    assert A not in msg and "PX-2" not in msg  # no identifier in the message


def test_bad_files(tmp_path: Path) -> None:
    good = f"100,G1,C{TOKEN}-1-1,{A},{A},00,1"
    with pytest.raises(MeshError, match="states 5 data records"):
        read_response_file(_response(tmp_path, [good], records=5))
    with pytest.raises(MeshError, match="row 3 does not have the 7 columns"):
        read_response_file(_response(tmp_path, ["1,2", good]))
    f = tmp_path / "nohead.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(MeshError, match="not a PDS MESH response"):
        read_response_file(f)
    f.write_text("UNIQUE_REFERENCE,MATCHED_NHS_NO\nx,y\n")
    with pytest.raises(MeshError, match="ERROR_SUCCESS_CODE"):
        read_response_file(f)
