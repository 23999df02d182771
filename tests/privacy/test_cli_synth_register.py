from typer.testing import CliRunner

from cld.cli import app
from cld.engines import connect
from cld.privacy.tracing import read_register


def test_synth_register_writes_a_readable_register(tmp_path):
    reg, req, truth = tmp_path / "r.csv", tmp_path / "q.csv", tmp_path / "t.csv"
    res = CliRunner().invoke(app, ["synth-register", "--persons", "50", "--records", "200",
                                   "-o", str(reg), "--requests", str(req),
                                   "--truth", str(truth)])
    assert res.exit_code == 0, res.output
    t = read_register(connect(), reg)
    assert t.to_pyarrow().num_rows >= 200 - 50 * 0.04  # absent clients left out, old records added
    assert len(truth.read_text().splitlines()) == 51
    assert req.read_text().splitlines()[0].startswith("la_code,submission_id,person_id")


def test_synth_register_refuses_too_few_records(tmp_path):
    res = CliRunner().invoke(app, ["synth-register", "--persons", "100", "--records", "100",
                                   "-o", str(tmp_path / "r.csv")])
    assert res.exit_code != 0 and "--records" in res.output
