"""The indicator engine: the shape of every table, sexes the register does not know, the cache
per build, the years of a result, and the command line's JSON."""

import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from django.core.management import CommandError, call_command

from helhetsbild.analysis import engine
from helhetsbild.analysis.catalogue import Aggregate, Indicator, breakdowns_of, indicator
from helhetsbild.analysis.catalogue import indicators as catalogue
from helhetsbild.analysis.disclosure import TOTAL, Cell
from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.analysis.selectors import cell_record
from helhetsbild.analysis.store import StoreMissing, build_store, results_folder
from tests.analysis.indicator_register import Keys, import_indicator_register
from tests.factories import TODAY

SEX = "kön"


@pytest.fixture(autouse=True)
def fresh_results() -> None:
    """Build ids start again in every test's database; results cached by id must not carry."""
    engine._cache.clear()


@pytest.fixture
def keys(committees, tmp_path: Path) -> Keys:  # type: ignore[no-untyped-def]
    return import_indicator_register(committees, tmp_path)


@pytest.fixture
def build(keys: Keys) -> AnalysisBuild:
    return build_store(actor=None, reference_date=TODAY)


def the(indicator_id: str) -> Indicator:
    item = indicator(indicator_id)
    assert item is not None
    return item


def additive(item: Indicator, cell: Cell) -> tuple[float, ...]:
    """The numbers of a cell that add up over the groups of a breakdown."""
    if item.aggregate == Aggregate.COUNT:
        return (cell.value or 0,)
    if item.aggregate == Aggregate.MEDIAN:
        return (cell.denominator or 0,)
    return (cell.numerator or 0, cell.denominator or 0)


def groups_of(table: list[Cell], breakdown: str) -> list[str | None]:
    return [cell.group for cell in table if cell.breakdown == breakdown]


# --- the shape of a table ----------------------------------------------------------------------


@pytest.mark.django_db
def test_every_table_has_one_total_and_every_group_of_every_breakdown(
    build: AnalysisBuild,
) -> None:
    for item in catalogue().values():
        parts = breakdowns_of(item)
        for period, table in engine.true_tables(item, build).items():
            where = (item.id, period)
            assert [c.breakdown for c in table].count(TOTAL) == 1 and table[0].group == TOTAL
            assert {c.breakdown for c in table} == {TOTAL} | {b.id for b in parts}, where
            assert {(c.indicator, c.period, c.unit) for c in table} == {
                (item.id, period, item.unit)
            }
            total = additive(item, table[0])
            for part in parts:
                groups = groups_of(table, part.id)
                assert groups[: len(part.groups)] == list(part.groups), (where, part.id)
                assert len(set(groups)) == len(groups), (where, part.id)
                summed = [additive(item, c) for c in table if c.breakdown == part.id]
                assert tuple(map(sum, zip(*summed, strict=True))) == total, (where, part.id)


@pytest.mark.django_db
def test_empty_groups_are_listed_with_nobody_in_them(build: AnalysisBuild) -> None:
    """Nobody settled in 2026 came unaccompanied or by assignment; the groups are still there."""
    table = engine.true_tables(the("mottagna"), build)["2026"]
    cells = {(c.breakdown, c.group): c.value for c in table}
    assert cells[("mottagandeform", "assigned")] == 0
    assert cells[("ensamkommande", "yes")] == 0
    assert cells[("åldersgrupp", "65-")] == 0
    assert groups_of(table, "bosättningsår") == ["2026"]  # its groups are the years found


@pytest.mark.django_db
def test_a_third_sex_and_a_missing_one_are_groups_of_their_own(
    keys: Keys, build: AnalysisBuild
) -> None:
    """The import knows only K and M; the store could hold anything. Robin is given a third
    value and Emil loses his in the built file itself, the simplest honest way to get there."""
    with duckdb.connect(str(build.path)) as store:
        store.execute("UPDATE persons SET sex = 'X' WHERE person_key = ?", [keys.robin])
        store.execute("UPDATE persons SET sex = NULL WHERE person_key = ?", [keys.emil])
    shutil.rmtree(results_folder(build))  # computed by the build, before the edit

    tables = engine.true_tables(the("forsorjningsstod_personer"), build)
    published = engine.results(build=build)

    year = {c.group: (c.numerator, c.denominator) for c in tables["2026"] if c.breakdown == SEX}
    assert list(year) == ["K", "M", "X", None]
    assert year == {"K": (0, 3), "M": (0, 1), "X": (0, 1), None: (0, 1)}
    assert set(published) == set(catalogue())
    settled = [c for c in published["mottagna"].cells if c.period == "2026"]
    assert groups_of(settled, SEX) == ["K", "M", None]


# --- compiling ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator_id", "columns"),
    [
        ("sjalvforsorjande_24", ["person_key", "period"]),
        ("forsorjningsstod_belopp", ["person_key", "value"]),
        ("mottagna", ["period"]),
    ],
)
def test_a_query_without_its_columns_is_refused(indicator_id: str, columns: list[str]) -> None:
    with pytest.raises(ValueError, match=indicator_id):
        engine.compile_query(the(indicator_id), columns)


def test_a_count_needs_no_value() -> None:
    assert "NULL AS value" in engine.compile_query(the("mottagna"), ["person_key", "period"])


# --- the cache ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_build_computes_every_indicator_and_pages_only_read_the_results(
    keys: Keys, build: AnalysisBuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    newer = build_store(actor=None, reference_date=TODAY)
    stored = {path.name.split("-")[0] for path in results_folder(build).iterdir()}
    assert stored == set(catalogue())

    def computed(*args: object) -> None:
        raise AssertionError("a result the build computed was computed again")

    monkeypatch.setattr(engine, "_compute", computed)
    item = the("mottagna")
    first = engine.result(item, build)
    assert engine.result(item, build) is first and first.build_id == build.pk
    fresh = engine.result(item, newer)
    assert fresh.build_id == newer.pk and fresh.cells == first.cells


def test_a_result_missing_on_disk_is_computed_once_and_kept(
    keys: Keys, build: AnalysisBuild
) -> None:
    shutil.rmtree(results_folder(build))
    item = the("mottagna")

    first = engine.result(item, build)

    assert [path.name.split("-")[0] for path in results_folder(build).iterdir()] == ["mottagna"]
    engine._cache.clear()
    assert engine.result(item, build).cells == first.cells


def test_without_a_build_there_is_no_result(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreMissing):
        engine.result(the("mottagna"))


# --- the years of a result ---------------------------------------------------------------------


def a_result(*years: int) -> engine.Result:
    cells = tuple(
        Cell(
            indicator="mottagna",
            period=str(year),
            breakdown=TOTAL,
            group=TOTAL,
            unit="count",
            value=10.0,
            numerator=None,
            denominator=None,
        )
        for year in years
    )
    return engine.Result(indicator=the("mottagna"), build_id=1, cells=cells)


@pytest.mark.parametrize(
    ("first", "last", "periods"),
    [
        (None, None, ["2021", "2022", "2023", "2024"]),
        (2022, 2023, ["2022", "2023"]),
        (2023, None, ["2023", "2024"]),
        (None, 2021, ["2021"]),
        (2022, 2022, ["2022"]),
        (2025, None, []),
        (2024, 2022, []),
    ],
)
def test_between_keeps_the_years_from_first_to_last(
    first: int | None, last: int | None, periods: list[str]
) -> None:
    result = a_result(2021, 2022, 2023, 2024)
    assert [cell.period for cell in result.between(first, last)] == periods
    assert result.periods == ["2021", "2022", "2023", "2024"]


# --- the command line --------------------------------------------------------------------------

CELL_KEYS = {
    "indicator",
    "period",
    "breakdown",
    "group",
    "unit",
    "value",
    "numerator",
    "denominator",
    "suppressed",
}


def command_json(*args: str) -> list[dict[str, object]]:
    out = io.StringIO()
    call_command("indicators", "--format", "json", *args, stdout=out)
    return list(json.loads(out.getvalue()))


@pytest.mark.django_db
def test_the_catalogue_as_json() -> None:
    records = command_json("--list")

    assert [r["id"] for r in records] == list(catalogue())
    assert all(
        set(r) == {"id", "title", "definition", "unit", "direction", "period", "kolada"}
        for r in records
    )
    first = records[0]
    item = the(str(first["id"]))
    assert (first["title"], first["unit"], first["direction"]) == (
        item.title,
        item.unit,
        item.direction,
    )


@pytest.mark.django_db
def test_the_published_cells_as_json_for_some_years(build: AnalysisBuild) -> None:
    records = command_json("--from", "2023", "--to", "2024")

    assert records and all(set(r) == CELL_KEYS for r in records)
    assert {r["period"] for r in records} == {"2023", "2024"}
    published = [c for result in engine.results().values() for c in result.between(2023, 2024)]
    assert records == [cell_record(c) for c in published]
    hidden = [r for r in records if r["suppressed"]]
    assert hidden and len(hidden) < len(records)
    assert all((r["value"], r["numerator"], r["denominator"]) == (None,) * 3 for r in hidden)


@pytest.mark.django_db
def test_one_indicator_as_json(build: AnalysisBuild) -> None:
    records = command_json("--indicator", "mottagna")

    assert {r["indicator"] for r in records} == {"mottagna"}
    assert sorted({str(r["period"]) for r in records}) == ["2021", "2022", "2025", "2026"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--indicator", "finns_inte"], "Okänd indikator: finns_inte"),
        ([], "inte byggd"),
    ],
)
def test_the_command_says_what_is_wrong(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("indicators", "--format", "json", *args, stdout=io.StringIO())
