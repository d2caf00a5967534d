"""The indicator catalogue: every indicator describes itself, a wrong header fails loudly and
names its file, a new indicator is one SQL file, and docs/indicators.md lists them all."""

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from helhetsbild.analysis import catalogue, engine
from helhetsbild.analysis.catalogue import (
    INDICATOR_FOLDER,
    Aggregate,
    CatalogueError,
    Direction,
    Indicator,
    breakdowns,
    indicators,
)
from helhetsbild.analysis.disclosure import TOTAL, Unit
from helhetsbild.analysis.store import build_store
from tests.analysis.indicator_register import import_indicator_register
from tests.factories import TODAY

DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
ALL = list(indicators().values())


def ids(items: list[Indicator]) -> list[str]:
    return [item.id for item in items]


@pytest.mark.parametrize("item", ALL, ids=ids(ALL))
def test_every_indicator_describes_itself(item: Indicator) -> None:
    path = INDICATOR_FOLDER / f"{item.id}.sql"
    assert path.read_text(encoding="utf-8") == item.source
    assert item.title and item.definition and item.theme and item.period
    # Swedish, not a placeholder: every text a user reads here has a Swedish letter somewhere.
    assert re.search("[åäöÅÄÖ]", item.title + item.definition)
    assert item.definition.endswith(".")
    assert item.unit in Unit and item.direction in Direction
    assert item.kolada is None or re.fullmatch(r"[NU]\d{5}", item.kolada)
    averaged = item.unit in (Unit.AMOUNT, Unit.MONTHS)
    assert averaged == (item.aggregate in (Aggregate.MEAN, Aggregate.MEDIAN))
    assert set(item.breakdowns) <= set(breakdowns())
    assert item.sql and not item.sql.startswith("--")


def test_the_catalogue_is_the_folder() -> None:
    assert ids(ALL) == sorted(path.stem for path in INDICATOR_FOLDER.glob("*.sql"))
    assert any(item.key for item in ALL)


# --- a new or a broken file --------------------------------------------------------------------

HEADER = {
    "id": '"ny_indikator"',
    "title": '"Mottagna med tidsbegränsat uppehållstillstånd"',
    "definition": '"Antal personer som bosatte sig i kommunen med ett tidsbegränsat tillstånd."',
    "unit": '"count"',
    "direction": '"none"',
    "theme": '"Mottagande"',
    "period": '"Året för den första bosättningen i kommunen"',
}
# No `measured_on`: the engine measures age and time in the municipality at the end of the year,
# or on the reference date in its year.
QUERY = """SELECT person_key, settlement_year AS period
FROM persons
WHERE settlement_date IS NOT NULL AND permit_type = 'temporary'"""


def indicator_file(folder: Path, name: str = "ny_indikator", query: str = QUERY, **fields: str):  # type: ignore[no-untyped-def]
    """An indicator file from HEADER with `fields` changed; a field given as "" is left out."""
    header = {**HEADER, **fields}
    lines = [f"-- {key} = {value}" for key, value in header.items() if value]
    path = folder / f"{name}.sql"
    path.write_text("\n".join(lines) + "\n" + query + "\n", encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An indicator folder of the test's own; the catalogue and results are read afresh."""
    path = tmp_path / "indicators"
    path.mkdir()
    monkeypatch.setattr(catalogue, "INDICATOR_FOLDER", path)
    indicators.cache_clear()
    engine._cache.clear()
    yield path
    indicators.cache_clear()
    engine._cache.clear()


@pytest.mark.parametrize(
    ("fields", "query", "words"),
    [
        ({"title": ""}, QUERY, ["title"]),
        ({"definition": ""}, QUERY, ["definition"]),
        ({"unit": ""}, QUERY, ["unit"]),
        ({"direction": ""}, QUERY, ["direction"]),
        ({"theme": ""}, QUERY, ["theme"]),
        ({"period": ""}, QUERY, ["period"]),
        ({"unit": '"procent"'}, QUERY, ["procent"]),
        ({"direction": '"uppåt"'}, QUERY, ["uppåt"]),
        ({"id": '"en_annan"'}, QUERY, ["en_annan", "file's name"]),
        ({"unit": '"amount"', "aggregate": '"share"'}, QUERY, ["mean or a median"]),
        ({"breakdowns": '["stadsdel"]'}, QUERY, ["stadsdel"]),
        ({"title": '"utan slut'}, QUERY, ["TOMLDecodeError"]),
        ({}, "", ["no query"]),
    ],
)
def test_a_wrong_header_names_the_file_and_what_is_wrong(
    folder: Path, fields: dict[str, str], query: str, words: list[str]
) -> None:
    indicator_file(folder, **fields, query=query)
    with pytest.raises(CatalogueError) as raised:
        indicators()
    assert str(raised.value).startswith("ny_indikator.sql: ")
    for word in words:
        assert word in str(raised.value)


@pytest.mark.django_db
def test_a_new_indicator_is_one_file_in_the_folder(
    committees, folder: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The standard indicators and one more, in the register of `indicator_register.py`: the
    settled with a temporary permit are Celine (2021, 17 at the end of the year), David (2022,
    32) and Emil (2026, 24 on the reference date, though 25 by the end of the year)."""
    for path in INDICATOR_FOLDER.glob("*.sql"):
        shutil.copy(path, folder)
    indicator_file(folder)
    import_indicator_register(committees, tmp_path)
    build = build_store(actor=None, reference_date=TODAY)

    added = indicators()["ny_indikator"]
    tables = engine.true_tables(added, build)
    published = engine.results(build=build)

    assert len(indicators()) == len(ALL) + 1
    assert {
        period: {(c.breakdown, c.group): c.value for c in table if c.value}
        for period, table in tables.items()
    } == {
        "2021": {
            (TOTAL, TOTAL): 1,
            ("kön", "K"): 1,
            ("mottagandeform", "self_settled"): 1,
            ("ensamkommande", "yes"): 1,
            ("tillståndsgrund", "protection"): 1,
            ("utbildningsnivå", "unknown"): 1,
            ("åldersgrupp", "0-17"): 1,
            ("bosättningsår", "2021"): 1,
            ("tid_i_kommunen", "0-11"): 1,
        },
        "2022": {
            (TOTAL, TOTAL): 1,
            ("kön", "M"): 1,
            ("mottagandeform", "assigned"): 1,
            ("ensamkommande", "no"): 1,
            ("tillståndsgrund", "protection"): 1,
            ("utbildningsnivå", "post_secondary"): 1,
            ("åldersgrupp", "25-39"): 1,
            ("bosättningsår", "2022"): 1,
            ("tid_i_kommunen", "0-11"): 1,
        },
        "2026": {
            (TOTAL, TOTAL): 1,
            ("kön", "M"): 1,
            ("mottagandeform", "self_settled"): 1,
            ("ensamkommande", "no"): 1,
            ("tillståndsgrund", "relative"): 1,
            ("utbildningsnivå", "upper_secondary"): 1,
            ("åldersgrupp", "18-24"): 1,
            ("bosättningsår", "2026"): 1,
            ("tid_i_kommunen", "0-11"): 1,
        },
    }
    assert published["ny_indikator"].periods == ["2021", "2022", "2026"]
    assert set(published) == {item.id for item in indicators().values()}


# --- the documentation -------------------------------------------------------------------------

ROW = re.compile(r"^\| `(\w+)` \| (.+?) \| (\w+) \| (\w+) \| (.+?) \| (.+?) \|$")


def documented() -> dict[str, tuple[str, ...]]:
    rows = (ROW.match(line) for line in DOC.read_text(encoding="utf-8").splitlines())
    return {row.group(1): row.groups()[1:] for row in rows if row}


def test_every_indicator_is_in_the_documentation_as_it_is_defined() -> None:
    assert documented() == {
        item.id: (item.title, item.unit, item.direction, item.period, item.kolada or "–")
        for item in ALL
    }
