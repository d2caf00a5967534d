"""A reader never receives a number about fewer persons than the threshold, anywhere
(DESIGN.md §5; docs/disclosure-control.md).

The demo municipality of 800 synthetic persons, imported committee by committee through the
pipeline, with its goals, audit and a report, is read as the demo's reader (`lasare`) through
every output a reader has: the overview, every indicator page in every period, both downloads
of every indicator, the API, the journey of every cohort under every filter, the goal pages and
red threads, the report and the compensation overview. The outputs are parsed as a reader gets
them (HTML tables, CSV, XLSX, JSON) and every count of persons in them must be 0 or at least
`MIN_CELL_SIZE`. Where a table shows shares or months instead (the goal pages and the report),
each shown value must rest on a cell that disclosure control let through.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from lxml.html import HtmlElement
from openpyxl import load_workbook

from helhetsbild.analysis import engine
from helhetsbild.analysis.catalogue import Aggregate, indicator, indicators
from helhetsbild.analysis.disclosure import SUPPRESSED_MARK, TOTAL, UNDEFINED_MARK
from helhetsbild.analysis.store import open_store
from helhetsbild.api.services import api_token_create
from helhetsbild.economy.rules import rules
from helhetsbild.economy.selectors import overview_months
from helhetsbild.economy.store import tally_in_store
from helhetsbild.goals.models import Goal, GoalIndicator, Source
from helhetsbild.goals.selectors import current_year
from helhetsbild.reports.models import ReportKind
from helhetsbild.reports.services import report_create

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PERSONS = 800
READER = "lasare"  # the demo's reader
# What a cell shows instead of a number: hidden, cannot be computed, no value.
NOT_A_NUMBER = {SUPPRESSED_MARK, UNDEFINED_MARK, "–", ""}
# Column headings that count persons; a table whose caption says "(antal)" counts them in all.
COUNT_HEADINGS = ("Antal", "Personer", "Täljare", "Nämnare")


@pytest.fixture(scope="module")
def municipality(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        try:
            engine._cache.clear()
            call_command("demo", persons=PERSONS, no_serve=True, stdout=io.StringIO())
            report_create(actor=None, kind=ReportKind.INTERIM, year=current_year(), committee=None)
            yield
        finally:
            engine._cache.clear()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def reader(municipality: None) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=READER))
    return client


@dataclass
class Counted:
    """The counts of persons read from one output, and where each came from."""

    where: str
    numbers: list[tuple[str, float]]

    def assert_publishable(self) -> None:
        threshold = settings.MIN_CELL_SIZE
        small = [(spot, n) for spot, n in self.numbers if 0 < n < threshold]
        assert not small, f"{self.where}: tal under {threshold}: {small}"
        fractions = [(spot, n) for spot, n in self.numbers if n != int(n)]
        assert not fractions, f"{self.where}: antal som inte är heltal: {fractions}"


def number(text: str) -> float | None:
    """A number as the pages write it ("1 234", "45,2", "3 200 kr"); None for a mark."""
    text = text.strip()
    if text in NOT_A_NUMBER:
        return None
    digits = re.sub(r"[\s\u00a0\u202f]|kr|%|mån\.", "", text).replace(",", ".")
    return float(digits)


def tables(html: bytes) -> list[HtmlElement]:
    return list(lxml.html.fromstring(html.decode("utf-8")).iter("table"))


def caption(table: HtmlElement) -> str:
    found = table.find("caption")
    return found.text_content().strip() if found is not None else ""


def headings(table: HtmlElement) -> list[str]:
    return [cell.text_content().strip() for cell in table.xpath("./thead/tr/th")]


def body_rows(table: HtmlElement) -> list[list[str]]:
    return [
        [cell.text_content().strip() for cell in row]
        for row in table.xpath("./tbody/tr | ./tfoot/tr")
    ]


def person_counts(where: str, html: bytes) -> Counted:
    """Every cell of a column that counts persons, in every table of a page."""
    found: list[tuple[str, float]] = []
    for table in tables(html):
        heads = headings(table)
        if "(antal)" in caption(table) or caption(table).startswith("Antal personer"):
            columns = list(range(1, len(heads)))
        else:
            columns = [i for i, head in enumerate(heads) if head.startswith(COUNT_HEADINGS)]
        for row in body_rows(table):
            for i in columns:
                if i < len(row) and (value := number(row[i])) is not None:
                    found.append((f"{caption(table)} / {row[0]} / {heads[i]}", value))
    return Counted(where, found)


def test_the_reading_catches_a_small_count() -> None:
    """The parser finds what the walk looks for, so the walk can fail."""
    page = (
        b"<table><caption>K\xc3\xb6n, 2026</caption><thead><tr><th>Grupp</th><th>Antal</th>"
        b"</tr></thead><tbody><tr><th>Kvinna</th><td>3</td></tr></tbody></table>"
    )
    counted = person_counts("prov", page)
    assert counted.numbers == [("Kön, 2026 / Kvinna / Antal", 3.0)]
    with pytest.raises(AssertionError):
        counted.assert_publishable()


# --- pages ---------------------------------------------------------------------------------------


def test_the_overview_shows_no_small_count(reader: Client) -> None:
    response = reader.get("/analys/")
    assert response.status_code == 200
    counted = person_counts("översikten", response.content)
    counted.assert_publishable()
    assert len(counted.numbers) >= 20


@pytest.mark.parametrize("indicator_id", sorted(indicators()))
def test_every_period_of_an_indicator_page_shows_no_small_count(
    reader: Client, indicator_id: str
) -> None:
    first = reader.get(f"/analys/indikatorer/{indicator_id}/")
    assert first.status_code == 200
    periods = lxml.html.fromstring(first.content.decode()).xpath(
        "//select[@name='period']/option/@value"
    )
    assert periods, indicator_id
    for period in periods:
        response = reader.get(f"/analys/indikatorer/{indicator_id}/", {"period": period})
        counted = person_counts(f"{indicator_id} {period}", response.content)
        counted.assert_publishable()
        assert counted.numbers, f"{indicator_id} {period}: inga antal hittades på sidan"


def test_every_cohort_and_filter_of_the_journey_shows_no_small_count(reader: Client) -> None:
    form = lxml.html.fromstring(reader.get("/analys/resan/").content.decode())
    years = form.xpath("//select[@name='ar']/option/@value")
    filters = [("kon", v) for v in form.xpath("//select[@name='kon']/option/@value") if v]
    filters += [
        ("malgrupp", v) for v in form.xpath("//select[@name='malgrupp']/option/@value") if v
    ]
    assert years and filters
    seen = 0
    for year in years:
        for query in [{}, *({name: value} for name, value in filters)]:
            response = reader.get("/analys/resan/", {"ar": year, **query})
            assert response.status_code == 200, (year, query)
            counted = person_counts(f"resan {year} {query}", response.content)
            counted.assert_publishable()
            seen += len(counted.numbers)
    assert seen > 1000


def test_goal_pages_and_the_report_show_only_values_disclosure_control_let_through(
    reader: Client,
) -> None:
    """The goal pages and the report show shares and months, not counts: each shown value of an
    indicator from the analysis store must be one that `protect` did not hide."""
    titles = {item.title: item for item in indicators().values()}
    pages = [f"/mal/{goal.pk}/" for goal in Goal.objects.all()]
    pages += [f"/mal/{goal.pk}/rod-trad/" for goal in Goal.objects.filter(parent=None)]
    pages += ["/mal/", "/rapporter/", "/rapporter/1/", "/rapporter/1/rapport.html"]
    checked = 0
    for page in pages:
        response = reader.get(page)
        assert response.status_code == 200, page
        person_counts(page, response.content).assert_publishable()
        for table in tables(response.content):
            item = next(
                (i for t, i in titles.items() if caption(table).startswith(f"{t} per år")), None
            )
            if item is None:
                continue
            shown = _cells_by_year_and_group(item.id)
            heads = headings(table)
            assert heads[1:] == ["Totalt", "Kvinnor", "Män"], (page, caption(table))
            for row in body_rows(table):
                for group, text in zip(("total", "K", "M"), row[1:], strict=True):
                    suppressed = shown[row[0], group]
                    if number(text) is not None:
                        assert not suppressed, (page, caption(table), row[0], group, text)
                        checked += 1
                    elif suppressed:
                        assert text == SUPPRESSED_MARK, (page, caption(table), row[0], group)
    engine_indicators = GoalIndicator.objects.filter(source=Source.ENGINE).count()
    assert engine_indicators and checked > engine_indicators


def _cells_by_year_and_group(indicator_id: str) -> dict[tuple[str, str], bool]:
    """Whether each (year, total/K/M) cell of the indicator is hidden."""
    return {
        (cell.period, cell.group if cell.breakdown == "kön" else "total"): cell.suppressed
        for cell in engine.result(indicator(indicator_id)).cells
        if cell.breakdown in (TOTAL, "kön")
    }


def test_the_compensation_overview_shows_no_sum_of_few_persons(reader: Client) -> None:
    """Amounts, not counts: each shown sum must come from at least the threshold of persons
    (a fixed rate times a small number would give the number away)."""
    response = reader.get("/ekonomi/")
    assert response.status_code == 200
    [table] = [t for t in tables(response.content) if caption(t).startswith("Förväntad ersättning")]
    book = rules()
    kinds = {kind.name: kind for kind in book}
    with open_store() as store:
        reference = store.execute("SELECT reference_date FROM build_info").fetchone()[0]  # type: ignore[index]
        tally = tally_in_store(store, book, overview_months(reference))
    heads = headings(table)
    shown = 0
    for row in body_rows(table):
        month = dt.date.fromisoformat(row[0][:7] + "-01")
        for head, text in zip(heads[1:], row[1:], strict=True):
            known = text.split("+")[-1] if SUPPRESSED_MARK not in text else ""
            if number(known.replace("okänt", "")) in (None, 0):
                continue
            total = tally.cells[kinds[head].code, month]
            assert total.persons_known >= settings.MIN_CELL_SIZE, (row[0], head, text)
            shown += 1
    assert shown


# --- downloads and the API ------------------------------------------------------------------------


def _count_columns(unit_label: str) -> tuple[str, ...]:
    """Which of värde, täljare, nämnare count persons, by the file's unit column."""
    if unit_label == "antal":
        return ("värde",)
    if unit_label.startswith("andel"):
        return ("täljare", "nämnare")
    return ("nämnare",)  # a mean or a median: the sum is money or months


@pytest.mark.parametrize("indicator_id", sorted(indicators()))
def test_both_downloads_of_an_indicator_hold_no_small_count(
    reader: Client, indicator_id: str
) -> None:
    for file_format in ("csv", "xlsx"):
        response = reader.get(f"/analys/indikatorer/{indicator_id}/{file_format}")
        assert response.status_code == 200, file_format
        records = (
            _csv_records(response.content)
            if file_format == "csv"
            else _xlsx_records(response.content)
        )
        found = []
        for record in records:
            for column in _count_columns(str(record["enhet"])):
                value = record[column]
                if isinstance(value, str):
                    value = number(value)
                if value is not None:
                    found.append((f"{record['period']} {record['grupp']} {column}", float(value)))
        counted = Counted(f"{indicator_id}.{file_format}", found)
        counted.assert_publishable()
        assert counted.numbers


def _csv_records(content: bytes) -> list[dict[str, object]]:
    text = content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _xlsx_records(content: bytes) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]  # type: ignore[arg-type]


def test_the_api_gives_no_small_count(reader: Client) -> None:
    key = _reader_key()
    response = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/results")
    assert response.status_code == 200
    found = []
    for cell in response.json()["cells"]:
        item = indicator(cell["indicator"])
        if cell["suppressed"]:
            assert cell["value"] is cell["numerator"] is cell["denominator"] is None, cell
            continue
        names = {
            Aggregate.COUNT: ("value",),
            Aggregate.SHARE: ("numerator", "denominator"),
        }.get(item.aggregate, ("denominator",))
        found += [
            (f"{cell['indicator']} {cell['period']} {cell['group']} {name}", float(cell[name]))
            for name in names
            if cell[name] is not None
        ]
    counted = Counted("API /api/v1/results", found)
    counted.assert_publishable()
    assert len(counted.numbers) > 1000


def _reader_key() -> str:
    return api_token_create(actor=None, user=User.objects.get(username=READER), name="BI").key
