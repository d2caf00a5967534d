"""The indicator downloads: the same protected cells as `helhetsbild indicators --format json`,
hidden ones as `..` with the explanation, no spreadsheet formulas, and every download logged."""

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.analysis import downloads, engine
from helhetsbild.analysis.catalogue import breakdowns_of, indicator
from helhetsbild.analysis.disclosure import TOTAL, Cell
from helhetsbild.organisation.models import Role
from tests.analysis.test_pages import build_small_world, logged_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HEADERS = [
    "indikator",
    "period",
    "uppdelning",
    "grupp",
    "enhet",
    "värde",
    "täljare",
    "nämnare",
    "förklaring",
]
# One indicator of each kind: a share, a count, a mean amount and a median of months.
INDICATORS = [
    ("sjalvforsorjande_andel", "andel, procent"),
    ("mottagna", "antal"),
    ("forsorjningsstod_belopp", "medelvärde, kronor"),
    ("manader_till_arbete", "median, månader"),
]


@pytest.fixture(autouse=True)
def fresh_results() -> Iterator[None]:
    engine._cache.clear()
    yield
    engine._cache.clear()


@pytest.fixture
def world(committees, tmp_path: Path):  # type: ignore[no-untyped-def]
    build_small_world(committees, tmp_path)
    return committees


def published(indicator_id: str) -> list[dict[str, object]]:
    out = io.StringIO()
    call_command("indicators", "--format", "json", "--indicator", indicator_id, stdout=out)
    records: list[dict[str, object]] = json.loads(out.getvalue())
    return records


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [["" if value is None else value for value in row] for row in sheet.values]


def csv_number(text: str) -> object:
    """A CSV field back as what the JSON says: a number, or None for a hidden or empty one."""
    if text in ("..", ".", ""):
        return text
    return float(text.replace(",", "."))


def assert_matches(indicator_id: str, unit: str, rows: list[list[object]]) -> None:
    """Row by row, the file says what the JSON says, in words a person can read."""
    item = indicator(indicator_id)
    assert item is not None
    parts = {part.id: part for part in breakdowns_of(item)}
    records = published(indicator_id)
    assert rows[0] == HEADERS
    assert len(rows) - 1 == len(records) > 0
    for row, record in zip(rows[1:], records, strict=True):
        name, period, breakdown, group, row_unit, value, numerator, denominator, why = row
        assert (name, period, row_unit) == (indicator_id, record["period"], unit)
        if record["breakdown"] == TOTAL:
            assert (breakdown, group) == ("Totalt", "Totalt")
        else:
            part = parts[str(record["breakdown"])]
            assert (breakdown, group) == (part.label, part.label_of(record["group"])), record  # type: ignore[arg-type]
        numbers = {"value": value, "numerator": numerator, "denominator": denominator}
        for field, shown in numbers.items():
            if field not in downloads.NUMBERS[item.aggregate]:
                assert shown == "", (field, row)
            elif record["suppressed"]:
                assert shown == "..", (field, row)
            elif record[field] is None:
                assert shown == ".", (field, row)
            else:
                assert shown == pytest.approx(record[field], rel=1e-12), (field, row)
        if record["suppressed"]:
            assert str(why).startswith("Visas inte, för att skydda enskilda personer")
        else:
            assert (why == "") == (record["value"] is not None), row


def test_the_csv_download_is_the_published_table(world) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(make_user(Role.READER))
    for indicator_id, unit in INDICATORS:
        response = client.get(reverse("analysis:download", args=[indicator_id, "csv"]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{indicator_id}.csv"'
        rows = csv_rows(response.content)
        parsed = [row[:5] + [csv_number(text) for text in row[5:8]] + row[8:] for row in rows[1:]]
        assert_matches(indicator_id, unit, [rows[0], *parsed])


def test_the_xlsx_download_is_the_published_table_with_numbers_as_numbers(world) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(make_user(Role.ANALYST))
    for indicator_id, unit in INDICATORS:
        response = client.get(reverse("analysis:download", args=[indicator_id, "xlsx"]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{indicator_id}.xlsx"'
        rows = xlsx_rows(response.content)
        assert_matches(indicator_id, unit, rows)
        values = [row[5] for row in rows[1:]]
        assert any(isinstance(value, int | float) for value in values)
        assert all(isinstance(value, int | float) or value in ("..", ".") for value in values)


def test_hidden_cells_in_the_files_are_two_dots_with_the_explanation(world) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(make_user(Role.READER))
    rows = csv_rows(client.get(reverse("analysis:download", args=["mottagna", "csv"])).content)
    hidden = [row for row in rows[1:] if row[5] == ".."]
    assert hidden, "the small world should have hidden cells"
    for row in hidden:
        assert "0" not in row[5:8] and row[8].startswith("Visas inte")


def test_every_download_is_written_to_the_access_log(world) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.READER)
    client = logged_in(user)
    client.get(reverse("analysis:download", args=["mottagna", "csv"]))
    client.get(reverse("analysis:download", args=["sjalvforsorjande_andel", "xlsx"]))
    client.get(reverse("analysis:indicator", args=["mottagna"]))  # a page view is not an export
    logged = AccessEvent.objects.filter(action=events.INDICATOR_DOWNLOADED).order_by("pk")
    assert [(e.user, e.detail) for e in logged] == [
        (user, "mottagna (csv)"),
        (user, "sjalvforsorjande_andel (xlsx)"),
    ]
    assert AccessEvent.objects.count() == 2


def test_text_that_a_spreadsheet_would_run_is_neutralised(monkeypatch, world) -> None:  # type: ignore[no-untyped-def]
    """A group code is data from the register; one shaped like a formula must stay text."""
    item = indicator("mottagna")
    assert item is not None
    hostile = Cell(
        indicator=item.id,
        period="2024",
        breakdown="bosättningsår",
        group='=HYPERLINK("http://example.invalid","x")',
        unit=item.unit,
        value=7.0,
        numerator=None,
        denominator=None,
    )
    result = engine.Result(indicator=item, build_id=0, cells=(hostile,))
    monkeypatch.setattr(downloads, "result_for", lambda user, found: result)
    client = logged_in(make_user(Role.READER))

    rows = csv_rows(client.get(reverse("analysis:download", args=[item.id, "csv"])).content)
    assert rows[1][3] == "'" + str(hostile.group)

    book = load_workbook(
        io.BytesIO(client.get(reverse("analysis:download", args=[item.id, "xlsx"])).content)
    )
    cell = book.active["D2"]  # type: ignore[index]
    assert cell.data_type == "s" and cell.value == "'" + str(hostile.group)
