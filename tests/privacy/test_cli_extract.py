"""`cld keys new`, `cld extract`, `cld scan` as a user meets them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from cld.cli import app
from cld.privacy.keys import ENV_VAR
from tests.privacy import extract_fixtures

runner = CliRunner()
xstore_dir = extract_fixtures.xstore_dir
YEAR = "2020/21"


def cld(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    r = runner.invoke(app, list(args), env={"CLD_USER": "processor", "COLUMNS": "200",
                                            ENV_VAR: "", **(env or {})})
    return r.exit_code, r.output


def test_keys_new_extract_and_scan(xstore_dir: Path, tmp_path: Path) -> None:
    key = tmp_path / "pseudo.key"
    code, out = cld("keys", "new", "--out", str(key))
    assert code == 0 and "mode 0600" in out
    assert os.stat(key).st_mode & 0o777 == 0o600
    secret = key.read_text().split()[-1]
    dest = tmp_path / "icb"
    code, out = cld("extract", "--profile", "icb", "--recipient", "QSYN1", "--year", YEAR,
                    "--key-file", str(key), "--store", str(xstore_dir), "-o", str(dest))
    assert code == 0, out
    assert "Extract written" in out and "scan passed" in out
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["profile"] == "icb" and manifest["key_id"] in out
    assert secret not in (dest / "manifest.json").read_text()
    code, out = cld("scan", str(dest), "--year", YEAR, "--store", str(xstore_dir))
    assert code == 0 and "No identifier found" in out
    # a planted NHS number in a copy is found and named by file, column and row
    pq.write_table(pa.table({"a": ["x", "y", "note 943 476 5919"]}), dest / "planted.parquet")
    code, out = cld("scan", str(dest))
    assert code == 1
    assert "planted.parquet, column a, row 3: nhs_number" in out
    assert "943 476 5919" not in out


def test_refusals_are_plain_errors_and_write_nothing(xstore_dir: Path, tmp_path: Path) -> None:
    key = tmp_path / "k.key"
    assert cld("keys", "new", "--out", str(key))[0] == 0
    dest = tmp_path / "out"
    base = ["--year", YEAR, "--store", str(xstore_dir), "-o", str(dest)]
    code, out = cld("extract", "--profile", "national", "--recipient", "ACME",
                    "--key-file", str(key), *base)
    assert code == 2 and "does not allow recipient 'ACME'" in out
    code, out = cld("extract", "--profile", "national", "--recipient", "DHSC", *base)
    assert code == 2 and ENV_VAR in out and "Traceback" not in out
    key.chmod(0o640)
    code, out = cld("extract", "--profile", "national", "--recipient", "DHSC",
                    "--key-file", str(key), *base)
    assert code == 2 and f"key file {key} may be read by others" in out
    assert "chmod 600" in out
    code, out = cld("extract", "--profile", "nope", "--recipient", "DHSC", *base)
    assert code == 2 and "unknown dissemination profile 'nope'" in out
    assert not dest.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.key"]


def test_identifiable_extract_needs_no_key(xstore_dir: Path, tmp_path: Path) -> None:
    dest = tmp_path / "la"
    code, out = cld("extract", "--profile", "la-own", "--recipient", "318", "--year", YEAR,
                    "--store", str(xstore_dir), "-o", str(dest))
    assert code == 0, out
    assert "scan not required" in out
    t = pq.read_table(dest / "extract.parquet")
    assert set(t.column("la_code").to_pylist()) == {"318"}
    assert "traced_nhs_number" in t.column_names
