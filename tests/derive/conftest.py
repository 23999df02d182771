"""Fixtures of the cross-module derive tests: toy outputs (registered for a test, removed
after) and a small store of synthetic submissions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pytest

from cld.derive.registry import OUTPUTS, Inputs, Measure, Output
from cld.store import Store, submit
from cld.synth import generate, write_submission

YEAR = "2020/21"
SETTINGS = ("Nursing", "Residential", "Community", "excluded: short term")
GENDERS = ("Female", "Male", "Not known")
SERVICE = {"Long Term Support: Nursing Care": "Nursing",
           "Long Term Support: Residential Care": "Residential",
           "Long Term Support: Community": "Community"}


def _in_period(i: Inputs) -> ir.Table:
    """Service events overlapping the period."""
    e = i.events
    start = ibis.literal(i.period_start, type="date")
    end = ibis.literal(i.period_end, type="date")
    return e.filter((e.event_type == "Service") & (e.event_start <= end)
                    & (e.end_derived.isnull() | (e.end_derived >= start)))


def _setting(e: ir.Table) -> ir.StringValue:
    return ibis.cases(*((e.service_type == k, v) for k, v in SERVICE.items()),
                      else_="excluded: short term")


def build_settings(i: Inputs) -> ir.Table:
    """People per gender and long-term setting (short term as an exclusion label)."""
    e = _in_period(i)
    t = e.select(la_code=e.la_code, unit=e.person_key,
                 gender=e.gender.fill_null("Not known"), setting=_setting(e)).distinct()
    return t.mutate(rule="toy>" + t.setting, value=ibis.literal(1))


def build_share(i: Inputs) -> ir.Table:
    """Measure: people in residential or nursing care (numerator) of people with a service."""
    e = _in_period(i)
    t = e.select(la_code=e.la_code, unit=e.person_key, gender=e.gender.fill_null("Not known"),
                 care=_setting(e).isin(["Nursing", "Residential"]))
    per = t.group_by("la_code", "unit").aggregate(gender=t.gender.max(), care=t.care.any())
    den = per.select("la_code", "unit", "gender", part=ibis.literal("denominator"))
    num = per.filter(per.care).select("la_code", "unit", "gender",
                                      part=ibis.literal("numerator"))
    u = den.union(num)
    return u.mutate(rule="toy>" + u.part, value=ibis.literal(1))


def build_rate(i: Inputs) -> ir.Table:
    """Rate per 100,000 of the 18+ population: people with a long-term service."""
    e = _in_period(i)
    e = e.filter(_setting(e) != "excluded: short term")
    t = e.select(la_code=e.la_code, unit=e.person_key).distinct()
    return t.mutate(part=ibis.literal("numerator"), group=ibis.literal("All"),
                    rule=ibis.literal("toy>rate"), value=ibis.literal(1))


TOYS = (
    Output(code="TOY001", table="a", title="Toy: people by gender and setting", kind="salt",
           dims={"gender": GENDERS, "setting": SETTINGS}, build=build_settings,
           source="none (a test output)"),
    Output(code="TOY002", title="Toy: share in residential or nursing care", kind="ascof",
           dims={"gender": GENDERS, "part": ("numerator", "denominator")}, build=build_share,
           measure=Measure(numerator="numerator", denominator="denominator")),
    Output(code="TOY003", title="Toy: long-term service users per 100,000 adults",
           kind="ascof", dims={"group": ("All",), "part": ("numerator",)}, build=build_rate,
           measure=Measure(numerator="numerator", denominator=None, scale=100_000,
                           population_band="18 and over")),
)


@pytest.fixture
def toys() -> Iterator[list[str]]:
    """The toy outputs registered (and only they: real ones are set aside meanwhile)."""
    import cld.derive.outputs  # noqa: F401  (registers the real outputs first)

    saved = dict(OUTPUTS)
    OUTPUTS.clear()
    for o in TOYS:
        OUTPUTS[o.name] = o
    yield [o.name for o in TOYS]
    OUTPUTS.clear()
    OUTPUTS.update(saved)


@pytest.fixture(scope="session")
def synth_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A clean synthetic submission of 2020/21 for LAs 503 and 318 (the demo's two)."""
    folder = tmp_path_factory.mktemp("derive-files")
    out = {}
    for la, seed in (("503", 21), ("318", 22)):
        path = folder / f"{la}.csv"
        write_submission(generate(la, date(2020, 4, 1), date(2021, 3, 31), people=120,
                                  seed=seed), path)
        out[la] = path
    return out


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory, synth_files: dict[str, Path]) -> Path:
    """A store holding both files as accepted submissions of 2020/21 (made once; tests open
    it read-only in spirit: they do not submit to it)."""
    root = tmp_path_factory.mktemp("derive-store") / "store"
    st = Store.open(root)
    for la, path in synth_files.items():
        o = submit(st, path, la, YEAR, by="test")
        assert o.kind == "accepted", o.message
    st.close()
    return root


@pytest.fixture
def store(store_dir: Path) -> Iterator[Store]:
    st = Store.open(store_dir)
    yield st
    st.close()
