"""Submitting: accepted, rejected, identical bytes, period checks, what is kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from cld.errors import StoreError
from cld.store import Store, submit
from cld.store.files import sha256_file
from cld.store.models import AuditEvent, Submission
from cld.store.results import load_result
from tests.store.conftest import YEAR, edit_column


def _rows(store: Store, sub: Submission) -> list[tuple]:
    path = store.path(sub.folder) / "events.parquet"
    return duckdb.sql(f"SELECT event_key, key_source, person_id, event_end "
                      f"FROM read_parquet('{path}') ORDER BY _row").fetchall()


def test_accepted_submission_is_kept_byte_for_byte(store: Store, series: dict) -> None:
    q1 = series["503"][0]
    out = submit(store, q1, "503", YEAR, by="tester")
    assert out.kind == "accepted" and out.exit_code == 0
    sub = out.submission
    folder = store.path(sub.folder)
    assert sub.version == 1 and sub.status == "accepted" and sub.supersedes is None
    assert (folder / "original.csv").read_bytes() == q1.read_bytes()
    assert sub.sha256 == sha256_file(q1)
    assert sub.stated_start == date(2020, 4, 1) and sub.stated_end == date(2020, 6, 30)
    assert sub.rows == len(q1.read_text().splitlines()) - 1
    assert sub.errors == 0 and sub.fatal == 0
    # the stored files cannot be written to by accident
    assert not (folder / "original.csv").stat().st_mode & 0o222
    # the validation result can be rendered again
    result = load_result(folder)
    assert result is not None and result.summary.rows == sub.rows
    ev = AuditEvent.objects.using(store.alias).get(action="submit")
    assert ev.actor == "tester" and sub.sha256 in ev.details


def test_normalised_events_and_keys(store: Store, series: dict) -> None:
    sub = submit(store, series["503"][0], "503", YEAR).submission
    rows = _rows(store, sub)
    assert len(rows) == sub.rows
    keys = [r[0] for r in rows]
    assert len(set(keys)) == len(keys)
    assert all(k.startswith("R:EV") for k in keys)  # synthetic files carry unique references
    assert sub.keys_from_reference == sub.rows and sub.keys_derived == 0
    # dates are typed
    assert any(isinstance(r[3], date) for r in rows)


def test_derived_keys_when_references_missing_or_duplicated(store: Store, tmp_path: Path,
                                                            series: dict) -> None:
    src = series["503"][0].read_text().splitlines()
    header = src[0].split(",")
    ref = header.index("Event Reference")
    rows = [line.split(",") for line in src[1:]]
    rows[0][ref] = ""  # missing
    rows[1][ref] = rows[2][ref] = "DUP"  # not unique
    rows.append(list(rows[3]))  # an identical event twice (its reference duplicated too)
    path = tmp_path / "refs.csv"
    path.write_text("\n".join([src[0]] + [",".join(r) for r in rows]) + "\n")
    sub = submit(store, path, "503", YEAR).submission
    keys = _rows(store, sub)
    derived = [k for k in keys if k[1] == "derived"]
    assert len(derived) == 5 == sub.keys_derived
    assert all(k[0].startswith("D:") for k in derived)
    assert len({k[0] for k in keys}) == len(keys)  # still unique: '#2' for the twin
    assert sum(1 for k in derived if k[0].endswith("#2")) == 1


def test_identical_bytes_are_recognised(store: Store, series: dict) -> None:
    first = submit(store, series["503"][0], "503", YEAR).submission
    again = submit(store, series["503"][0], "503", YEAR)
    assert again.kind == "duplicate" and again.exit_code == 0
    assert again.submission.pk == first.pk
    assert Submission.objects.using(store.alias).count() == 1
    assert AuditEvent.objects.using(store.alias).filter(action="duplicate").count() == 1
    assert list((store.root / "staging").iterdir()) == []


def test_later_submission_supersedes(store: Store, series: dict) -> None:
    v1 = submit(store, series["503"][0], "503", YEAR).submission
    v2 = submit(store, series["503"][1], "503", YEAR).submission
    assert (v2.version, v2.supersedes_id) == (2, v1.pk)
    other = submit(store, series["318"][0], "318", YEAR).submission
    assert other.version == 1  # versions count per LA


def test_missing_mandatory_column_is_rejected_but_kept(store: Store, tmp_path: Path,
                                                       series: dict) -> None:
    path = edit_column(series["503"][0], tmp_path / "no-event-type.csv", "Event Type", None)
    out = submit(store, path, "503", YEAR)
    assert out.kind == "rejected" and out.exit_code == 1
    sub = out.submission
    assert sub.status == "rejected" and sub.fatal >= 1 and "structural" in sub.rejection_reason
    folder = store.path(sub.folder)
    assert (folder / "original.csv").read_bytes() == path.read_bytes()
    assert not (folder / "events.parquet").exists()
    assert load_result(folder) is not None
    assert AuditEvent.objects.using(store.alias).filter(action="reject").count() == 1


def test_unreadable_file_is_rejected_with_the_reason(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\x00\x01\x02garbage\xff" * 100)
    out = submit(store, path, "503", YEAR)
    assert out.kind == "rejected"
    assert "cannot be read" in out.submission.rejection_reason
    assert "binary.csv" in out.submission.rejection_reason
    assert load_result(store.path(out.submission.folder)) is None


def test_period_must_start_on_1_april(store: Store, tmp_path: Path, series: dict) -> None:
    text = series["503"][1].read_text().replace("01/04/2020", "01/07/2020")
    path = tmp_path / "q2-only.csv"
    path.write_text(text)
    out = submit(store, path, "503", YEAR)
    assert out.kind == "rejected"
    assert "cumulative from 01/04/2020" in out.submission.rejection_reason


def test_period_end_outside_the_year(store: Store, series: dict) -> None:
    with pytest.raises(StoreError, match="not within 2020/21"):
        submit(store, series["503"][0], "503", YEAR, period_end=date(2021, 6, 30))
    assert Submission.objects.using(store.alias).count() == 0


def test_period_end_given_differs_from_the_file(store: Store, series: dict) -> None:
    out = submit(store, series["503"][0], "503", YEAR, period_end=date(2020, 9, 30))
    assert out.kind == "accepted"
    assert out.submission.stated_end == date(2020, 9, 30)
    assert any(rc.rule == "CLD205" for rc in out.result.rule_counts)


def test_stated_period_wider_than_the_data_warns(store: Store, tmp_path: Path,
                                                 series: dict) -> None:
    # the Q1 file, but stated to run to 31/12/2020
    text = series["503"][0].read_text().replace("30/06/2020", "31/12/2020")
    path = tmp_path / "wide.csv"
    path.write_text(text)
    out = submit(store, path, "503", YEAR)
    sub = out.submission
    assert sub.derived_start == date(2020, 4, 1) and sub.derived_end == date(2020, 6, 30)
    assert sub.stated_end == date(2020, 12, 31)
    assert "wider than the data" in sub.period_note
    assert any("wider than the data" in n for n in out.notes)


def test_unknown_la_and_bad_year(store: Store, series: dict) -> None:
    with pytest.raises(StoreError, match="not an LA code"):
        submit(store, series["503"][0], "999", YEAR)
    with pytest.raises(StoreError, match="financial year"):
        submit(store, series["503"][0], "503", "2020/22")
    with pytest.raises(StoreError, match="no such file"):
        submit(store, Path("/nonexistent.csv"), "503", YEAR)


def test_xlsx_submission(store: Store, tmp_path: Path) -> None:
    from cld.synth import generate, write_submission

    path = tmp_path / "q4.xlsx"
    write_submission(generate("503", date(2020, 4, 1), date(2021, 3, 31), people=40), path,
                     fmt="xlsx")
    out = submit(store, path, "503", YEAR)
    assert out.kind == "accepted"
    assert (store.path(out.submission.folder) / "original.xlsx").read_bytes() == \
        path.read_bytes()


def test_identical_rejected_file_stays_rejected(store: Store, tmp_path: Path,
                                                series: dict) -> None:
    # no period end in the file: rejected; the same bytes again: still rejected (exit 1)
    path = edit_column(series["503"][0], tmp_path / "no-end.csv", "Reporting Period End Date",
                       "")
    first = submit(store, path, "503", YEAR)
    assert first.kind == "rejected" and "period end" in first.submission.rejection_reason
    again = submit(store, path, "503", YEAR)
    assert again.kind == "duplicate" and again.exit_code == 1
    assert "rejected" in again.message
    # the same bytes with the missing period given is a new submission, and is accepted
    fixed = submit(store, path, "503", YEAR, period_end=date(2020, 6, 30))
    assert fixed.kind == "accepted" and fixed.submission.version == 2
    assert fixed.submission.stated_end == date(2020, 6, 30)


def test_file_of_another_la_is_rejected(store: Store, series: dict) -> None:
    out = submit(store, series["318"][0], "503", YEAR)
    assert out.kind == "rejected"
    assert "LA Code is 318, not 503" in out.submission.rejection_reason


def test_year_locked_while_the_file_was_checked(store: Store, series: dict,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import cld.validation.engine
    from cld.store.models import ReportingYear

    submit(store, series["318"][0], "318", YEAR)
    real = cld.validation.engine.validate

    def validate_then_lock(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        ReportingYear.objects.using(store.alias).filter(label=YEAR).update(locked=True)
        return result

    monkeypatch.setattr(cld.validation.engine, "validate", validate_then_lock)
    out = submit(store, series["503"][0], "503", YEAR)
    assert out.kind == "refused" and out.exit_code == 3
    assert Submission.objects.using(store.alias).filter(la_id="503").count() == 0
    assert AuditEvent.objects.using(store.alias).filter(action="refuse").count() == 1
    assert list((store.root / "staging").iterdir()) == []
    assert list((store.root / "submissions").glob("503/*/*")) == []


def test_same_period_end_given_or_read_is_the_same_submission(store: Store,
                                                              series: dict) -> None:
    q2 = series["503"][1]
    first = submit(store, q2, "503", YEAR, period_end=date(2020, 9, 30))  # the file's own
    again = submit(store, q2, "503", YEAR)
    assert again.kind == "duplicate" and again.submission.pk == first.submission.pk
    other = submit(store, q2, "503", YEAR, period_end=date(2020, 12, 31))
    assert other.kind == "accepted" and other.submission.version == 2


def test_fatal_rejection_names_the_problem(store: Store, tmp_path: Path, series: dict) -> None:
    path = edit_column(series["503"][0], tmp_path / "x.csv", "Event Start Date", None)
    out = submit(store, path, "503", YEAR)
    assert out.kind == "rejected" and "Event Start Date" in out.submission.rejection_reason


def test_same_bytes_under_another_specification_are_a_new_version(
        store: Store, series: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A delta release (v4.3 = v4.2 with no changes) in a private spec folder."""
    import cld.spec.loader as loader

    real = loader._data_dir()
    data = tmp_path / "spec"
    data.mkdir()
    for f in real.iterdir():
        (data / f.name).symlink_to(f)
    (data / "v4.3.yaml").write_text("base: v4.2\nversion: v4.3\n")
    monkeypatch.setattr(loader, "_data_dir", lambda: data)
    first = submit(store, series["503"][0], "503", YEAR)
    again = submit(store, series["503"][0], "503", YEAR, spec_version="v4.3")
    assert again.kind == "accepted", again.message
    assert again.submission.version == 2 and again.submission.spec_version == "v4.3"
    assert again.submission.sha256 == first.submission.sha256
    same = submit(store, series["503"][0], "503", YEAR, spec_version="v4.3")
    assert same.kind == "duplicate" and same.submission.pk == again.submission.pk
