"""Tracing as a processor runs it, with the real matcher: an LA's file whose people carry the
synthetic register's known defects is submitted, `cld trace` traces it against the register
and `cld feedback` writes what was found; every number found is the person's true one."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from cld.cli import app
from cld.store import Store, submit
from cld.synth import generate, write_submission
from cld.synth.register import clients_of, la_view, make, write_register

runner = CliRunner()


def test_trace_and_feedback_find_the_true_numbers(tmp_path: Path) -> None:
    full = generate("503", date(2020, 4, 1), date(2021, 3, 31), people=300, seed=4)
    people = clients_of(full.rows)
    made = make(records=people.height * 10, seed=2, clients=people)
    sent = dataclasses.replace(full, rows=la_view(full.rows, people, made))
    # the truth: each client's true number (none for those the register does not hold)
    absent = made.truth.filter(pl.col("defect") == "absent")["person_id"].to_list()
    order = made.requests["person_id"].to_list()
    truth_by_nhs = {n: (None if order[i] in absent else n)
                    for i, n in enumerate(people["nhs_number"].to_list())}
    truth = {pid: truth_by_nhs.get(n) for pid, n in
             zip(full.rows["Person Unique Identifier"], full.rows["NHS Number"], strict=True)
             if n in truth_by_nhs}
    path = tmp_path / "la.csv"
    write_submission(sent, path)
    store = Store.open(tmp_path / "store")
    assert submit(store, path, "503", "2020/21", by="test").kind == "accepted"
    register = tmp_path / "register.csv"
    write_register(made.register, str(register))

    res = runner.invoke(app, ["trace", "--la", "503", "--year", "2020/21", "--register",
                              str(register), "--store", str(store.root)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["feedback", "--la", "503", "--year", "2020/21", "-o",
                              str(tmp_path / "fb"), "--store", str(store.root)])
    assert res.exit_code == 0, res.output
    (feedback,) = (tmp_path / "fb").glob("*.csv")
    rows = list(csv.DictReader(feedback.open(encoding="utf-8")))
    found = {r["Person ID"]: r["NHS Number found"] or None for r in rows if r["Person ID"] in truth}
    assert len(found) == len(truth) > 250
    traced = {p: n for p, n in found.items() if n}
    # precision: every number found is the true one; recall: nearly all true ones are found
    assert all(truth[p] == n for p, n in traced.items())
    should = [p for p, n in truth.items() if n]
    assert sum(found[p] == truth[p] for p in should) >= 0.95 * len(should)
    # the defects were there to find: numbers were added and corrected, not only confirmed
    actions = {r["Action"] for r in rows}
    assert {"confirmed", "added", "corrected", "not traced"} <= actions
