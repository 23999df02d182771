import pytest

from cld.engines import connect
from cld.privacy.tracing.register import COLUMNS, RegisterError, read_register

HEADER = ",".join(COLUMNS)
GOOD = "9434765919,,Smith,Anne,,2,19500304,,LS1 1AA,M1 1AA;M2 2BB,Jones,A12345,Y"
OLD = "9000000009,9434765919,Smith,Anne,,2,19500304,,,,,,"


def write(tmp_path, *rows, header=HEADER):
    p = tmp_path / "register.csv"
    p.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return p


def test_reads_typed_with_nulls(tmp_path):
    t = read_register(connect(), write(tmp_path, GOOD, OLD)).to_pyarrow().to_pylist()
    assert t[0]["date_of_birth"].isoformat() == "1950-03-04"
    assert t[0]["sensitive"] is True and t[1]["sensitive"] is False
    assert t[1]["superseded_by"] == "9434765919" and t[0]["superseded_by"] is None
    assert t[1]["postcode"] is None and t[1]["gender"] == "2"


OTHER = OLD.replace("9000000009", "9000000017")  # a valid superseded record (line 2)


@pytest.mark.parametrize(("row", "where"), [
    (GOOD.replace("9434765919", "9434765918", 1), "line 3, column nhs_number"),
    (GOOD.replace("9434765919", "0000000000", 1), "line 3, column nhs_number"),
    (GOOD.replace(",2,", ",M,"), "line 3, column gender"),
    (GOOD.replace("19500304", "04/03/1950"), "line 3, column date_of_birth"),
    (GOOD.replace(",Y", ",maybe"), "line 3, column sensitive"),
])
def test_bad_rows_named_without_values(tmp_path, row, where):
    with pytest.raises(RegisterError) as e:
        read_register(connect(), write(tmp_path, OTHER, row))
    assert where in str(e.value)
    for value in ("9434765918", "0000000000", "Smith", "04/03/1950", "maybe"):
        assert value not in str(e.value)


def test_duplicate_number_named_at_its_second_row(tmp_path):
    with pytest.raises(RegisterError, match="line 4, column nhs_number: the number is on an "
                                            "earlier row"):
        read_register(connect(), write(tmp_path, OTHER, GOOD, GOOD))


def test_missing_column_and_orphan_successor(tmp_path):
    with pytest.raises(RegisterError, match="column sensitive is missing"):
        read_register(connect(), write(tmp_path, GOOD.rsplit(",", 1)[0],
                                       header=HEADER.rsplit(",", 1)[0]))
    with pytest.raises(RegisterError, match="line 2, column superseded_by"):
        read_register(connect(), write(tmp_path, OLD))


def test_not_a_file(tmp_path):
    with pytest.raises(RegisterError, match="no such register file"):
        read_register(connect(), tmp_path / "nope.csv")


def test_parquet_by_header_name_in_any_order(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    values = dict(zip(COLUMNS, GOOD.split(","), strict=True))
    names = list(reversed(COLUMNS)) + ["extra"]
    table = pa.table({c: [values.get(c, "x") or None] for c in names})
    pq.write_table(table, tmp_path / "register.parquet")
    row = read_register(connect(), tmp_path / "register.parquet").to_pyarrow().to_pylist()[0]
    assert (row["nhs_number"], row["family_name"], row["sensitive"]) == ("9434765919", "Smith",
                                                                         True)
    assert row["date_of_birth"].isoformat() == "1950-03-04"
